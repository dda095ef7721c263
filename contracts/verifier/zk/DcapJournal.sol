// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IZkAttestationVerifier} from "../../interfaces/IZkAttestationVerifier.sol";

/// @title DcapJournal
/// @notice Decodes the journal of Automata's DCAP zkVM program (automata-dcap-attestation v1.0
/// layout, big-endian, docs/zk-journals.md):
///   u16 outputLength || output || u64 timestamp || tcbInfoHash || qeIdentityHash || rootCaHash
///   || tcbSigningHash || rootCaCrlHash || pckCrlHash
/// with output = u16 quoteVersion || bytes4 teeType || u8 tcbStatus || bytes6 fmspc || quote body
/// || abi.encode(string[] advisoryIds) when there are advisories.
library DcapJournal {
    bytes4 internal constant SGX_TEE = 0x00000000;
    bytes4 internal constant TDX_TEE = 0x00000081;
    uint256 internal constant COLLATERAL_HASHES_LENGTH = 200;
    uint256 internal constant OUTPUT_HEADER_LENGTH = 13;

    struct CollateralHashes {
        bytes32 tcbInfo;
        bytes32 qeIdentity;
        bytes32 rootCa;
        bytes32 tcbSigning;
        bytes32 rootCaCrl;
        bytes32 pckCrl;
    }

    function decode(bytes calldata j)
        internal
        pure
        returns (IZkAttestationVerifier.DcapZkResult memory r, CollateralHashes memory h)
    {
        if (j.length < 2 + OUTPUT_HEADER_LENGTH + COLLATERAL_HASHES_LENGTH) {
            revert IZkAttestationVerifier.JournalTooShort(j.length, 2 + OUTPUT_HEADER_LENGTH + COLLATERAL_HASHES_LENGTH);
        }
        uint256 outputLength = uint16(bytes2(j[0:2]));
        if (2 + outputLength + COLLATERAL_HASHES_LENGTH != j.length) {
            revert IZkAttestationVerifier.JournalLengthMismatch(j.length, 2 + outputLength + COLLATERAL_HASHES_LENGTH);
        }
        if (outputLength < OUTPUT_HEADER_LENGTH) revert IZkAttestationVerifier.JournalTooShort(outputLength, OUTPUT_HEADER_LENGTH);
        bytes calldata out = j[2:2 + outputLength];
        r.quoteVersion = uint16(bytes2(out[0:2]));
        r.teeType = bytes4(out[2:6]);
        r.tcbStatus = uint8(out[6]);
        r.fmspc = bytes6(out[7:13]);
        uint256 bodyLength = _bodyLength(r.teeType, r.quoteVersion);
        if (outputLength < OUTPUT_HEADER_LENGTH + bodyLength) {
            revert IZkAttestationVerifier.JournalTooShort(outputLength, OUTPUT_HEADER_LENGTH + bodyLength);
        }
        r.quoteBody = out[OUTPUT_HEADER_LENGTH:OUTPUT_HEADER_LENGTH + bodyLength];
        if (outputLength > OUTPUT_HEADER_LENGTH + bodyLength) {
            // Proven bytes written by the program with abi.encode(string[]); a malformed tail cannot be proven.
            r.advisoryIds = abi.decode(out[OUTPUT_HEADER_LENGTH + bodyLength:], (string[]));
        }
        uint256 o = 2 + outputLength;
        r.timestamp = uint64(bytes8(j[o:o + 8]));
        h.tcbInfo = bytes32(j[o + 8:o + 40]);
        h.qeIdentity = bytes32(j[o + 40:o + 72]);
        h.rootCa = bytes32(j[o + 72:o + 104]);
        h.tcbSigning = bytes32(j[o + 104:o + 136]);
        h.rootCaCrl = bytes32(j[o + 136:o + 168]);
        h.pckCrl = bytes32(j[o + 168:o + 200]);
    }

    /// @dev SGX: enclave report (384); TDX v4: TD 1.0 body (584); TDX v5: TD 1.5 body (648).
    function _bodyLength(bytes4 teeType, uint16 quoteVersion) private pure returns (uint256) {
        if (teeType == SGX_TEE) return 384;
        if (teeType == TDX_TEE) return quoteVersion >= 5 ? 648 : 584;
        revert IZkAttestationVerifier.UnknownTeeType(teeType);
    }
}
