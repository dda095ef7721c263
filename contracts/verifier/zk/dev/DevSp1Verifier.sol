// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ISP1Verifier} from "../../../interfaces/ISP1Verifier.sol";
import {DevChainOnly} from "./DevChainOnly.sol";

/// @title DevSp1Verifier
/// @notice DEV ONLY, NOT A PROOF VERIFIER. Stands in for SP1's verifier on local chains: it accepts
/// proof bytes that are a plain hash commitment,
/// keccak256(abi.encode("poc.dev.sp1", programVKey, keccak256(publicValues))), which anyone can
/// compute. Real proofs come from SP1 provers and are checked by SP1's published verifier gateway;
/// no prover runs here. Its constructor reverts on any chain but 31337 / 1337.
contract DevSp1Verifier is ISP1Verifier, DevChainOnly {
    error DevProofMismatch(bytes32 expected);

    /// @notice The dev proof for a program key and public values.
    function devProof(bytes32 programVKey, bytes calldata publicValues) public pure returns (bytes32) {
        return keccak256(abi.encode("poc.dev.sp1", programVKey, keccak256(publicValues)));
    }

    /// @notice Reverts unless `proofBytes` is exactly the 32-byte dev proof of (programVKey, publicValues).
    function verifyProof(bytes32 programVKey, bytes calldata publicValues, bytes calldata proofBytes) external pure {
        bytes32 expected = devProof(programVKey, publicValues);
        if (proofBytes.length != 32 || bytes32(proofBytes) != expected) revert DevProofMismatch(expected);
    }
}
