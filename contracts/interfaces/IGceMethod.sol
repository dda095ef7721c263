// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAllianceGoverned} from "./IAllianceGoverned.sol";
import {IWorkloadVerifier} from "./IWorkloadVerifier.sol";

/// @title IGceMethod: registry entries from Google Compute Engine evidence, with no vote.
/// @notice Evidence: a TDX quote whose report data binds a vTPM attestation key (AK), a TPM quote by that
/// AK, and the AK certificate chain up to a pinned Google vTPM root. The AK certificate's extension
/// 1.3.6.1.4.1.11129.2.1.21 names zone, project and instance; the zone maps to a facility through the
/// Alliance's zone table. Freshness: both quotes bind a recent block hash. docs/hardware-registry.md#the-gce-method.
interface IGceMethod is IAllianceGoverned {
    /// @notice Everything an enrolment verifies.
    struct GceEvidence {
        IWorkloadVerifier.TeeEvidence tee;
        IWorkloadVerifier.TpmEvidence tpm;
        bytes[] akChain; // AK certificate first, pinned root last (DER)
    }

    /// @notice What the enroller claims: checked against the AK certificate, and bound by the quotes.
    struct GceClaim {
        string zone;
        uint64 instanceId;
        uint8 level;
        uint32 cadence;
        uint64 anchorBlock; // a recent block whose hash the binding includes
    }

    event ZoneFacilitySet(string zone, bytes32 facilityId);
    event AkCertificateRevoked(bytes32 indexed serialHash);
    event GceEnrolled(bytes32 indexed platformKey, string zone, uint64 instanceId, bytes32 akKeyHash, bytes32 evidenceHash);
    event GceReattested(bytes32 indexed platformKey, bytes32 evidenceHash);

    /// @notice The claimed zone is not the one the AK certificate names.
    error WrongZone(string claimed, string certified);
    /// @notice The zone has no facility in the Alliance's zone table.
    error UnmappedZone(string zone);
    /// @notice The claimed instance is not the one the AK certificate names.
    error WrongInstance(uint64 claimed, uint64 certified);
    /// @notice The AK certificate (keccak256 of its serial) was revoked by the Alliance.
    error AkCertificateIsRevoked(bytes32 serialHash);
    /// @notice The anchor block is not one of the last MAX_ANCHOR_AGE blocks.
    error StaleAnchor(uint64 anchorBlock, uint256 currentBlock);
    /// @notice The AK certificate has no GCE instance extension (1.3.6.1.4.1.11129.2.1.21).
    error GceExtensionMissing();
    /// @notice The GCE instance extension does not have the expected shape at `offset` of the certificate.
    error GceExtensionMalformed(uint256 offset);
    /// @notice A re-attestation for hardware this method never enrolled.
    error NotEnrolledHere(bytes32 platformKey);
    /// @notice A re-attestation's TPM quote is by another AK than the enrolled one.
    error AkNotEnrolled(bytes32 platformKey, bytes32 expected, bytes32 got);

    /// @notice Verifies the evidence and enrols the hardware it names; returns its platform key.
    function enrol(GceEvidence calldata evidence, GceClaim calldata claim) external returns (bytes32 platformKey);
    /// @notice A fresh TPM quote by the enrolled AK over bindingHash(anchorBlock, platformKey): a heartbeat.
    function reattest(bytes32 platformKey, IWorkloadVerifier.TpmEvidence calldata tpm, uint64 anchorBlock) external;
    /// @notice Alliance (ordinary): maps a GCE zone to a facility (0 unmaps it).
    function setZoneFacility(string calldata zone, bytes32 facilityId) external;
    /// @notice Alliance (emergency freeze): revokes an AK certificate by keccak256 of its serial number, for good.
    function revokeAkCertificate(bytes32 serialHash) external;

    /// @notice What both quotes must bind: keccak256(abi.encode(tag, chainid, this, anchorBlock, blockhash(anchorBlock), subject)).
    /// subject: keccak256(abi.encode(level, cadence)) to enrol, the platform key to re-attest.
    function bindingHash(uint64 anchorBlock, bytes32 subject) external view returns (bytes32);
    function zoneFacility(string calldata zone) external view returns (bytes32);
    function akRevoked(bytes32 serialHash) external view returns (bool);
    function enrolledAk(bytes32 platformKey) external view returns (bytes32);
}
