// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IAlliance} from "../interfaces/IAlliance.sol";
import {ICvmRegistry} from "../interfaces/ICvmRegistry.sol";
import {IMethodRegistry} from "../interfaces/IMethodRegistry.sol";
import {IHardwareRegistry} from "../interfaces/IHardwareRegistry.sol";
import {IHardwareListener} from "../interfaces/IHardwareListener.sol";
import {HardwareLevel} from "../registry/HardwareLevel.sol";
import {IWorkloadVerifier} from "../interfaces/IWorkloadVerifier.sol";
import {AllianceGoverned} from "../governance/AllianceGoverned.sol";
import {Measurement} from "../verifier/workload/Measurement.sol";

/// @title CvmRegistry
/// @notice CVM identities bound to attested workloads on registered hardware (docs/cvm-registry.md).
/// A validity check reads three slots of this contract and makes no further call: the identity's
/// `Validity` slot, its current measurement, and the status of its hardware, which the
/// HardwareRegistry pushes here on every change (IHardwareListener; docs/cvm-registry.md#hardware-mirror).
contract CvmRegistry is ICvmRegistry, IHardwareListener, EIP712, AllianceGoverned {
    bytes32 internal constant REGISTRATION_TYPEHASH =
        keccak256("Registration(address identity,address owner,uint256 nonce,uint256 deadline)");
    bytes32 internal constant REATTESTATION_TYPEHASH =
        keccak256("ReAttestation(address identity,uint256 nonce,address newIdentity)");
    bytes32 internal constant ROTATION_TYPEHASH = keccak256("Rotation(address identity,address newIdentity,uint256 nonce)");

    /// Everything a validity check or a re-attestation reads, in one slot (bit offsets below and in
    /// docs/cvm-registry.md#storage). The TEE side's expiry is fixed when TEE evidence is given; the
    /// TPM TTL and the minimum level are the ones in force at the last attestation.
    struct Validity {
        CvmStatus status;
        uint8 minHardwareLevel;
        uint16 measurementCount;
        uint32 nonce;
        uint40 teeValidUntil;
        uint40 tpmAttestedAt;
        uint24 tpmTtl;
        IWorkloadVerifier.TeeType teeType;
        uint8 tcbStatus;
        uint64 platformRef; // the platform key's first 64 bits: the hardware mirror's key
    }

    struct Record {
        Validity v;
        address owner;
        uint40 teeAttestedAt;
        uint24 teeTtlChoice; // the owner's; 0: the bound
        uint24 tpmTtlChoice;
        bytes32 platformKey;
        bytes32 akKeyHash;
    }

    // Bit offsets of Validity's fields in its slot (test/contracts/cvm/storageLayout.test.ts).
    uint256 private constant V_MIN_LEVEL = 8;
    uint256 private constant V_COUNT = 16;
    uint256 private constant V_NONCE = 32;
    uint256 private constant V_TEE_VALID_UNTIL = 64;
    uint256 private constant V_TPM_ATTESTED_AT = 104;
    uint256 private constant V_TPM_TTL = 144;
    uint256 private constant V_TEE_TYPE = 168;
    uint256 private constant V_TCB_STATUS = 176;
    uint256 private constant V_PLATFORM_REF = 184;
    /// TTLs are stored in 24 bits: at most ~194 days, far beyond any sensible attestation lifetime.
    uint32 private constant MAX_TTL = type(uint24).max;

    /// The HardwareRegistry's status of a platform a CVM runs on, with the platform key's last 128
    /// bits, which together with the mapping key (its first 64) tell tracked platforms apart. One slot.
    struct HardwareMirror {
        uint8 level; // 0: not tracked (a tracked entry always has level 1..3)
        IHardwareRegistry.Status status;
        uint40 frozenUntil;
        uint40 lastHeartbeat;
        uint32 cadence;
        uint128 keyCheck;
    }

    /// @notice The hardware registry validity is checked against.
    IHardwareRegistry public immutable hardwareRegistry;

    Params private _params;
    mapping(address => Record) private _cvms;
    mapping(address => mapping(uint256 => bytes32)) private _history;
    mapping(address => address) private _rotatedTo;
    mapping(uint64 platformRef => HardwareMirror) private _hardware;

    constructor(
        IAlliance alliance_,
        IHardwareRegistry hardwareRegistry_,
        IWorkloadVerifier verifier,
        uint32 maxTeeTtl,
        uint32 maxTpmTtl,
        uint8 minHardwareLevel
    ) EIP712("Proof of Cloud CVM Registry", "1") AllianceGoverned(alliance_) {
        if (address(verifier) == address(0) || address(hardwareRegistry_) == address(0)) revert ZeroAddress();
        hardwareRegistry = hardwareRegistry_;
        _params.workloadVerifier = verifier;
        _setTtlBounds(maxTeeTtl, maxTpmTtl);
        _setMinHardwareLevel(minHardwareLevel);
        emit WorkloadVerifierSet(address(verifier));
    }

    // ---------------------------------------------------------------- lifecycle

    /// @inheritdoc ICvmRegistry
    function register(
        IWorkloadVerifier.TeeEvidence calldata tee,
        IWorkloadVerifier.TpmEvidence calldata tpm,
        address identity,
        address owner,
        uint64 deadline,
        bytes calldata identitySignature
    ) external returns (bytes32 measurementHash) {
        if (block.timestamp > deadline) revert DeadlineExpired(deadline, block.timestamp);
        if (owner == address(0) || identity == address(0)) revert ZeroAddress();
        Record storage r = _cvms[identity];
        CvmStatus status = r.v.status;
        if (status == CvmStatus.Active && r.owner != owner) revert OwnerMismatch(r.owner, owner);
        if (status == CvmStatus.Revoked) revert IdentityRevoked(identity);
        if (status == CvmStatus.Rotated) revert IdentityRotated(identity, _rotatedTo[identity]);
        uint32 nonce = r.v.nonce;
        bytes32 digest = hashRegistration(identity, owner, nonce, deadline);
        _checkSigner(identity, digest, identitySignature);

        (IWorkloadVerifier.VerifiedWorkload memory w, Params memory p) = _verifyOnRegisteredHardware(tee, tpm, digest);

        measurementHash = w.measurementHash;
        // The TEE side dates from when the evidence was checked: now for a DCAP quote, the proof's
        // verification time for a ZK journal (up to the ZK verifier's maximum journal age ago).
        r.teeAttestedAt = uint40(w.evidenceTime);
        Validity memory v = _validity(r);
        v.nonce = nonce + 1;
        v.teeValidUntil = uint40(w.evidenceTime + _ttl(r.teeTtlChoice, p.maxTeeTtl));
        v.tpmTtl = _ttl(r.tpmTtlChoice, p.maxTpmTtl);
        v.tcbStatus = w.tcbStatus;
        v.teeType = w.teeType;
        v.platformRef = _platformRef(w.platformKey);
        _attested(r, v, p);
        if (r.platformKey != w.platformKey) r.platformKey = w.platformKey;
        if (r.akKeyHash != w.akKeyHash) r.akKeyHash = w.akKeyHash;
        bytes32 teeRegistersHash = keccak256(w.teeRegisters);
        if (status == CvmStatus.None) {
            r.owner = owner;
            emit CvmRegistered(identity, owner, w.platformKey, measurementHash, teeRegistersHash, w.akKeyHash, nonce);
        } else {
            emit CvmTeeRefreshed(identity, w.platformKey, measurementHash, teeRegistersHash, w.akKeyHash, nonce);
        }
        _recordMeasurement(identity, r, measurementHash);
    }

    /// @inheritdoc ICvmRegistry
    function reattest(address identity, IWorkloadVerifier.TpmEvidence calldata tpm, bytes32 teeRegistersHash) external {
        Record storage r = _active(identity);
        _requireHardwareFeed();
        Validity memory v = _validity(r);
        uint32 nonce = v.nonce;
        bytes32 digest = hashReAttestation(identity, nonce, address(0));
        _checkTpm(identity, r, v, tpm, digest, teeRegistersHash);
        v.nonce = nonce + 1;
        _attested(r, v, _params);
        emit CvmReattested(identity, nonce);
        _heartbeatByReattest(r, v.platformRef, digest);
    }

    /// A re-attestation is fresh evidence from its hardware: on an active level-3 platform, once the Alliance
    /// has registered this registry as a verification method (maxLevel 3), it is the platform's heartbeat, at
    /// most one per half cadence. Without that registration the re-attestation stands alone. No try/catch:
    /// a swallowed failure would let gas estimation pick a limit that starves the heartbeat.
    /// docs/hardware-registry.md#level-3-by-re-attestation
    function _heartbeatByReattest(Record storage r, uint64 ref, bytes32 digest) private {
        HardwareMirror memory m = _hardware[ref];
        if (m.level != 3 || m.status != IHardwareRegistry.Status.Active) return;
        if (block.timestamp < uint256(m.lastHeartbeat) + m.cadence / 2) return;
        IMethodRegistry methods = hardwareRegistry.methodRegistry();
        if (methods.canRefresh(address(this))) methods.refresh(r.platformKey, digest);
    }

    /// @inheritdoc ICvmRegistry
    function rotate(
        address identity,
        address newIdentity,
        bytes calldata oldKeySignature,
        bytes calldata newKeySignature,
        IWorkloadVerifier.TpmEvidence calldata tpm,
        bytes32 teeRegistersHash
    ) external {
        Record storage r = _active(identity);
        _requireHardwareFeed();
        if (newIdentity == address(0)) revert ZeroAddress();
        if (_cvms[newIdentity].v.status != CvmStatus.None) revert IdentityTaken(newIdentity);
        _checkRotationSigners(identity, newIdentity, r.v.nonce, oldKeySignature, newKeySignature);
        _rotate(identity, newIdentity, r, tpm, teeRegistersHash);
    }

    /// @inheritdoc ICvmRegistry
    function revoke(address identity, bytes32 reasonHash) external {
        Record storage r = _active(identity);
        if (msg.sender != r.owner) {
            if (msg.sender != address(alliance)) revert NotOwnerOrAlliance(msg.sender);
        }
        r.v.status = CvmStatus.Revoked;
        emit CvmRevoked(identity, msg.sender, reasonHash);
    }

    /// @inheritdoc ICvmRegistry
    function setTtls(address identity, uint32 teeTtl, uint32 tpmTtl) external {
        Record storage r = _active(identity);
        if (msg.sender != r.owner) revert NotOwner(msg.sender);
        Params memory p = _params;
        if (teeTtl > p.maxTeeTtl || tpmTtl > p.maxTpmTtl) revert InvalidTtl(teeTtl, tpmTtl);
        r.teeTtlChoice = uint24(teeTtl);
        r.tpmTtlChoice = uint24(tpmTtl);
        Validity memory v = _validity(r);
        v.teeValidUntil = uint40(r.teeAttestedAt + _ttl(r.teeTtlChoice, p.maxTeeTtl));
        v.tpmTtl = _ttl(r.tpmTtlChoice, p.maxTpmTtl);
        _store(r, v);
        emit TtlsSet(identity, teeTtl, tpmTtl);
    }

    // ---------------------------------------------------------------- hardware feed

    /// @inheritdoc IHardwareListener
    function onHardwareListenerAdded() external {
        if (msg.sender != address(hardwareRegistry)) revert NotHardwareRegistry(msg.sender);
        if (_params.hardwareFeedRetired) revert HardwareFeedRetired();
        _params.hardwareFeedConnected = true;
        emit HardwareFeedConnected(msg.sender);
    }

    /// @inheritdoc IHardwareListener
    function onHardwareChanged(bytes32 platformKey, IHardwareRegistry.HardwareStatus memory s) external virtual {
        if (msg.sender != address(hardwareRegistry)) revert NotHardwareRegistry(msg.sender);
        uint64 ref = _platformRef(platformKey);
        uint128 keyCheck = uint128(uint256(platformKey));
        HardwareMirror storage m = _hardware[ref];
        if (m.level == 0 || m.keyCheck != keyCheck) return; // no CVM registered on it: nothing to keep
        _mirror(ref, s, keyCheck);
    }

    /// @inheritdoc IHardwareListener
    function onHardwareListenerRemoved() external {
        if (msg.sender != address(hardwareRegistry)) revert NotHardwareRegistry(msg.sender);
        _params.hardwareFeedConnected = false;
        _params.hardwareFeedRetired = true;
        emit HardwareFeedDisconnected(msg.sender);
    }

    /// @inheritdoc IHardwareListener
    function onHardwareFeedLost(bytes32 platformKey) external {
        if (msg.sender != address(hardwareRegistry)) revert NotHardwareRegistry(msg.sender);
        HardwareMirror storage m = _hardware[_platformRef(platformKey)];
        // Level 0 reads as unknown hardware and stops pushes applying; the key check stays, so
        // syncHardware can tell this platform's lost mirror from a slot never used.
        if (m.keyCheck != uint128(uint256(platformKey))) return;
        m.level = 0;
        emit HardwareFeedLost(platformKey);
    }

    /// @inheritdoc ICvmRegistry
    function syncHardware(bytes32 platformKey) external {
        _requireHardwareFeed(); // a mirror nothing pushes to would go stale again unseen
        uint64 ref = _platformRef(platformKey);
        uint128 keyCheck = uint128(uint256(platformKey));
        if (_hardware[ref].keyCheck != keyCheck) revert PlatformNotTracked(platformKey);
        _mirror(ref, hardwareRegistry.hardwareStatus(platformKey), keyCheck);
        emit HardwareSynced(platformKey);
    }

    // ---------------------------------------------------------------- governed

    /// @inheritdoc ICvmRegistry
    function setTtlBounds(uint32 maxTeeTtl, uint32 maxTpmTtl) external onlyAlliance {
        _setTtlBounds(maxTeeTtl, maxTpmTtl);
    }

    /// @inheritdoc ICvmRegistry
    function setMinHardwareLevel(uint8 level) external onlyAlliance {
        _setMinHardwareLevel(level);
    }

    /// @inheritdoc ICvmRegistry
    function setWorkloadVerifier(IWorkloadVerifier verifier) external onlyAlliance {
        if (address(verifier) == address(0)) revert ZeroAddress();
        _params.workloadVerifier = verifier;
        emit WorkloadVerifierSet(address(verifier));
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc ICvmRegistry
    function isValid(address identity) external view returns (bool valid) {
        (valid,,,,) = checkCvm(identity);
    }

    /// @inheritdoc ICvmRegistry
    function checkCvm(address identity)
        public
        view
        returns (bool valid, bytes32 measurementHash, uint8 hardwareLevel, uint64 attestedAt, uint8 tcbStatus)
    {
        // Every dApp gate pays for this: the two packed slots are read once each and decoded by hand
        // (bit offsets in docs/cvm-registry.md#storage); copying the structs to memory costs ~1,000 gas more.
        uint256 v;
        Record storage r = _cvms[identity];
        assembly ("memory-safe") {
            v := sload(r.slot)
        }
        if (uint8(v) != uint8(CvmStatus.Active)) return (false, bytes32(0), 0, 0, 0);
        measurementHash = _history[identity][uint16(v >> V_COUNT) - 1];
        uint256 hw;
        HardwareMirror storage m = _hardware[uint64(v >> V_PLATFORM_REF)];
        assembly ("memory-safe") {
            hw := sload(m.slot)
        }
        hardwareLevel = HardwareLevel.effective(
            uint8(hw), IHardwareRegistry.Status(uint8(hw >> 8)), uint40(hw >> 16), uint40(hw >> 56), uint32(hw >> 96)
        );
        attestedAt = uint40(v >> V_TPM_ATTESTED_AT);
        tcbStatus = uint8(v >> V_TCB_STATUS);
        valid = hardwareLevel >= uint8(v >> V_MIN_LEVEL) && block.timestamp <= uint40(v >> V_TEE_VALID_UNTIL)
            && block.timestamp <= uint256(attestedAt) + uint24(v >> V_TPM_TTL);
    }

    /// @inheritdoc ICvmRegistry
    function mirroredHardwareStatus(bytes32 platformKey)
        external
        view
        returns (bool tracked, IHardwareRegistry.HardwareStatus memory status)
    {
        HardwareMirror memory m = _hardware[_platformRef(platformKey)];
        tracked = m.level != 0 && m.keyCheck == uint128(uint256(platformKey));
        if (tracked) status = _statusOf(m);
    }

    /// @inheritdoc ICvmRegistry
    function verifyCvmSignature(address identity, bytes32 digest, bytes calldata signature) external view returns (bool) {
        if (!_signedBy(identity, digest, signature)) return false;
        (bool valid,,,,) = checkCvm(identity);
        return valid;
    }

    /// @inheritdoc ICvmRegistry
    function getCvm(address identity) external view returns (CvmView memory c) {
        Record storage r = _cvms[identity];
        Validity memory v = _validity(r);
        c.status = v.status;
        c.owner = r.owner;
        c.nonce = v.nonce;
        c.teeAttestedAt = r.teeAttestedAt;
        c.tpmAttestedAt = v.tpmAttestedAt;
        if (v.status != CvmStatus.None) c.teeTtl = uint32(v.teeValidUntil - r.teeAttestedAt);
        c.tpmTtl = v.tpmTtl;
        c.tcbStatus = v.tcbStatus;
        c.teeType = v.teeType;
        c.platformKey = r.platformKey;
        c.akKeyHash = r.akKeyHash;
        c.measurementCount = v.measurementCount;
        if (v.measurementCount != 0) c.measurementHash = _history[identity][v.measurementCount - 1];
        c.rotatedTo = _rotatedTo[identity];
        if (v.status != CvmStatus.None) c.hardwareLevel = _hardwareLevel(v.platformRef);
        (c.valid,,,,) = checkCvm(identity);
    }

    /// @inheritdoc ICvmRegistry
    function measurementHistory(address identity) external view returns (bytes32[] memory hashes) {
        uint256 n = _cvms[identity].v.measurementCount;
        hashes = new bytes32[](n);
        for (uint256 i = 0; i < n; i++) hashes[i] = _history[identity][i];
    }

    /// @inheritdoc ICvmRegistry
    function nonces(address identity) external view returns (uint32) {
        return _cvms[identity].v.nonce;
    }

    /// @inheritdoc ICvmRegistry
    function params() external view returns (Params memory) {
        return _params;
    }

    /// @inheritdoc ICvmRegistry
    function hashRegistration(address identity, address owner, uint256 nonce, uint256 deadline) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(REGISTRATION_TYPEHASH, identity, owner, nonce, deadline)));
    }

    /// @inheritdoc ICvmRegistry
    function hashReAttestation(address identity, uint256 nonce, address newIdentity) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(REATTESTATION_TYPEHASH, identity, nonce, newIdentity)));
    }

    /// @inheritdoc ICvmRegistry
    function hashRotation(address identity, address newIdentity, uint256 nonce) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(ROTATION_TYPEHASH, identity, newIdentity, nonce)));
    }

    // ---------------------------------------------------------------- internals

    function _active(address identity) private view returns (Record storage r) {
        r = _cvms[identity];
        CvmStatus s = r.v.status;
        if (s == CvmStatus.Active) return r;
        if (s == CvmStatus.None) revert UnknownIdentity(identity);
        if (s == CvmStatus.Revoked) revert IdentityRevoked(identity);
        revert IdentityRotated(identity, _rotatedTo[identity]);
    }

    /// @dev A TPM quote by the bound AK over `qualifying`, whose single PCR bank together with
    /// `teeRegistersHash` gives the identity's current measurement; returns that measurement.
    function _checkTpm(
        address identity,
        Record storage r,
        Validity memory v,
        IWorkloadVerifier.TpmEvidence calldata tpm,
        bytes32 qualifying,
        bytes32 teeRegistersHash
    ) private view returns (bytes32 current) {
        (bytes32 akKeyHash, uint16 hashAlg, uint32 pcrMask, bytes32 valuesHash) =
            _params.workloadVerifier.verifyTpmQuote(tpm, qualifying);
        if (akKeyHash != r.akKeyHash) revert AkMismatch(r.akKeyHash, akKeyHash);
        bytes32 given = Measurement.hash(v.teeType, teeRegistersHash, hashAlg, pcrMask, valuesHash);
        current = _history[identity][v.measurementCount - 1];
        if (given != current) revert MeasurementMismatch(current, given);
    }

    function _requireHardwareFeed() private view {
        if (!_params.hardwareFeedConnected) revert HardwareFeedNotConnected();
    }

    function _checkSigner(address identity, bytes32 digest, bytes calldata signature) private pure {
        if (!_signedBy(identity, digest, signature)) revert InvalidIdentitySignature(identity);
    }

    /// @dev Both keys sign the same Rotation message: the new key's signature proves the CVM holds the
    /// key it hands the registration to, so a rotation cannot point at an address nobody (or somebody
    /// else) controls.
    function _checkRotationSigners(
        address identity,
        address newIdentity,
        uint32 nonce,
        bytes calldata oldKeySignature,
        bytes calldata newKeySignature
    ) private view {
        bytes32 digest = hashRotation(identity, newIdentity, nonce);
        _checkSigner(identity, digest, oldKeySignature);
        if (!_signedBy(newIdentity, digest, newKeySignature)) revert InvalidNewIdentitySignature(newIdentity);
    }

    function _signedBy(address signer, bytes32 digest, bytes calldata signature) private pure returns (bool) {
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(digest, signature);
        return err == ECDSA.RecoverError.NoError && recovered == signer;
    }

    /// @dev Appends `m` to the identity's history unless it is already the current measurement.
    function _recordMeasurement(address identity, Record storage r, bytes32 m) private {
        uint16 count = r.v.measurementCount;
        if (count != 0 && _history[identity][count - 1] == m) return;
        _history[identity][count] = m;
        r.v.measurementCount = count + 1;
        emit MeasurementRecorded(identity, count, m);
    }

    /// @dev rotate's second half (a frame of its own: rotate's calldata fills the stack).
    function _rotate(
        address identity,
        address newIdentity,
        Record storage r,
        IWorkloadVerifier.TpmEvidence calldata tpm,
        bytes32 teeRegistersHash
    ) private {
        Validity memory v = _validity(r);
        bytes32 current =
            _checkTpm(identity, r, v, tpm, hashReAttestation(identity, v.nonce, newIdentity), teeRegistersHash);
        _moveRecord(r, _cvms[newIdentity], v);
        _rotatedTo[identity] = newIdentity;
        emit CvmIdentityRotated(identity, newIdentity, v.nonce - 1);
        _recordMeasurement(newIdentity, _cvms[newIdentity], current);
    }

    /// @dev Retires `r` (rotated, nonce used) and starts `n` with its owner, TEE side, platform and AK,
    /// TPM-attested now; `n`'s history restarts (the caller records the current measurement).
    function _moveRecord(Record storage r, Record storage n, Validity memory v) private {
        n.owner = r.owner;
        n.teeAttestedAt = r.teeAttestedAt;
        n.teeTtlChoice = r.teeTtlChoice;
        n.tpmTtlChoice = r.tpmTtlChoice;
        n.platformKey = r.platformKey;
        n.akKeyHash = r.akKeyHash;
        uint32 nonce = v.nonce;
        v.nonce = nonce + 1;
        v.status = CvmStatus.Rotated;
        _store(r, v);
        v.nonce = 0;
        v.measurementCount = 0;
        _attested(n, v, _params);
        v.nonce = nonce + 1; // for the caller's event
    }

    /// @dev Stores `v` as active and TPM-attested now, under the current minimum level and with a
    /// TPM TTL no longer than the current bound (a raised bound is taken up at the next TEE
    /// evidence or setTtls, which resolve the owner's choice again; a re-attestation reads one slot).
    function _attested(Record storage r, Validity memory v, Params memory p) private {
        v.status = CvmStatus.Active;
        v.tpmAttestedAt = uint40(block.timestamp);
        v.minHardwareLevel = p.minHardwareLevel;
        if (v.tpmTtl > p.maxTpmTtl) v.tpmTtl = uint24(p.maxTpmTtl);
        _store(r, v);
    }

    // The validity slot is read and written as one word, by hand at the offsets of
    // docs/cvm-registry.md#storage (test/contracts/cvm/storageLayout.test.ts holds them to the
    // compiler's layout): Solidity's struct copies cost one SLOAD/SSTORE pair per field.
    function _validity(Record storage r) private view returns (Validity memory v) {
        uint256 w;
        assembly ("memory-safe") {
            w := sload(r.slot)
        }
        v.status = CvmStatus(uint8(w));
        v.minHardwareLevel = uint8(w >> V_MIN_LEVEL);
        v.measurementCount = uint16(w >> V_COUNT);
        v.nonce = uint32(w >> V_NONCE);
        v.teeValidUntil = uint40(w >> V_TEE_VALID_UNTIL);
        v.tpmAttestedAt = uint40(w >> V_TPM_ATTESTED_AT);
        v.tpmTtl = uint24(w >> V_TPM_TTL);
        v.teeType = IWorkloadVerifier.TeeType(uint8(w >> V_TEE_TYPE));
        v.tcbStatus = uint8(w >> V_TCB_STATUS);
        v.platformRef = uint64(w >> V_PLATFORM_REF);
    }

    function _store(Record storage r, Validity memory v) private {
        uint256 w = uint256(uint8(v.status)) | uint256(v.minHardwareLevel) << V_MIN_LEVEL
            | uint256(v.measurementCount) << V_COUNT | uint256(v.nonce) << V_NONCE
            | uint256(v.teeValidUntil) << V_TEE_VALID_UNTIL | uint256(v.tpmAttestedAt) << V_TPM_ATTESTED_AT
            | uint256(v.tpmTtl) << V_TPM_TTL | uint256(uint8(v.teeType)) << V_TEE_TYPE
            | uint256(v.tcbStatus) << V_TCB_STATUS | uint256(v.platformRef) << V_PLATFORM_REF;
        assembly ("memory-safe") {
            sstore(r.slot, w)
        }
    }

    /// @dev The workload behind the evidence, on hardware at the registry's level, whose status this
    /// registry now mirrors.
    function _verifyOnRegisteredHardware(
        IWorkloadVerifier.TeeEvidence calldata tee,
        IWorkloadVerifier.TpmEvidence calldata tpm,
        bytes32 digest
    ) private returns (IWorkloadVerifier.VerifiedWorkload memory w, Params memory p) {
        p = _params;
        if (!p.hardwareFeedConnected) revert HardwareFeedNotConnected();
        w = p.workloadVerifier.verifyWorkload(tee, tpm, digest);
        IHardwareRegistry.HardwareStatus memory hs = hardwareRegistry.hardwareStatus(w.platformKey);
        uint8 level = HardwareLevel.effective(hs);
        if (level < p.minHardwareLevel) revert HardwareNotVerified(w.platformKey, level, p.minHardwareLevel);
        _track(w.platformKey, hs);
    }

    /// @dev Starts mirroring the platform's status (a snapshot now, pushes afterwards); returns its ref.
    function _track(bytes32 platformKey, IHardwareRegistry.HardwareStatus memory s) private {
        uint64 ref = _platformRef(platformKey);
        uint128 keyCheck = uint128(uint256(platformKey));
        HardwareMirror storage m = _hardware[ref];
        if (m.level != 0) {
            if (m.keyCheck != keyCheck) revert PlatformRefCollision(platformKey);
            return; // tracked: every change since was pushed
        }
        _mirror(ref, s, keyCheck);
    }

    function _mirror(uint64 ref, IHardwareRegistry.HardwareStatus memory s, uint128 keyCheck) private {
        _hardware[ref] = HardwareMirror(s.level, s.status, s.frozenUntil, s.lastHeartbeat, s.cadence, keyCheck);
    }

    function _hardwareLevel(uint64 ref) private view returns (uint8) {
        return HardwareLevel.effective(_statusOf(_hardware[ref]));
    }

    function _statusOf(HardwareMirror memory m) private pure returns (IHardwareRegistry.HardwareStatus memory) {
        return IHardwareRegistry.HardwareStatus(m.level, m.status, m.frozenUntil, m.lastHeartbeat, m.cadence);
    }

    function _platformRef(bytes32 platformKey) private pure returns (uint64) {
        return uint64(uint256(platformKey) >> 192);
    }

    function _ttl(uint24 own, uint32 bound) private pure returns (uint24) {
        return uint24(own == 0 || own > bound ? bound : own);
    }

    function _setTtlBounds(uint32 maxTeeTtl, uint32 maxTpmTtl) private {
        if (maxTeeTtl == 0 || maxTpmTtl == 0 || maxTeeTtl > MAX_TTL || maxTpmTtl > MAX_TTL) {
            revert InvalidTtl(maxTeeTtl, maxTpmTtl);
        }
        _params.maxTeeTtl = maxTeeTtl;
        _params.maxTpmTtl = maxTpmTtl;
        emit TtlBoundsSet(maxTeeTtl, maxTpmTtl);
    }

    function _setMinHardwareLevel(uint8 level) private {
        if (level == 0 || level > 3) revert InvalidLevel(level);
        _params.minHardwareLevel = level;
        emit MinHardwareLevelSet(level);
    }
}
