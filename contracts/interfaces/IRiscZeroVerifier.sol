// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IRiscZeroVerifier
/// @notice The RiscZero verifier (router) interface: verifies a receipt seal for an image ID and the
/// sha256 digest of the journal. Its published addresses per chain are deployment parameters.
interface IRiscZeroVerifier {
    /// @notice Reverts unless `seal` proves that program `imageId` committed a journal with sha256 `journalDigest`.
    function verify(bytes calldata seal, bytes32 imageId, bytes32 journalDigest) external view;
}
