// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TransparencyLog} from "../registry/TransparencyLog.sol";

/// @title TransparencyLogHarness (test only): drives the log library directly for tests and the bench.
contract TransparencyLogHarness {
    using TransparencyLog for TransparencyLog.Tree;

    TransparencyLog.Tree private _tree;

    /// @notice Appends each leaf in order.
    function appendMany(bytes[] calldata leaves) external {
        for (uint256 i = 0; i < leaves.length; i++) {
            _tree.append(leaves[i]);
        }
    }

    /// @notice Appends `count` copies of `leaf` (the bench's amortised-cost probe).
    function appendRepeated(bytes calldata leaf, uint256 count) external {
        for (uint256 i = 0; i < count; i++) {
            _tree.append(leaf);
        }
    }

    function size() external view returns (uint256) {
        return _tree.size;
    }

    function root() external view returns (bytes32) {
        return _tree.root();
    }

    function verifyConsistency(uint256 size1, uint256 size2, bytes32 root1, bytes32 root2, bytes32[] calldata proof)
        external
        view
        returns (bool)
    {
        return TransparencyLog.verifyConsistency(size1, size2, root1, root2, proof);
    }
}
