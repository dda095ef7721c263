// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAllianceGoverned} from "./IAllianceGoverned.sol";
import {IWorkloadVerifier} from "./IWorkloadVerifier.sol";
import {IHardwareRegistry} from "./IHardwareRegistry.sol";

/// @title ICvmRegistry
/// @notice Confidential VMs identified by an Ethereum address whose key lives inside the CVM,
/// registered from TEE evidence + a TPM quote, kept fresh by TPM re-attestation, rotated, revoked.
/// Validity folds in the hardware's Proof-of-Cloud level. Formats and security model: docs/cvm-registry.md.
interface ICvmRegistry is IAllianceGoverned {
    enum CvmStatus {
        None,
        Active,
        Revoked,
        Rotated
    }

    /// @notice An identity's state as views report it (TTLs are the effective ones, within the bounds).
    struct CvmView {
        CvmStatus status;
        address owner;
        uint32 nonce;
        uint64 teeAttestedAt;
        uint64 tpmAttestedAt;
        uint32 teeTtl;
        uint32 tpmTtl;
        uint8 tcbStatus;
        IWorkloadVerifier.TeeType teeType;
        bytes32 platformKey;
        bytes32 akKeyHash;
        bytes32 measurementHash;
        uint16 measurementCount;
        address rotatedTo;
        uint8 hardwareLevel;
        bool valid;
    }

    /// @notice Registry-wide parameters the Alliance governs (security-critical).
    struct Params {
        IWorkloadVerifier workloadVerifier;
        uint32 maxTeeTtl;
        uint32 maxTpmTtl;
        uint8 minHardwareLevel;
        /// True once the HardwareRegistry pushes entry changes here (IHardwareListener); registration needs it.
        bool hardwareFeedConnected;
        /// True once the HardwareRegistry removed this registry as a listener: it can never be connected
        /// again, since changes made while it was removed never reached its mirrors.
        bool hardwareFeedRetired;
    }

    event CvmRegistered(
        address indexed identity,
        address indexed owner,
        bytes32 indexed platformKey,
        bytes32 measurementHash,
        bytes32 teeRegistersHash,
        bytes32 akKeyHash,
        uint32 nonce
    );
    event CvmTeeRefreshed(
        address indexed identity,
        bytes32 indexed platformKey,
        bytes32 measurementHash,
        bytes32 teeRegistersHash,
        bytes32 akKeyHash,
        uint32 nonce
    );
    event CvmReattested(address indexed identity, uint32 nonce);
    event CvmIdentityRotated(address indexed identity, address indexed newIdentity, uint32 nonce);
    event CvmRevoked(address indexed identity, address indexed by, bytes32 reasonHash);
    event MeasurementRecorded(address indexed identity, uint256 index, bytes32 measurementHash);
    event TtlsSet(address indexed identity, uint32 teeTtl, uint32 tpmTtl);
    event TtlBoundsSet(uint32 maxTeeTtl, uint32 maxTpmTtl);
    event MinHardwareLevelSet(uint8 level);
    event WorkloadVerifierSet(address verifier);
    event HardwareFeedConnected(address hardwareRegistry);
    /// @notice The HardwareRegistry removed this registry as a listener: attestations wait until it is added again.
    event HardwareFeedDisconnected(address hardwareRegistry);
    /// @notice A push for this mirrored platform failed: it reads as unknown until `syncHardware`.
    event HardwareFeedLost(bytes32 indexed platformKey);
    /// @notice The platform's mirror was re-read from the HardwareRegistry (`syncHardware`).
    event HardwareSynced(bytes32 indexed platformKey);

    error ZeroAddress();
    /// @notice The registration's deadline has passed.
    error DeadlineExpired(uint64 deadline, uint256 blockTimestamp);
    /// @notice The signature over the EIP-712 message is not the identity's.
    error InvalidIdentitySignature(address identity);
    /// @notice A rotation's `newKeySignature` is not by the key of `newIdentity`.
    error InvalidNewIdentitySignature(address newIdentity);
    error UnknownIdentity(address identity);
    error IdentityRevoked(address identity);
    error IdentityRotated(address identity, address rotatedTo);
    /// @notice The rotation target is already in use.
    error IdentityTaken(address identity);
    /// @notice A refresh names another owner than the registered one.
    error OwnerMismatch(address registered, address given);
    error NotOwner(address caller);
    error NotOwnerOrAlliance(address caller);
    /// @notice The evidence's hardware is unregistered, frozen, revoked or below the registry's level.
    error HardwareNotVerified(bytes32 platformKey, uint8 level, uint8 required);
    /// @notice The re-attestation's AK is not the one bound at registration.
    error AkMismatch(bytes32 registered, bytes32 given);
    /// @notice The re-attestation's PCRs (with the given TEE registers hash) give another measurement.
    error MeasurementMismatch(bytes32 registered, bytes32 given);
    error InvalidTtl(uint32 teeTtl, uint32 tpmTtl);
    error InvalidLevel(uint8 level);
    /// @notice Only the HardwareRegistry pushes hardware status.
    error NotHardwareRegistry(address caller);
    /// @notice The HardwareRegistry has not added this registry as a listener (yet, or any more), so
    /// hardware changes would not reach it: registrations, re-attestations, rotations and syncs wait
    /// until it has (IHardwareRegistry.addListener).
    error HardwareFeedNotConnected();
    /// @notice This registry was removed as a listener once; its mirrors may have missed changes, so
    /// it cannot be connected again (deploy a new CvmRegistry). docs/cvm-registry.md#hardware-mirror.
    error HardwareFeedRetired();
    /// @notice `syncHardware` of a platform no CVM here registered on: there is no mirror to restore.
    error PlatformNotTracked(bytes32 platformKey);
    /// @notice Another tracked platform shares this platform key's first 64 bits (about 2^-64 per pair;
    /// refused rather than mixed up). See docs/cvm-registry.md#hardware-mirror.
    error PlatformRefCollision(bytes32 platformKey);

    /// @notice Registers `identity` (or refreshes its TEE side): the TEE report data must be
    /// hashRegistration(identity, owner, nonces(identity), deadline) || sha256(akPublic), the TPM
    /// quote's qualifying data the same hash, and `identitySignature` the identity's signature of it.
    function register(
        IWorkloadVerifier.TeeEvidence calldata tee,
        IWorkloadVerifier.TpmEvidence calldata tpm,
        address identity,
        address owner,
        uint64 deadline,
        bytes calldata identitySignature
    ) external returns (bytes32 measurementHash);

    /// @notice Refreshes the TPM side: a quote by the bound AK whose qualifying data is
    /// hashReAttestation(identity, nonce, address(0)) and whose PCRs give the current measurement
    /// together with `teeRegistersHash` (keccak256 of the registered TEE registers).
    function reattest(address identity, IWorkloadVerifier.TpmEvidence calldata tpm, bytes32 teeRegistersHash) external;

    /// @notice Moves the registration to `newIdentity`: `oldKeySignature` by the old key and
    /// `newKeySignature` by the new key, both over hashRotation(identity, newIdentity, nonce), and a TPM
    /// quote over hashReAttestation(identity, nonce, newIdentity).
    function rotate(
        address identity,
        address newIdentity,
        bytes calldata oldKeySignature,
        bytes calldata newKeySignature,
        IWorkloadVerifier.TpmEvidence calldata tpm,
        bytes32 teeRegistersHash
    ) external;

    /// @notice Revokes an identity for good: its owner, or the Alliance by a security-critical proposal.
    function revoke(address identity, bytes32 reasonHash) external;

    /// @notice Owner only: the identity's TEE and TPM TTLs in seconds (0: the Alliance's bound), in force at once.
    function setTtls(address identity, uint32 teeTtl, uint32 tpmTtl) external;

    /// @notice Anyone: re-reads the HardwareRegistry's status of a platform this registry mirrors, or
    /// mirrored until a push to it failed (`HardwareFeedLost`), and mirrors it again, so CVMs on that
    /// platform are judged by the registry's current status without registering again. Refused for a
    /// platform never mirrored (`PlatformNotTracked`) and while the feed is disconnected.
    function syncHardware(bytes32 platformKey) external;

    /// @notice Alliance (security-critical): the longest TEE and TPM TTLs any identity may have (at
    /// most 2^24 - 1 seconds, ~194 days). A check reads the identity's own slot, not these: an
    /// identity takes them up with its next TEE evidence or setTtls, and a lowered TPM bound also with
    /// its next re-attestation or rotation (cut an identity short at once by revoking it).
    function setTtlBounds(uint32 maxTeeTtl, uint32 maxTpmTtl) external;

    /// @notice Alliance (security-critical): the Proof-of-Cloud level every valid CVM's hardware needs
    /// (1..3), taken up by each identity at its next registration, re-attestation or rotation.
    function setMinHardwareLevel(uint8 level) external;

    /// @notice Alliance (security-critical): the workload verifier registrations use.
    function setWorkloadVerifier(IWorkloadVerifier verifier) external;

    /// @notice The hardware status this registry holds for `platformKey` (pushed by the HardwareRegistry);
    /// `tracked` false when no CVM registered on it yet, or a push for it failed and nobody synced it
    /// since (`syncHardware`). A tracked status always equals the registry's.
    function mirroredHardwareStatus(bytes32 platformKey)
        external
        view
        returns (bool tracked, IHardwareRegistry.HardwareStatus memory status);
    /// @notice Whether `identity` is valid now: active, both TTLs current, hardware at the level.
    function isValid(address identity) external view returns (bool);

    /// @notice What a gate needs in one call: validity, current measurement, hardware level, last attestation
    /// time, and the TCB status of the last TEE evidence (IQuoteVerifier.TcbStatus; UpToDate for SEV-SNP).
    function checkCvm(address identity)
        external
        view
        returns (bool valid, bytes32 measurementHash, uint8 hardwareLevel, uint64 attestedAt, uint8 tcbStatus);

    /// @notice True when `identity` is valid and `signature` is its ECDSA signature of `digest`.
    function verifyCvmSignature(address identity, bytes32 digest, bytes calldata signature) external view returns (bool);

    /// @notice An identity's full state.
    function getCvm(address identity) external view returns (CvmView memory);

    /// @notice Every measurement hash the identity has run, oldest first.
    function measurementHistory(address identity) external view returns (bytes32[] memory);

    /// @notice The nonce the identity's next registration, re-attestation or rotation must carry.
    function nonces(address identity) external view returns (uint32);

    /// @notice The registry-wide parameters.
    function params() external view returns (Params memory);

    /// @notice EIP-712 digest of Registration(address identity,address owner,uint256 nonce,uint256 deadline).
    function hashRegistration(address identity, address owner, uint256 nonce, uint256 deadline) external view returns (bytes32);

    /// @notice EIP-712 digest of ReAttestation(address identity,uint256 nonce,address newIdentity).
    function hashReAttestation(address identity, uint256 nonce, address newIdentity) external view returns (bytes32);

    /// @notice EIP-712 digest of Rotation(address identity,address newIdentity,uint256 nonce).
    function hashRotation(address identity, address newIdentity, uint256 nonce) external view returns (bytes32);
}
