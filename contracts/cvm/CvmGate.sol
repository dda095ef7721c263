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
    /// @notice What a policy asks of a CVM running one measurement. `minLevel` 0: measurement not allowed.
    /// @param minLevel minimum Proof-of-Cloud level of the hardware (1..3; the registry's own minimum applies too).
    /// @param maxEvidenceAge seconds since the last attestation (TPM re-attestation or registration); 0: registry TTLs only.
    struct CvmRule {
        uint8 minLevel;
        uint64 maxEvidenceAge;
    }

    /// @notice A gate policy: the allowed golden-measurement hashes, each with its minimum hardware
    /// level and maximum evidence age (one storage slot per measurement, so a check reads one slot).
    /// Lives in the dApp's storage; change it with `_setPolicyRule`.
    struct CvmPolicy {
        mapping(bytes32 measurementHash => CvmRule) rules;
    }

    /// @notice A policy given in memory (e.g. built from immutables, so a check reads no policy storage):
    /// the allowed golden-measurement hashes, the minimum hardware level, the maximum evidence age.
    struct CvmPolicyList {
        bytes32[] allowedMeasurements;
        uint8 minLevel;
        uint64 maxEvidenceAge;
    }

    event CvmPolicyRuleSet(bytes32 indexed measurementHash, uint8 minLevel, uint64 maxEvidenceAge);

    error CvmNotValid(address identity);
    error MeasurementNotAllowed(address identity, bytes32 measurementHash);
    error HardwareLevelTooLow(address identity, uint8 level, uint8 minLevel);
    error EvidenceTooOld(address identity, uint64 attestedAt, uint64 maxEvidenceAge);
    error CvmSignatureInvalid(address identity);
    error InvalidPolicyLevel(uint8 minLevel);

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
        CvmRule memory rule = policy.rules[m];
        uint8 minLevel = rule.minLevel;
        if (minLevel == 0) revert MeasurementNotAllowed(identity, m);
        if (level < minLevel) revert HardwareLevelTooLow(identity, level, minLevel);
        uint64 maxAge = rule.maxEvidenceAge;
        if (maxAge != 0 && block.timestamp > uint256(attestedAt) + maxAge) revert EvidenceTooOld(identity, attestedAt, maxAge);
    }

    /// @dev The same check against a policy in memory.
    function _checkAttestedCvm(address identity, CvmPolicyList memory policy) internal view {
        (bool valid, bytes32 m, uint8 level, uint64 attestedAt) = cvmRegistry.checkCvm(identity);
        if (!valid) revert CvmNotValid(identity);
        bool allowed;
        for (uint256 i = 0; i < policy.allowedMeasurements.length; i++) {
            if (policy.allowedMeasurements[i] == m) {
                allowed = true;
                break;
            }
        }
        if (!allowed || policy.minLevel == 0) revert MeasurementNotAllowed(identity, m);
        if (level < policy.minLevel) revert HardwareLevelTooLow(identity, level, policy.minLevel);
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

    /// @dev Allows `measurementHash` with its limits (`minLevel` 0 disallows it); `minLevel` above 3 is refused.
    function _setPolicyRule(CvmPolicy storage policy, bytes32 measurementHash, uint8 minLevel, uint64 maxEvidenceAge) internal {
        if (minLevel > 3) revert InvalidPolicyLevel(minLevel);
        policy.rules[measurementHash] = CvmRule(minLevel, maxEvidenceAge);
        emit CvmPolicyRuleSet(measurementHash, minLevel, maxEvidenceAge);
    }
}
