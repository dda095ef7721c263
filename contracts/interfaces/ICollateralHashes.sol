// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ICollateralHashes
/// @notice What the ZK route asks the onchain DCAP collateral store: the hash of the collateral it
/// currently holds, so a zk journal's collateral hashes can be checked against it. CollateralStore
/// implements it; kinds are listed in CollateralKinds and docs/zk-journals.md.
interface ICollateralHashes {
    /// @notice The store now holds, for `kind` (and `fmspc` for TCB info, zero otherwise), the item whose hash is `hash`.
    event CollateralHashStored(bytes32 indexed kind, bytes6 indexed fmspc, bytes32 hash);

    /// @notice Hash of the current collateral of `kind` (for per-platform kinds, for `fmspc`; zero
    /// `fmspc` otherwise), or zero when the store holds none.
    function collateralHash(bytes32 kind, bytes6 fmspc) external view returns (bytes32);
}
