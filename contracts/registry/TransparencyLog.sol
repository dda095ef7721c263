// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title TransparencyLog: an append-only RFC 9162 Merkle tree kept as its right-border peaks.
/// @notice SHA-256 (precompile 0x02); leaf hash SHA-256(0x00 || leaf), node hash SHA-256(0x01 || l || r).
/// The tree keeps one peak per set bit of its size, so an append costs amortised O(1) hashes and one
/// peak slot; the root is folded on demand. Layouts and leaf encoding: docs/transparency-log.md.
library TransparencyLog {
    /// @notice One per leaf, so anyone can rebuild the tree from the event history.
    event LeafAppended(uint256 indexed index, bytes32 indexed leafHash, bytes leaf);

    /// @notice Leaf encoding version this library writes.
    uint8 internal constant LEAF_VERSION = 1;
    /// @notice SHA-256 of the empty string: the root of the empty tree.
    bytes32 internal constant EMPTY_ROOT = 0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855;

    struct Tree {
        uint64 size;
        /// peaks[h] is the root of the perfect subtree of 2^h leaves on the right border, valid when
        /// bit h of `size` is set; stale values stay in place so a later write there is cheap.
        bytes32[64] peaks;
    }

    /// @notice The version-1 leaf: abi.encode(version, leafType, block.timestamp, subject, payload).
    function encodeLeaf(uint8 leafType, bytes32 subject, bytes memory payload) internal view returns (bytes memory) {
        return abi.encode(LEAF_VERSION, leafType, uint64(block.timestamp), subject, payload);
    }

    /// @notice Appends `leaf`, emits `LeafAppended`, returns its index and leaf hash.
    function append(Tree storage t, bytes memory leaf) internal returns (uint256 index, bytes32 lh) {
        lh = leafHash(leaf);
        uint64 size = t.size;
        index = size;
        bytes32 node = lh;
        uint256 h = 0;
        // Each trailing 1 bit of the size is a peak of equal height: merge it into the new node.
        while ((size >> h) & 1 == 1) {
            node = nodeHash(t.peaks[h], node);
            h++;
        }
        t.peaks[h] = node;
        t.size = size + 1;
        emit LeafAppended(index, lh, leaf);
    }

    /// @notice The tree's root hash: MTH(D[size]) of RFC 9162.
    function root(Tree storage t) internal view returns (bytes32 r) {
        uint256 size = t.size;
        if (size == 0) return EMPTY_ROOT;
        uint256 h = 0;
        while ((size >> h) & 1 == 0) h++;
        r = t.peaks[h];
        for (h = h + 1; (size >> h) != 0; h++) {
            if ((size >> h) & 1 == 1) r = nodeHash(t.peaks[h], r);
        }
    }

    /// @notice SHA-256(0x00 || leaf).
    function leafHash(bytes memory leaf) internal view returns (bytes32 h) {
        // Borrow the low byte of the length word as the 0x00 prefix, then restore the length:
        // hashing in place avoids copying the leaf.
        assembly ("memory-safe") {
            let len := mload(leaf)
            mstore8(add(leaf, 31), 0)
            if iszero(staticcall(gas(), 0x02, add(leaf, 31), add(len, 1), 0x00, 0x20)) { revert(0, 0) }
            h := mload(0x00)
            mstore(leaf, len)
        }
    }

    /// @notice SHA-256(0x01 || left || right).
    function nodeHash(bytes32 left, bytes32 right) internal view returns (bytes32 h) {
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore8(p, 0x01)
            mstore(add(p, 1), left)
            mstore(add(p, 33), right)
            if iszero(staticcall(gas(), 0x02, p, 65, 0x00, 0x20)) { revert(0, 0) }
            h := mload(0x00)
        }
    }

    /// @notice Verifies an RFC 9162 §2.1.4.2 consistency proof from (size1, root1) to (size2, root2).
    function verifyConsistency(uint256 size1, uint256 size2, bytes32 root1, bytes32 root2, bytes32[] calldata proof)
        internal
        view
        returns (bool)
    {
        if (size1 > size2) return false;
        if (size1 == size2) return proof.length == 0 && root1 == root2;
        if (size1 == 0) return proof.length == 0 && root1 == EMPTY_ROOT;
        if (proof.length == 0) return false;
        // A power-of-two first tree is itself a node of the second: the proof starts implicitly with it.
        bool pow2 = size1 & (size1 - 1) == 0;
        uint256 i = pow2 ? 0 : 1;
        bytes32 start = pow2 ? root1 : proof[0];
        uint256 fn = size1 - 1;
        uint256 sn = size2 - 1;
        while (fn & 1 == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        bytes32 fr = start;
        bytes32 sr = start;
        for (; i < proof.length; i++) {
            bytes32 c = proof[i];
            if (sn == 0) return false;
            if (fn & 1 == 1 || fn == sn) {
                fr = nodeHash(c, fr);
                sr = nodeHash(c, sr);
                if (fn & 1 == 0) {
                    while (fn & 1 == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                sr = nodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return fr == root1 && sr == root2 && sn == 0;
    }
}
