// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title DevChainOnly
/// @notice Refuses deployment anywhere but the local chain IDs 31337 (Hardhat) and 1337 (dev chains).
abstract contract DevChainOnly {
    error NotALocalChain(uint256 chainId);

    constructor() {
        if (block.chainid != 31337 && block.chainid != 1337) revert NotALocalChain(block.chainid);
    }
}
