// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice A strict DER (X.690) TLV walker over `bytes memory`, hand-written because no maintained
/// Solidity library parses ASN.1. A node is a packed uint256: tag offset (bits 0-63), content start
/// (64-127), content end (128-191). Only single-byte tags and definite lengths of at most 4 bytes
/// are accepted; every node must lie inside its parent. See docs/onchain-dcap.md.
library Der {
    /// @dev The TLV at `offset` is malformed or runs past `limit`.
    error DerMalformed(uint256 offset);
    /// @dev The TLV at `offset` carries `got` where `expected` was required.
    error DerUnexpectedTag(uint256 offset, uint8 expected, uint8 got);

    uint8 internal constant INTEGER = 0x02;
    uint8 internal constant BIT_STRING = 0x03;
    uint8 internal constant OCTET_STRING = 0x04;
    uint8 internal constant OID = 0x06;
    uint8 internal constant ENUMERATED = 0x0a;
    uint8 internal constant SEQUENCE = 0x30;
    uint8 internal constant SET = 0x31;

    function tagOffset(uint256 node) internal pure returns (uint256) {
        return node & 0xffffffffffffffff;
    }

    function start(uint256 node) internal pure returns (uint256) {
        return (node >> 64) & 0xffffffffffffffff;
    }

    function end(uint256 node) internal pure returns (uint256) {
        return (node >> 128) & 0xffffffffffffffff;
    }

    function length(uint256 node) internal pure returns (uint256) {
        return end(node) - start(node);
    }

    /// @dev A node's tag byte (nodes come from {at}, so the offset is inside `der`).
    function tag(bytes memory der, uint256 node) internal pure returns (uint8 t) {
        assembly ("memory-safe") {
            t := byte(0, mload(add(add(der, 32), and(node, 0xffffffffffffffff))))
        }
    }

    /// @dev Reads the TLV at `offset`, which must end at or before `limit` (<= der.length). One word
    /// read and no bounds-checked byte accesses: X.509 parsing is mostly this function.
    function at(bytes memory der, uint256 offset, uint256 limit) internal pure returns (uint256 node) {
        bool bad;
        assembly ("memory-safe") {
            bad := or(gt(limit, mload(der)), gt(add(offset, 2), limit))
            if iszero(bad) {
                let w := mload(add(add(der, 32), offset))
                let l := byte(1, w)
                let s := add(offset, 2)
                // multi-byte tags: never used by X.509 here
                bad := eq(and(byte(0, w), 0x1f), 0x1f)
                if and(l, 0x80) {
                    let n := and(l, 0x7f)
                    bad := or(bad, or(or(iszero(n), gt(n, 4)), gt(add(s, n), limit)))
                    l := shr(sub(256, mul(n, 8)), shl(16, w))
                    // DER: the shortest length form
                    bad := or(bad, or(lt(l, 0x80), and(gt(n, 1), iszero(byte(2, w)))))
                    s := add(s, n)
                }
                bad := or(bad, gt(add(s, l), limit))
                node := or(or(offset, shl(64, s)), shl(128, add(s, l)))
            }
        }
        if (bad) revert DerMalformed(offset);
    }

    function root(bytes memory der) internal pure returns (uint256 node) {
        node = at(der, 0, der.length);
        if (end(node) != der.length) revert DerMalformed(end(node));
    }

    /// @dev First child of a constructed node; reverts if it has none.
    function firstChild(bytes memory der, uint256 parent) internal pure returns (uint256) {
        return at(der, start(parent), end(parent));
    }

    /// @dev The node after `node` inside `parent`; reverts if `node` is the last one.
    function next(bytes memory der, uint256 node, uint256 parent) internal pure returns (uint256) {
        return at(der, end(node), end(parent));
    }

    function hasNext(uint256 node, uint256 parent) internal pure returns (bool) {
        return end(node) < end(parent);
    }

    function expectTag(bytes memory der, uint256 node, uint8 expected) internal pure returns (uint256) {
        uint8 got = tag(der, node);
        if (got != expected) revert DerUnexpectedTag(tagOffset(node), expected, got);
        return node;
    }

    function child(bytes memory der, uint256 parent, uint8 expected) internal pure returns (uint256) {
        return expectTag(der, firstChild(der, parent), expected);
    }

    function sibling(bytes memory der, uint256 node, uint256 parent, uint8 expected) internal pure returns (uint256) {
        return expectTag(der, next(der, node, parent), expected);
    }

    /// @dev keccak256 of the whole TLV (tag, length and content): names compare this way.
    function hashTlv(bytes memory der, uint256 node) internal pure returns (bytes32 h) {
        uint256 s = tagOffset(node);
        uint256 l = end(node) - s;
        assembly ("memory-safe") {
            h := keccak256(add(add(der, 32), s), l)
        }
    }

    function hashContent(bytes memory der, uint256 node) internal pure returns (bytes32 h) {
        uint256 s = start(node);
        uint256 l = end(node) - s;
        assembly ("memory-safe") {
            h := keccak256(add(add(der, 32), s), l)
        }
    }

    /// @dev Content of up to 32 bytes, left-aligned.
    function contentWord(bytes memory der, uint256 node) internal pure returns (bytes32 w) {
        uint256 s = start(node);
        uint256 l = end(node) - s;
        if (l > 32) revert DerMalformed(tagOffset(node));
        if (l == 0) return bytes32(0);
        assembly ("memory-safe") {
            w := and(mload(add(add(der, 32), s)), not(sub(shl(sub(256, mul(l, 8)), 1), 1)))
        }
    }

    /// @dev A non-negative INTEGER of at most 32 significant bytes, as a uint256.
    function uintValue(bytes memory der, uint256 node) internal pure returns (uint256 v) {
        expectTag(der, node, INTEGER);
        uint256 s = start(node);
        uint256 l = end(node) - s;
        if (l == 0 || uint8(der[s]) & 0x80 != 0) revert DerMalformed(tagOffset(node));
        if (l == 33) {
            if (der[s] != 0) revert DerMalformed(tagOffset(node));
            ++s;
            --l;
        }
        if (l > 32) revert DerMalformed(tagOffset(node));
        assembly ("memory-safe") {
            v := shr(sub(256, mul(l, 8)), mload(add(add(der, 32), s)))
        }
    }

    /// @dev The modulus and exponent INTEGER nodes of the RSAPublicKey SEQUENCE in a SubjectPublicKeyInfo's
    /// BIT STRING `bits`; `ok` is false, and nothing read, when `bits` lacks a 0 unused-bits byte and content
    /// (the caller reverts with its own error).
    function rsaKeyIntegers(bytes memory der, uint256 bits)
        internal
        pure
        returns (bool ok, uint256 modulus, uint256 exponent)
    {
        if (length(bits) < 2 || der[start(bits)] != 0) return (false, 0, 0);
        uint256 seq = expectTag(der, at(der, start(bits) + 1, end(bits)), SEQUENCE);
        modulus = child(der, seq, INTEGER);
        exponent = sibling(der, modulus, seq, INTEGER);
        ok = true;
    }

    /// @dev Whether the node is an OID whose content equals `oid` (content bytes, left-aligned, `n` long).
    function isOid(bytes memory der, uint256 node, bytes32 oid, uint256 n) internal pure returns (bool r) {
        // n <= 32: a node of n content bytes lies inside `der`, so the word read is in bounds
        assembly ("memory-safe") {
            let s := and(shr(64, node), 0xffffffffffffffff)
            let e := and(shr(128, node), 0xffffffffffffffff)
            let p := add(der, 32)
            if and(eq(byte(0, mload(add(p, and(node, 0xffffffffffffffff)))), 0x06), eq(sub(e, s), n)) {
                r := eq(and(mload(add(p, s)), not(sub(shl(sub(256, mul(n, 8)), 1), 1))), oid)
            }
        }
    }
}
