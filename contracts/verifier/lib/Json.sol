// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice A minimal strict JSON scanner (RFC 8259 subset) over `bytes memory`: objects, arrays,
/// strings without escapes, non-negative integers, true/false/null. Hand-written because Intel's
/// collateral must be read onchain and no Solidity JSON library is maintained. Callers walk a
/// document with a position `p`; every function returns the position after what it consumed.
/// Anything outside the subset reverts with {JsonMalformed} at its byte offset. The per-byte loops
/// are in assembly: a TCB info document is ~3-4 KB and every byte is visited.
library Json {
    error JsonMalformed(uint256 offset);

    uint256 private constant MAX_DEPTH = 8;
    /// JSON whitespace as a bit set indexed by byte value: bits 0x20 (space), 0x0a, 0x0d, 0x09.
    uint256 private constant WHITESPACE = 0x100002600;

    /// @dev Skips spaces, tabs, CR and LF.
    function ws(bytes memory s, uint256 p) internal pure returns (uint256 q) {
        assembly ("memory-safe") {
            let base := add(s, 32)
            let n := mload(s)
            q := p
            for {} lt(q, n) { q := add(q, 1) } {
                let c := byte(0, mload(add(base, q)))
                if iszero(and(shr(c, WHITESPACE), 1)) { break }
            }
        }
    }

    /// @dev The next non-space byte, without consuming it.
    function peek(bytes memory s, uint256 p) internal pure returns (bytes1 c, uint256 q) {
        q = ws(s, p);
        if (q >= s.length) revert JsonMalformed(q);
        assembly ("memory-safe") {
            c := shl(248, byte(0, mload(add(add(s, 32), q))))
        }
    }

    function expect(bytes memory s, uint256 p, bytes1 c) internal pure returns (uint256) {
        (bytes1 got, uint256 q) = peek(s, p);
        if (got != c) revert JsonMalformed(q);
        return q + 1;
    }

    /// @dev Opens an object or array (`open` is "{" or "["); `empty` when it closes at once.
    function open(bytes memory s, uint256 p, bytes1 openChar) internal pure returns (uint256 q, bool empty) {
        q = expect(s, p, openChar);
        (bytes1 c, uint256 r) = peek(s, q);
        if (c == (openChar == "{" ? bytes1("}") : bytes1("]"))) return (r + 1, true);
    }

    /// @dev After a member or element: "," means more follow, the closing char ends the container.
    function more(bytes memory s, uint256 p, bytes1 closeChar) internal pure returns (bool, uint256) {
        (bytes1 c, uint256 q) = peek(s, p);
        if (c == ",") return (true, q + 1);
        if (c == closeChar) return (false, q + 1);
        revert JsonMalformed(q);
    }

    /// @dev The object walk every parser shares: opens the object at `p` and reads its first key.
    /// `has` is false for `{}` (then `q` is past the "}"). Loop with {nextKey} after each value:
    /// `(bool has, bytes32 k, uint256 q) = firstKey(s, p); while (has) { ...value...; (has, k, q) = nextKey(s, q); }`.
    /// Checks and offsets are exactly those of {open}, {key} and {more} called in that order.
    function firstKey(bytes memory s, uint256 p) internal pure returns (bool has, bytes32 k, uint256 q) {
        bool empty;
        (q, empty) = open(s, p, "{");
        if (empty) return (false, 0, q);
        (k, q) = key(s, q);
        has = true;
    }

    /// @dev After a member's value: "," then the next key (`has`), or the closing "}" (`q` past it).
    function nextKey(bytes memory s, uint256 p) internal pure returns (bool has, bytes32 k, uint256 q) {
        (has, q) = more(s, p, "}");
        if (has) (k, q) = key(s, q);
    }

    /// @dev The array walk: opens the array at `p`; `has` is false for `[]`. Loop with
    /// `(has, q) = more(s, q, "]")` after each element.
    function firstItem(bytes memory s, uint256 p) internal pure returns (bool has, uint256 q) {
        bool empty;
        (q, empty) = open(s, p, "[");
        has = !empty;
    }

    /// @dev A string: returns its content range (no escapes or control characters allowed).
    function str(bytes memory s, uint256 p) internal pure returns (uint256 start, uint256 len, uint256 q) {
        start = expect(s, p, '"');
        bool ok;
        assembly ("memory-safe") {
            let base := add(s, 32)
            let n := mload(s)
            q := start
            for {} lt(q, n) { q := add(q, 1) } {
                let c := byte(0, mload(add(base, q)))
                if eq(c, 0x22) {
                    ok := 1
                    break
                }
                if or(eq(c, 0x5c), lt(c, 0x20)) { break }
            }
        }
        if (!ok) revert JsonMalformed(q);
        len = q - start;
        ++q;
    }

    /// @dev A string (as {str}) and keccak256 of its content, for matching it against a set of names.
    function strHash(bytes memory s, uint256 p) internal pure returns (bytes32 h, uint256 start, uint256 q) {
        uint256 len;
        (start, len, q) = str(s, p);
        assembly ("memory-safe") {
            h := keccak256(add(add(s, 32), start), len)
        }
    }

    /// @dev An object key and its ":"; returns keccak256 of the key text. The same checks, in the same
    /// order and at the same offsets, as `str` then `expect(":")`, in one assembly pass: every member of
    /// a TCB info (~2,600 of them, mostly component keys) goes through here, and the nested calls cost
    /// more than the scan itself.
    function key(bytes memory s, uint256 p) internal pure returns (bytes32 h, uint256 q) {
        uint256 bad; // 1 + the offset to report, 0 when the key is well-formed
        assembly ("memory-safe") {
            let base := add(s, 32)
            let n := mload(s)
            q := p
            for {} lt(q, n) { q := add(q, 1) } {
                if iszero(and(shr(byte(0, mload(add(base, q))), WHITESPACE), 1)) { break }
            }
            switch and(lt(q, n), eq(byte(0, mload(add(base, q))), 0x22))
            case 0 { bad := add(q, 1) }
            default {
                let start := add(q, 1)
                let ok := 0
                for { q := start } lt(q, n) { q := add(q, 1) } {
                    let c := byte(0, mload(add(base, q)))
                    if eq(c, 0x22) {
                        ok := 1
                        break
                    }
                    if or(eq(c, 0x5c), lt(c, 0x20)) { break }
                }
                switch ok
                case 0 { bad := add(q, 1) }
                default {
                    h := keccak256(add(base, start), sub(q, start))
                    for { q := add(q, 1) } lt(q, n) { q := add(q, 1) } {
                        if iszero(and(shr(byte(0, mload(add(base, q))), WHITESPACE), 1)) { break }
                    }
                    switch and(lt(q, n), eq(byte(0, mload(add(base, q))), 0x3a))
                    case 0 { bad := add(q, 1) }
                    default { q := add(q, 1) }
                }
            }
        }
        if (bad != 0) revert JsonMalformed(bad - 1);
    }

    /// @dev A non-negative integer without leading zeros, at most 18 digits.
    function uintValue(bytes memory s, uint256 p) internal pure returns (uint256 v, uint256 q) {
        q = ws(s, p);
        uint256 first = q;
        assembly ("memory-safe") {
            let base := add(s, 32)
            let n := mload(s)
            for {} lt(q, n) { q := add(q, 1) } {
                let c := sub(byte(0, mload(add(base, q))), 0x30)
                if gt(c, 9) { break } // also catches c < 0x30 (wraps)
                v := add(mul(v, 10), c)
            }
        }
        uint256 digits = q - first;
        if (digits == 0 || digits > 18 || (digits > 1 && s[first] == "0")) revert JsonMalformed(first);
    }

    /// @dev Skips any value in the subset.
    function skip(bytes memory s, uint256 p) internal pure returns (uint256) {
        return _skip(s, p, 0);
    }

    function _skip(bytes memory s, uint256 p, uint256 depth) private pure returns (uint256 q) {
        if (depth > MAX_DEPTH) revert JsonMalformed(p);
        bytes1 c;
        (c, q) = peek(s, p);
        if (c == '"') {
            (,, q) = str(s, q);
        } else if (c == "{" || c == "[") {
            bytes1 close = c == "{" ? bytes1("}") : bytes1("]");
            bool empty;
            (q, empty) = open(s, q, c);
            bool again = !empty;
            while (again) {
                if (c == "{") (, q) = key(s, q);
                q = _skip(s, q, depth + 1);
                (again, q) = more(s, q, close);
            }
        } else if (c == "t") {
            q = _word(s, q, "true", 4);
        } else if (c == "f") {
            q = _word(s, q, "false", 5);
        } else if (c == "n") {
            q = _word(s, q, "null", 4);
        } else {
            (, q) = uintValue(s, q);
        }
    }

    function _word(bytes memory s, uint256 p, bytes32 w, uint256 n) private pure returns (uint256) {
        if (p + n > s.length) revert JsonMalformed(p);
        for (uint256 i; i < n; ++i) {
            if (s[p + i] != w[i]) revert JsonMalformed(p + i);
        }
        return p + n;
    }

    /// @dev A string of exactly `2 * n` hex digits (either case) decoded to `n` bytes, left-aligned.
    function hexString(bytes memory s, uint256 p, uint256 n) internal pure returns (bytes32 v, uint256 q) {
        uint256 start;
        uint256 len;
        (start, len, q) = str(s, p);
        if (n > 32 || len != 2 * n) revert JsonMalformed(start);
        uint256 acc;
        for (uint256 i; i < len; ++i) {
            acc = (acc << 4) | _nibble(s, start + i);
        }
        if (n > 0) v = bytes32(acc << (256 - 8 * n));
    }

    /// @dev A string of exactly `2 * n` hex digits decoded into `out[at : at + n]` (any `n`).
    function hexInto(bytes memory s, uint256 p, bytes memory out, uint256 at) internal pure returns (uint256 q, uint256 n) {
        uint256 start;
        uint256 len;
        (start, len, q) = str(s, p);
        if (len % 2 != 0) revert JsonMalformed(start);
        n = len / 2;
        if (at + n > out.length) revert JsonMalformed(start);
        for (uint256 i; i < n; ++i) {
            out[at + i] = bytes1(uint8((_nibble(s, start + 2 * i) << 4) | _nibble(s, start + 2 * i + 1)));
        }
    }

    function _nibble(bytes memory s, uint256 i) private pure returns (uint256) {
        uint8 c = uint8(s[i]);
        if (c >= 0x30 && c <= 0x39) return c - 0x30;
        if (c >= 0x41 && c <= 0x46) return c - 0x37;
        if (c >= 0x61 && c <= 0x66) return c - 0x57;
        revert JsonMalformed(i);
    }
}
