// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title CollateralKinds
/// @notice The `kind` keys of ICollateralHashes.collateralHash (keccak256 of a fixed label). Each
/// hash is keccak256 of the item's exact bytes: the signed JSON body for TCB info and QE identity,
/// the DER for certificates and CRLs (docs/zk-journals.md).
library CollateralKinds {
    bytes32 internal constant TCB_INFO_SGX = keccak256("poc.collateral.TCB_INFO_SGX");
    bytes32 internal constant TCB_INFO_TDX = keccak256("poc.collateral.TCB_INFO_TDX");
    bytes32 internal constant QE_IDENTITY_SGX = keccak256("poc.collateral.QE_IDENTITY_SGX");
    bytes32 internal constant QE_IDENTITY_TDX = keccak256("poc.collateral.QE_IDENTITY_TDX");
    bytes32 internal constant ROOT_CA = keccak256("poc.collateral.ROOT_CA");
    bytes32 internal constant TCB_SIGNING_CA = keccak256("poc.collateral.TCB_SIGNING_CA");
    bytes32 internal constant ROOT_CA_CRL = keccak256("poc.collateral.ROOT_CA_CRL");
    bytes32 internal constant PCK_CRL_PLATFORM = keccak256("poc.collateral.PCK_CRL_PLATFORM");
    bytes32 internal constant PCK_CRL_PROCESSOR = keccak256("poc.collateral.PCK_CRL_PROCESSOR");
}
