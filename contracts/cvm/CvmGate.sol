// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ICvmRegistry} from "../interfaces/ICvmRegistry.sol";
import {IQuoteVerifier} from "../interfaces/IQuoteVerifier.sol";
import {TcbStatusRank} from "./TcbStatusRank.sol";

/// @title CvmGate
/// @notice Base for dApps that act only for attested CVMs: `onlyAttestedCvm(policy)` lets through a
/// caller that is a valid CvmRegistry identity whose current measurement the policy allows, whose
/// hardware has at least the policy's Proof-of-Cloud level, whose TCB status is no weaker than the
/// policy accepts and whose last attestation is recent enough. `_requireCvmSignature` does the same for a request signed inside the CVM and relayed.
abstract contract CvmGate {
    /// @notice The weakest TCB status a rule accepts (strength order: TcbStatusRank). `Default`, what a
    /// rule that names none holds, accepts UpToDate and SWHardeningNeeded: a status below those means
    /// unpatched or misconfigured hardware, which a dApp must opt into. Every other member names the
    /// IQuoteVerifier.TcbStatus of the same name (its code is the member's value minus 1); Revoked is
    /// never accepted. SEV-SNP identities carry UpToDate (their ZK program applies AMD's TCB policy).
    enum WeakestTcbStatus {
        Default,
        UpToDate,
        SWHardeningNeeded,
        ConfigurationNeeded,
        ConfigurationAndSWHardeningNeeded,
        OutOfDate,
        OutOfDateConfigurationNeeded
    }

    /// @notice What a policy asks of a CVM running one measurement. `minLevel` 0: measurement not allowed.
    /// @param minLevel minimum Proof-of-Cloud level of the hardware (1..3; the registry's own minimum applies too).
    /// @param maxEvidenceAge seconds since the last attestation (TPM re-attestation or registration); 0: registry TTLs only.
    /// @param weakestTcbStatus the weakest TCB status accepted (Default: UpToDate and SWHardeningNeeded).
    struct CvmRule {
        uint8 minLevel;
        uint64 maxEvidenceAge;
        WeakestTcbStatus weakestTcbStatus;
    }

    /// @notice A gate policy: the allowed golden-measurement hashes, each with its minimum hardware
    /// level, maximum evidence age and weakest TCB status (one storage slot per measurement, so a check
    /// reads one slot).
    /// Lives in the dApp's storage; change it with `_setPolicyRule`.
    struct CvmPolicy {
        mapping(bytes32 measurementHash => CvmRule) rules;
    }

    /// @notice A policy given in memory (e.g. built from immutables, so a check reads no policy storage):
    /// the allowed golden-measurement hashes, the minimum hardware level, the maximum evidence age,
    /// the weakest TCB status accepted.
    struct CvmPolicyList {
        bytes32[] allowedMeasurements;
        uint8 minLevel;
        uint64 maxEvidenceAge;
        WeakestTcbStatus weakestTcbStatus;
    }

    event CvmPolicyRuleSet(bytes32 indexed measurementHash, uint8 minLevel, uint64 maxEvidenceAge, WeakestTcbStatus weakestTcbStatus);

    error CvmNotValid(address identity);
    error MeasurementNotAllowed(address identity, bytes32 measurementHash);
    error HardwareLevelTooLow(address identity, uint8 level, uint8 minLevel);
    error EvidenceTooOld(address identity, uint64 attestedAt, uint64 maxEvidenceAge);
    /// @notice The identity's TCB status (IQuoteVerifier.TcbStatus) is weaker than the weakest the rule accepts (also a code).
    error TcbStatusNotAccepted(address identity, uint8 tcbStatus, uint8 weakestTcbStatus);
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
        (bool valid, bytes32 m, uint8 level, uint64 attestedAt, uint8 tcbStatus) = cvmRegistry.checkCvm(identity);
        if (!valid) revert CvmNotValid(identity);
        CvmRule memory rule = policy.rules[m];
        uint8 minLevel = rule.minLevel;
        if (minLevel == 0) revert MeasurementNotAllowed(identity, m);
        if (level < minLevel) revert HardwareLevelTooLow(identity, level, minLevel);
        _checkTcbStatus(identity, tcbStatus, rule.weakestTcbStatus);
        uint64 maxAge = rule.maxEvidenceAge;
        if (maxAge != 0 && block.timestamp > uint256(attestedAt) + maxAge) revert EvidenceTooOld(identity, attestedAt, maxAge);
    }

    /// @dev The same check against a policy in memory.
    function _checkAttestedCvm(address identity, CvmPolicyList memory policy) internal view {
        (bool valid, bytes32 m, uint8 level, uint64 attestedAt, uint8 tcbStatus) = cvmRegistry.checkCvm(identity);
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
        _checkTcbStatus(identity, tcbStatus, policy.weakestTcbStatus);
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

    /// @dev Allows `measurementHash` with its limits (`minLevel` 0 disallows it); `minLevel` above 3 is
    /// refused. TCB statuses: the default (UpToDate and SWHardeningNeeded).
    function _setPolicyRule(CvmPolicy storage policy, bytes32 measurementHash, uint8 minLevel, uint64 maxEvidenceAge) internal {
        _setPolicyRule(policy, measurementHash, minLevel, maxEvidenceAge, WeakestTcbStatus.Default);
    }

    /// @dev The same, naming the weakest TCB status the measurement is accepted with.
    function _setPolicyRule(
        CvmPolicy storage policy,
        bytes32 measurementHash,
        uint8 minLevel,
        uint64 maxEvidenceAge,
        WeakestTcbStatus weakestTcbStatus
    ) internal {
        if (minLevel > 3) revert InvalidPolicyLevel(minLevel);
        policy.rules[measurementHash] = CvmRule(minLevel, maxEvidenceAge, weakestTcbStatus);
        emit CvmPolicyRuleSet(measurementHash, minLevel, maxEvidenceAge, weakestTcbStatus);
    }

    /// @dev The IQuoteVerifier.TcbStatus code a rule's `weakestTcbStatus` names (Default: SWHardeningNeeded).
    function _weakestTcbStatusCode(WeakestTcbStatus weakest) internal pure returns (uint8) {
        if (weakest == WeakestTcbStatus.Default) return uint8(IQuoteVerifier.TcbStatus.SWHardeningNeeded);
        unchecked {
            return uint8(weakest) - 1;
        }
    }

    function _checkTcbStatus(address identity, uint8 tcbStatus, WeakestTcbStatus weakest) private pure {
        uint8 w = _weakestTcbStatusCode(weakest);
        if (TcbStatusRank.rank(tcbStatus) > TcbStatusRank.rank(w)) revert TcbStatusNotAccepted(identity, tcbStatus, w);
    }
}
