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

    /// @dev keccak256 of the canonical PEM block of `der` ({encode} without allocating it): the block is
    /// written past the free memory pointer and hashed there. Base64 is computed a word at a time
    /// (SWAR): 24 bytes are spread into eight 32-bit slots of 3 bytes, each slot into four 6-bit
    /// lanes, and the 32 lanes mapped to the alphabet with per-lane range masks (no lookups, no
    /// carries between lanes). About a third of the gas of a lookup per character, which made this
    /// the largest cost of a leaf-form first sight.
    function encodedHash(bytes memory der) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            function enc(w) -> y {
                // 24 data bytes at the top of w -> eight slots of 00 b0 b1 b2
                let x := shl(224, and(shr(232, w), 0xffffff))
                x := or(x, shl(192, and(shr(208, w), 0xffffff)))
                x := or(x, shl(160, and(shr(184, w), 0xffffff)))
                x := or(x, shl(128, and(shr(160, w), 0xffffff)))
                x := or(x, shl(96, and(shr(136, w), 0xffffff)))
                x := or(x, shl(64, and(shr(112, w), 0xffffff)))
                x := or(x, shl(32, and(shr(88, w), 0xffffff)))
                x := or(x, and(shr(64, w), 0xffffff))
                // each slot -> four bytes holding its 6-bit indices, most significant first; masks
                // derived from 0x0000003f per slot (computed, not four 32-byte constants: code size)
                let m := mul(0x3f, div(not(0), 0xffffffff))
                let c := or(
                    or(and(shl(6, x), shl(24, m)), and(shl(4, x), shl(16, m))), or(and(shl(2, x), shl(8, m)), and(x, m))
                )
                let ones := div(not(0), 0xff)
                // per lane 1 where the index is >= 26, 52, 62, 63 (bit 7 of index + 128 - bound)
                let ge26 := and(shr(7, add(c, mul(102, ones))), ones)
                let ge52 := and(shr(7, add(c, mul(76, ones))), ones)
                let ge62 := and(shr(7, add(c, mul(66, ones))), ones)
                let ge63 := and(shr(7, add(c, mul(65, ones))), ones)
                // A-Z: +65, a-z: +71, 0-9: -4, '+': -19, '/': -16 (adds first, then subtractions: no lane wraps)
                y := add(add(c, mul(65, ones)), add(mul(6, ge26), mul(3, ge63)))
                y := sub(y, add(mul(75, ge52), mul(15, ge62)))
            }
            let n := mload(der)
            // scratch from 64 bytes past the free pointer: clear of the word after `der` zeroed below
            let out := add(mload(0x40), 64)
            mstore(out, BEGIN)
            let o := add(out, BEGIN_LEN)
            // the last step reads up to 23 bytes past `der`: zero that word while encoding
            let after := add(add(der, 32), n)
            let saved := mload(after)
            mstore(after, 0)
            let src := add(der, 32)
            let chars := mul(div(add(n, 2), 3), 4)
            let done := 0
            // 24 bytes -> 32 characters per step, a line end after every second step and the last
            for { let i := 0 } lt(done, chars) { i := add(i, 24) } {
                mstore(o, enc(mload(add(src, i))))
                let k := sub(chars, done)
                if gt(k, 32) { k := 32 }
                o := add(o, k)
                done := add(done, k)
                if or(iszero(and(done, 63)), eq(done, chars)) {
                    mstore8(o, 0x0a)
                    o := add(o, 1)
                }
            }
            mstore(after, saved)
            switch mod(n, 3)
            case 1 {
                mstore8(sub(o, 3), 0x3d)
                mstore8(sub(o, 2), 0x3d)
            }
            case 2 { mstore8(sub(o, 2), 0x3d) }
            mstore(o, END)
            h := keccak256(out, sub(add(o, END_LEN), out))
        }
    }

    /// @dev The length of the canonical PEM block at `text[offset]` as its DER's outer length (read from
    /// the first base64 quantum pair) makes it, or 0 when that cannot be read or the block would pass
    /// `limit`. Only a hint: a block of this length is trusted when its hash is one already verified.
    function blockLengthHint(bytes memory text, uint256 offset, uint256 limit) internal pure returns (uint256 len) {
        if (limit > text.length || offset + BEGIN_LEN + 8 > limit || BytesRead.bN(text, offset, BEGIN_LEN) != BEGIN) {
            return 0;
        }
        uint256 v; // the first 6 DER bytes
        bool bad;
        assembly ("memory-safe") {
            let w := mload(add(add(text, 32), add(offset, BEGIN_LEN)))
            for { let i := 0 } lt(i, 8) { i := add(i, 1) } {
                let c := byte(i, w)
                let d := 0xff
                if and(gt(c, 0x40), lt(c, 0x5b)) { d := sub(c, 0x41) }
                if and(gt(c, 0x60), lt(c, 0x7b)) { d := sub(c, 0x47) }
                if and(gt(c, 0x2f), lt(c, 0x3a)) { d := add(c, 4) }
                if eq(c, 0x2b) { d := 62 }
                if eq(c, 0x2f) { d := 63 }
                bad := or(bad, eq(d, 0xff))
                v := or(shl(6, v), d)
            }
        }
        if (bad || v >> 40 != 0x30) return 0;
        uint256 l = (v >> 32) & 0xff;
        uint256 derLen;
        if (l < 0x80) derLen = 2 + l;
        else if (l == 0x81) derLen = 3 + ((v >> 24) & 0xff);
        else if (l == 0x82) derLen = 4 + ((v >> 16) & 0xffff);
        else if (l == 0x83) derLen = 5 + ((v >> 8) & 0xffffff);
        else return 0;
        uint256 chars = 4 * ((derLen + 2) / 3);
        len = BEGIN_LEN + chars + (chars + 63) / 64 + END_LEN;
        if (offset + len > limit) return 0;
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
