// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IZkAttestationVerifier} from "../../interfaces/IZkAttestationVerifier.sol";
import {DcapJournal} from "./DcapJournal.sol";

/// @title PocDcapJournal
/// @notice Decodes the journal of our DCAP zkVM program (version 1, big-endian, docs/zk-journals.md):
///   u16 journalVersion = 1 || bytes16 ppid || bytes32 sha256(PCK leaf certificate DER)
///   || Automata's v1.0 DCAP journal, unchanged (decoded by DcapJournal).
/// Errors of the inner journal carry lengths and offsets relative to the inner journal (byte 50 on).
library PocDcapJournal {
    uint16 internal constant VERSION = 1;
    uint256 internal constant HEADER_LENGTH = 50;

    function decode(bytes calldata j)
        internal
        pure
        returns (IZkAttestationVerifier.PocDcapZkResult memory r, DcapJournal.CollateralHashes memory h)
    {
        if (j.length < HEADER_LENGTH) revert IZkAttestationVerifier.JournalHeaderTooShort(j.length, HEADER_LENGTH);
        uint16 version = uint16(bytes2(j[0:2]));
        if (version != VERSION) revert IZkAttestationVerifier.UnsupportedJournalVersion(version);
        r.ppid = bytes16(j[2:18]);
        r.pckCertHash = bytes32(j[18:50]);
        (r.dcap, h) = DcapJournal.decode(j[HEADER_LENGTH:]);
    }
}
