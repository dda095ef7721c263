// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ICvmRegistry} from "../interfaces/ICvmRegistry.sol";

/// @title CvmGate
/// @notice Base for dApps that act only for attested CVMs: `onlyAttestedCvm(policy)` lets through a
/// caller that is a valid CvmRegistry identity whose current measurement the policy allows, whose
/// hardware has at least the policy's Proof-of-Cloud level and whose last attestation is recent
/// enough. `_requireCvmSignature` does the same for a request signed inside the CVM and relayed.
abstract contract CvmGate {
    /// @notice A gate policy. Lives in the dApp's storage; change it with the `_setPolicy*` helpers.
    /// @param minLevel minimum Proof-of-Cloud level of the hardware (1..3; the registry's own minimum applies too).
    /// @param maxEvidenceAge seconds since the last attestation (TPM re-attestation or registration); 0: registry TTLs only.
    struct CvmPolicy {
        uint8 minLevel;
        uint64 maxEvidenceAge;
        uint32 allowedCount;
        mapping(bytes32 measurementHash => bool) allowed;
    }

    event CvmPolicyMeasurementSet(bytes32 indexed measurementHash, bool allowed);
    event CvmPolicyLimitsSet(uint8 minLevel, uint64 maxEvidenceAge);

    error CvmNotValid(address identity);
    error MeasurementNotAllowed(address identity, bytes32 measurementHash);
    error HardwareLevelTooLow(address identity, uint8 level, uint8 minLevel);
    error EvidenceTooOld(address identity, uint64 attestedAt, uint64 maxEvidenceAge);
    error CvmSignatureInvalid(address identity);

    /// @notice The registry identities are checked against.
    ICvmRegistry public immutable cvmRegistry;

    constructor(ICvmRegistry registry) {
        cvmRegistry = registry;
    }

    /// @dev msg.sender must be a CVM identity the policy accepts.
    modifier onlyAttestedCvm(CvmPolicy storage policy) {
        _checkAttestedCvm(msg.sender, policy);
        _;
    }

    /// @dev Reverts unless `identity` is valid in the registry and passes `policy`.
    function _checkAttestedCvm(address identity, CvmPolicy storage policy) internal view {
        (bool valid, bytes32 m, uint8 level, uint64 attestedAt) = cvmRegistry.checkCvm(identity);
        if (!valid) revert CvmNotValid(identity);
        if (!policy.allowed[m]) revert MeasurementNotAllowed(identity, m);
        uint8 minLevel = policy.minLevel;
        if (level < minLevel) revert HardwareLevelTooLow(identity, level, minLevel);
        uint64 maxAge = policy.maxEvidenceAge;
        if (maxAge != 0 && block.timestamp > uint256(attestedAt) + maxAge) revert EvidenceTooOld(identity, attestedAt, maxAge);
    }

    /// @dev Reverts unless `signature` is `identity`'s ECDSA signature of `digest` and the identity passes `policy`.
    function _requireCvmSignature(CvmPolicy storage policy, address identity, bytes32 digest, bytes calldata signature)
        internal
        view
    {
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(digest, signature);
        if (err != ECDSA.RecoverError.NoError || signer != identity) revert CvmSignatureInvalid(identity);
        _checkAttestedCvm(identity, policy);
    }

    function _setPolicyMeasurement(CvmPolicy storage policy, bytes32 measurementHash, bool allowed) internal {
        if (policy.allowed[measurementHash] == allowed) return;
        policy.allowed[measurementHash] = allowed;
        if (allowed) policy.allowedCount++;
        else policy.allowedCount--;
        emit CvmPolicyMeasurementSet(measurementHash, allowed);
    }

    function _setPolicyLimits(CvmPolicy storage policy, uint8 minLevel, uint64 maxEvidenceAge) internal {
        policy.minLevel = minLevel;
        policy.maxEvidenceAge = maxEvidenceAge;
        emit CvmPolicyLimitsSet(minLevel, maxEvidenceAge);
    }
}
