// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ICollateralHashes} from "../interfaces/ICollateralHashes.sol";

/// @notice TEST ONLY: a settable stand-in for the onchain collateral store (built elsewhere), so the
/// ZK route's collateral checks can be exercised before that store lands.
contract MockCollateralHashes is ICollateralHashes {
    mapping(bytes32 => mapping(bytes6 => bytes32)) private _hashes;

    function set(bytes32 kind, bytes6 fmspc, bytes32 hash) external {
        _hashes[kind][fmspc] = hash;
    }

    function collateralHash(bytes32 kind, bytes6 fmspc) external view returns (bytes32) {
        return _hashes[kind][fmspc];
    }
}
