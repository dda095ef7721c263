// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ICollateralHashes
/// @notice What the ZK route asks the onchain DCAP collateral store: the hash of the collateral it
/// currently holds, so a zk journal's collateral hashes can be checked against it. The store (built
/// separately) implements this; kinds are listed in CollateralKinds and docs/zk-journals.md.
interface ICollateralHashes {
    /// @notice Hash of the current collateral of `kind` (for per-platform kinds, for `fmspc`; zero
    /// `fmspc` otherwise), or zero when the store holds none.
    function collateralHash(bytes32 kind, bytes6 fmspc) external view returns (bytes32);
}
