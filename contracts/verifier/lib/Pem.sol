// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Base64} from "@openzeppelin/contracts/utils/Base64.sol";
import {BytesRead} from "./BytesRead.sol";

/// @notice Canonical PEM certificate blocks (RFC 7468 strict form: 64-column standard base64, LF line
/// ends): `-----BEGIN CERTIFICATE-----\n`, full 64-character lines, a last line of 1-64 characters,
/// `-----END CERTIFICATE-----\n`. Since the canonical block is a function of the DER, no byte of a
/// chain can change without the chain changing. Base64 itself goes through OpenZeppelin's {Base64}.
library Pem {
    error PemMalformed(uint256 offset);

    bytes32 private constant BEGIN = "-----BEGIN CERTIFICATE-----\n";
    bytes32 private constant END = "-----END CERTIFICATE-----\n";
    uint256 private constant BEGIN_LEN = 28;
    uint256 private constant END_LEN = 26;
    uint256 private constant ONES = 0x0101010101010101010101010101010101010101010101010101010101010101;
    uint256 private constant HIGHS = 0x8080808080808080808080808080808080808080808080808080808080808080;

    /// @dev The canonical block starting at `text[offset]` and ending by `limit`: its base64 (line
    /// breaks removed) and the offset just past it.
    function readBlock(bytes memory text, uint256 offset, uint256 limit)
        internal
        pure
        returns (bytes memory b64, uint256 end)
    {
        if (limit > text.length || offset + BEGIN_LEN + END_LEN > limit || BytesRead.bN(text, offset, BEGIN_LEN) != BEGIN) {
            revert PemMalformed(offset);
        }
        uint256 p = offset + BEGIN_LEN;
        b64 = new bytes(limit - p);
        uint256 n;
        bool ok = true;
        assembly ("memory-safe") {
            function hasByte(w, b) -> r {
                let v := xor(w, mul(b, ONES))
                r := and(and(sub(v, ONES), not(v)), HIGHS)
            }
            function special(w) -> r {
                r := or(or(hasByte(w, 0x2d), hasByte(w, 0x0a)), hasByte(w, 0x0d))
            }
            let src := add(text, 32)
            let dst := add(b64, 32)
            // full lines: 64 characters free of '-', CR, LF, then LF
            for {} lt(add(p, 64), limit) {} {
                let at := add(src, p)
                let w0 := mload(at)
                let w1 := mload(add(at, 32))
                if or(iszero(eq(byte(0, mload(add(at, 64))), 0x0a)), or(special(w0), special(w1))) { break }
                mstore(add(dst, n), w0)
                mstore(add(dst, add(n, 32)), w1)
                n := add(n, 64)
                p := add(p, 65)
            }
            // a last, shorter line of 1-63 characters, then LF
            let len := 0
            for {} lt(p, limit) {} {
                let c := byte(0, mload(add(src, p)))
                if or(eq(c, 0x0a), or(eq(c, 0x2d), eq(c, 0x0d))) { break }
                mstore8(add(dst, n), c)
                n := add(n, 1)
                p := add(p, 1)
                len := add(len, 1)
            }
            if len {
                if or(gt(len, 63), iszero(lt(p, limit))) { ok := 0 }
                if ok {
                    if iszero(eq(byte(0, mload(add(src, p))), 0x0a)) { ok := 0 }
                    p := add(p, 1)
                }
            }
        }
        if (!ok || n == 0 || n % 4 != 0) revert PemMalformed(p);
        if (p + END_LEN > limit || BytesRead.bN(text, p, END_LEN) != END) revert PemMalformed(p);
        assembly ("memory-safe") {
            mstore(b64, n)
        }
        _checkCanonicalTail(b64, p);
        end = p + END_LEN;
    }

    /// @dev Decodes base64 from {readBlock} to DER.
    function decode(bytes memory b64) internal pure returns (bytes memory der) {
        der = Base64.decode(string(b64));
    }

    /// @dev The canonical PEM block of a DER certificate.
    function encode(bytes memory der) internal pure returns (bytes memory pem) {
        bytes memory b64 = bytes(Base64.encode(der));
        uint256 lines = (b64.length + 63) / 64;
        pem = new bytes(BEGIN_LEN + b64.length + lines + END_LEN);
        assembly ("memory-safe") {
            let dst := add(pem, 32)
            mstore(dst, BEGIN)
            let o := BEGIN_LEN
            let src := add(b64, 32)
            let total := mload(b64)
            for { let i := 0 } lt(i, total) { i := add(i, 64) } {
                let k := sub(total, i)
                if gt(k, 64) { k := 64 }
                mstore(add(dst, o), mload(add(src, i)))
                mstore(add(dst, add(o, 32)), mload(add(src, add(i, 32))))
                o := add(o, k)
                mstore8(add(dst, o), 0x0a)
                o := add(o, 1)
            }
            // END is 26 bytes; the word written past the block lies beyond `pem` (unallocated)
            mstore(add(dst, o), END)
        }
    }

    /// @dev The bits a final base64 quantum leaves unused must be zero (else the text is not the
    /// canonical encoding of its bytes).
    function _checkCanonicalTail(bytes memory b64, uint256 at) private pure {
        uint256 n = b64.length;
        uint256 pad = b64[n - 1] == "=" ? (b64[n - 2] == "=" ? 2 : 1) : 0;
        if (pad == 0) return;
        uint256 v = _b64Value(uint8(b64[n - 1 - pad]));
        if (v & (pad == 2 ? 0x0f : 0x03) != 0) revert PemMalformed(at);
    }

    function _b64Value(uint8 c) private pure returns (uint256) {
        if (c >= 0x41 && c <= 0x5a) return c - 0x41;
        if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 26;
        if (c >= 0x30 && c <= 0x39) return c - 0x30 + 52;
        if (c == 0x2b) return 62;
        if (c == 0x2f) return 63;
        return 0xff; // Base64.decode rejects it
    }
}
