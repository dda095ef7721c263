// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IAutomataDcapAttestation
/// @notice The entrypoint of Automata's deployed DCAP attestation (automata-dcap-attestation, EVM v1.x).
/// Only the call we use; `output` is the packed layout docs/onchain-dcap.md describes ("Automata output").
interface IAutomataDcapAttestation {
    /// @notice Verifies `rawQuote` fully onchain; on failure `success` is false and `output` a reason.
    function verifyAndAttestOnChain(bytes calldata rawQuote) external payable returns (bool success, bytes memory output);
}
