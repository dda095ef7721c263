// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ISP1Verifier
/// @notice The SP1 verifier (gateway) interface. Its published addresses per chain are deployment parameters.
interface ISP1Verifier {
    /// @notice Reverts unless `proofBytes` proves that program `programVKey` committed `publicValues`.
    function verifyProof(bytes32 programVKey, bytes calldata publicValues, bytes calldata proofBytes) external view;
}
