// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAlliance} from "../../interfaces/IAlliance.sol";
import {AllianceGoverned} from "../../governance/AllianceGoverned.sol";
import {IGceMethod} from "../../interfaces/IGceMethod.sol";
import {IMethodRegistry} from "../../interfaces/IMethodRegistry.sol";
import {IWorkloadVerifier} from "../../interfaces/IWorkloadVerifier.sol";
import {TpmAkCertificateVerifier} from "../../verifier/workload/TpmAkCertificateVerifier.sol";
import {GceInstanceInfo} from "./GceInstanceInfo.sol";

/// @title GceMethod: the first verification method. Google Compute Engine evidence enrols hardware with no vote.
/// @notice It reuses the deployed verifiers: the WorkloadVerifier (DCAP quote or ZK journal, the TPM quote,
/// the report-data binding of the AK) and the TpmAkCertificateVerifier (AK chain up to a pinned Google
/// root); it adds what only this method knows: the zone in the AK certificate, the Alliance's zone table,
/// revoked AK certificates, and freshness by a recent block hash. What it may grant (level, facilities)
/// the MethodRegistry decides. Threat model: docs/hardware-registry.md#threat-model-of-a-method.
contract GceMethod is IGceMethod, AllianceGoverned {
    /// Blocks an anchor stays usable: enough to produce two quotes and land a transaction, well inside
    /// the 256 blocks `blockhash` sees.
    uint256 public constant MAX_ANCHOR_AGE = 64;
    bytes32 internal constant BINDING_TAG = keccak256("ProofOfCloud.GceMethod.binding.v1");

    struct Enrolment {
        bytes32 akKeyHash;
        bytes32 akSerialHash;
    }

    IMethodRegistry public immutable methods;
    IWorkloadVerifier public immutable workloadVerifier;
    TpmAkCertificateVerifier public immutable akVerifier;

    mapping(bytes32 zoneHash => bytes32 facilityId) private _zoneFacility;
    mapping(bytes32 serialHash => bool) public akRevoked;
    mapping(bytes32 platformKey => Enrolment) private _enrolments;

    constructor(
        IAlliance alliance_,
        IMethodRegistry methods_,
        IWorkloadVerifier workloadVerifier_,
        TpmAkCertificateVerifier akVerifier_
    ) AllianceGoverned(alliance_) {
        methods = methods_;
        workloadVerifier = workloadVerifier_;
        akVerifier = akVerifier_;
    }

    /// @inheritdoc IGceMethod
    function enrol(GceEvidence calldata ev, GceClaim calldata claim) external returns (bytes32 platformKey) {
        _checkAnchor(claim.anchorBlock);
        // The AK chain first: it is what makes the extension below Google's word.
        akVerifier.verifyAkCertificate(ev.tpm.akPublic, ev.akChain);
        GceInstanceInfo.Info memory info = GceInstanceInfo.parse(ev.akChain[0]);
        if (akRevoked[info.serialHash]) revert AkCertificateIsRevoked(info.serialHash);
        if (keccak256(bytes(claim.zone)) != keccak256(bytes(info.zone))) revert WrongZone(claim.zone, info.zone);
        if (claim.instanceId != info.instanceId) revert WrongInstance(claim.instanceId, info.instanceId);
        bytes32 facilityId = _zoneFacility[keccak256(bytes(info.zone))];
        if (facilityId == 0) revert UnmappedZone(info.zone);
        // The TEE report binds the AK (so the AK, hence the certificate, speaks for this hardware) and,
        // with the TPM quote, the fresh binding (so the evidence is not older than the anchor).
        bytes32 binding = bindingHash(claim.anchorBlock, keccak256(abi.encode(claim.level, claim.cadence)));
        IWorkloadVerifier.VerifiedWorkload memory w = workloadVerifier.verifyWorkload(ev.tee, ev.tpm, binding);
        platformKey = w.platformKey;
        bytes32 evidenceHash = keccak256(abi.encode(ev));
        _enrolments[platformKey] = Enrolment(w.akKeyHash, info.serialHash);
        methods.enrol(platformKey, w.hardwareKind, facilityId, claim.level, claim.cadence, evidenceHash);
        emit GceEnrolled(platformKey, info.zone, info.instanceId, w.akKeyHash, evidenceHash);
    }

    /// @inheritdoc IGceMethod
    function reattest(bytes32 platformKey, IWorkloadVerifier.TpmEvidence calldata tpm, uint64 anchorBlock) external {
        Enrolment memory e = _enrolments[platformKey];
        if (e.akKeyHash == 0) revert NotEnrolledHere(platformKey);
        if (akRevoked[e.akSerialHash]) revert AkCertificateIsRevoked(e.akSerialHash);
        _checkAnchor(anchorBlock);
        (bytes32 akKeyHash,,,) = workloadVerifier.verifyTpmQuote(tpm, bindingHash(anchorBlock, platformKey));
        if (akKeyHash != e.akKeyHash) revert AkNotEnrolled(platformKey, e.akKeyHash, akKeyHash);
        bytes32 evidenceHash = keccak256(abi.encode(tpm));
        methods.refresh(platformKey, evidenceHash);
        emit GceReattested(platformKey, evidenceHash);
    }

    /// @inheritdoc IGceMethod
    function setZoneFacility(string calldata zone, bytes32 facilityId) external onlyAlliance {
        _zoneFacility[keccak256(bytes(zone))] = facilityId;
        emit ZoneFacilitySet(zone, facilityId);
    }

    /// @inheritdoc IGceMethod
    function revokeAkCertificate(bytes32 serialHash) external onlyAlliance {
        akRevoked[serialHash] = true;
        emit AkCertificateRevoked(serialHash);
    }

    /// @inheritdoc IGceMethod
    function bindingHash(uint64 anchorBlock, bytes32 subject) public view returns (bytes32) {
        return keccak256(abi.encode(BINDING_TAG, block.chainid, address(this), anchorBlock, blockhash(anchorBlock), subject));
    }

    /// @inheritdoc IGceMethod
    function zoneFacility(string calldata zone) external view returns (bytes32) {
        return _zoneFacility[keccak256(bytes(zone))];
    }

    /// @inheritdoc IGceMethod
    function enrolledAk(bytes32 platformKey) external view returns (bytes32) {
        return _enrolments[platformKey].akKeyHash;
    }

    function _checkAnchor(uint64 anchorBlock) private view {
        if (anchorBlock >= block.number || block.number - anchorBlock > MAX_ANCHOR_AGE) {
            revert StaleAnchor(anchorBlock, block.number);
        }
    }
}
