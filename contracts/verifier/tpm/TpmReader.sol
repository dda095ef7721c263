// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ITpmQuoteVerifier} from "../../interfaces/ITpmQuoteVerifier.sol";

/// @title TpmReader
/// @notice Bounds-checked big-endian reads over calldata for TPM 2.0 structures (TPM 2.0 Part 2
/// marshalling: integers big-endian, TPM2B = u16 size || bytes). Hand-written: no library parses TPM
/// structures in Solidity.
library TpmReader {
    function need(bytes calldata b, uint256 o, uint256 n, ITpmQuoteVerifier.TpmStructure s) internal pure {
        if (o + n > b.length) revert ITpmQuoteVerifier.TpmTruncated(s, o);
    }

    function u8(bytes calldata b, uint256 o, ITpmQuoteVerifier.TpmStructure s) internal pure returns (uint8, uint256) {
        need(b, o, 1, s);
        return (uint8(b[o]), o + 1);
    }

    function u16(bytes calldata b, uint256 o, ITpmQuoteVerifier.TpmStructure s) internal pure returns (uint16, uint256) {
        need(b, o, 2, s);
        return (uint16(bytes2(b[o:o + 2])), o + 2);
    }

    function u32(bytes calldata b, uint256 o, ITpmQuoteVerifier.TpmStructure s) internal pure returns (uint32, uint256) {
        need(b, o, 4, s);
        return (uint32(bytes4(b[o:o + 4])), o + 4);
    }

    function u64(bytes calldata b, uint256 o, ITpmQuoteVerifier.TpmStructure s) internal pure returns (uint64, uint256) {
        need(b, o, 8, s);
        return (uint64(bytes8(b[o:o + 8])), o + 8);
    }

    /// @dev A TPM2B: u16 size then that many bytes.
    function tpm2b(bytes calldata b, uint256 o, ITpmQuoteVerifier.TpmStructure s) internal pure returns (bytes calldata, uint256) {
        (uint16 n, uint256 p) = u16(b, o, s);
        need(b, p, n, s);
        return (b[p:p + n], p + n);
    }

    function end(bytes calldata b, uint256 o, ITpmQuoteVerifier.TpmStructure s) internal pure {
        if (o != b.length) revert ITpmQuoteVerifier.TpmTrailingBytes(s, o);
    }
}
