// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IZkAttestationVerifier} from "../../interfaces/IZkAttestationVerifier.sol";

/// @title SnpJournal
/// @notice Decodes our SEV-SNP zk journal, version 1: 374 bytes, big-endian, fixed layout
/// (docs/zk-journals.md). The program verifies ARK -> ASK -> VCEK (RSA-PSS) and the report's
/// P-384 signature at `timestamp`, then commits the report fields and certificate hashes below.
library SnpJournal {
    uint16 internal constant VERSION = 1;
    uint256 internal constant LENGTH = 374;

    function decode(bytes calldata j) internal pure returns (IZkAttestationVerifier.SnpZkResult memory r) {
        if (j.length < 2) revert IZkAttestationVerifier.JournalTooShort(j.length, LENGTH);
        uint16 version = uint16(bytes2(j[0:2]));
        if (version != VERSION) revert IZkAttestationVerifier.UnsupportedJournalVersion(version);
        if (j.length != LENGTH) revert IZkAttestationVerifier.JournalLengthMismatch(j.length, LENGTH);
        r.timestamp = uint64(bytes8(j[2:10]));
        r.reportVersion = uint32(bytes4(j[10:14]));
        r.guestSvn = uint32(bytes4(j[14:18]));
        r.policy = uint64(bytes8(j[18:26]));
        r.vmpl = uint32(bytes4(j[26:30]));
        r.reportedTcb = bytes8(j[30:38]);
        r.measurement = j[38:86];
        r.reportData = j[86:150];
        r.hostData = bytes32(j[150:182]);
        r.chipId = j[182:246];
        r.reportHash = bytes32(j[246:278]);
        r.vcekHash = bytes32(j[278:310]);
        r.askHash = bytes32(j[310:342]);
        r.arkHash = bytes32(j[342:374]);
    }
}
