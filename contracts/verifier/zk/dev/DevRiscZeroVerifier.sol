// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IRiscZeroVerifier} from "../../../interfaces/IRiscZeroVerifier.sol";
import {DevChainOnly} from "./DevChainOnly.sol";

/// @title DevRiscZeroVerifier
/// @notice DEV ONLY, NOT A PROOF VERIFIER. Stands in for RiscZero's verifier on local chains so the
/// ZK route can be tested end to end: it accepts a "seal" that is a plain hash commitment,
/// keccak256(abi.encode("poc.dev.risc0", imageId, journalDigest)), which anyone can compute.
/// Real proofs come from RiscZero provers and are checked by RiscZero's published verifier; no
/// prover runs here. Its constructor reverts on any chain but 31337 / 1337.
contract DevRiscZeroVerifier is IRiscZeroVerifier, DevChainOnly {
    error DevSealMismatch(bytes32 expected);

    /// @notice The dev seal for an image ID and journal digest.
    function devSeal(bytes32 imageId, bytes32 journalDigest) public pure returns (bytes32) {
        return keccak256(abi.encode("poc.dev.risc0", imageId, journalDigest));
    }

    /// @notice Reverts unless `seal` is exactly the 32-byte dev seal of (imageId, journalDigest).
    function verify(bytes calldata seal, bytes32 imageId, bytes32 journalDigest) external pure {
        bytes32 expected = devSeal(imageId, journalDigest);
        if (seal.length != 32 || bytes32(seal) != expected) revert DevSealMismatch(expected);
    }
}
