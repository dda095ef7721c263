// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IAlliance} from "../interfaces/IAlliance.sol";
import {ICvmRegistry} from "../interfaces/ICvmRegistry.sol";
import {IHardwareRegistry} from "../interfaces/IHardwareRegistry.sol";
import {ITpmQuoteVerifier} from "../interfaces/ITpmQuoteVerifier.sol";
import {IWorkloadVerifier} from "../interfaces/IWorkloadVerifier.sol";
import {AllianceGoverned} from "../verifier/workload/AllianceGoverned.sol";
import {Measurement} from "../verifier/workload/Measurement.sol";
import {TpmBinding} from "../verifier/workload/TpmBinding.sol";

/// @title CvmRegistry
/// @notice CVM identities bound to attested workloads on registered hardware (docs/cvm-registry.md).
/// One storage record per identity; the current measurement is the last entry of its history.
contract CvmRegistry is ICvmRegistry, EIP712, AllianceGoverned {
    bytes32 internal constant REGISTRATION_TYPEHASH =
        keccak256("Registration(address identity,address owner,uint256 nonce,uint256 deadline)");
    bytes32 internal constant REATTESTATION_TYPEHASH =
        keccak256("ReAttestation(address identity,uint256 nonce,address newIdentity)");
    bytes32 internal constant ROTATION_TYPEHASH = keccak256("Rotation(address identity,address newIdentity,uint256 nonce)");

    struct Record {
        uint32 nonce;
        uint40 teeAttestedAt;
        uint40 tpmAttestedAt;
        uint32 teeTtl; // 0: the bound
        uint32 tpmTtl;
        CvmStatus status;
        uint8 tcbStatus;
        IWorkloadVerifier.TeeType teeType;
        uint16 measurementCount;
        address owner;
        bytes32 platformKey;
        bytes32 akKeyHash;
    }

    /// @notice The hardware registry validity is checked against.
    IHardwareRegistry public immutable hardwareRegistry;

    Params private _params;
    mapping(address => Record) private _cvms;
    mapping(address => mapping(uint256 => bytes32)) private _history;
    mapping(address => address) private _rotatedTo;

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
        CvmStatus status = r.status;
        if (status == CvmStatus.Active && r.owner != owner) revert OwnerMismatch(r.owner, owner);
        if (status == CvmStatus.Revoked) revert IdentityRevoked(identity);
        if (status == CvmStatus.Rotated) revert IdentityRotated(identity, _rotatedTo[identity]);
        uint32 nonce = r.nonce;
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(REGISTRATION_TYPEHASH, identity, owner, nonce, deadline)));
        _checkSigner(identity, digest, identitySignature);

        IWorkloadVerifier.VerifiedWorkload memory w = _params.workloadVerifier.verifyWorkload(tee, tpm, digest);
        uint8 level = hardwareRegistry.levelOf(w.platformKey);
        if (level < _params.minHardwareLevel) revert HardwareNotVerified(w.platformKey, level, _params.minHardwareLevel);

        measurementHash = w.measurementHash;
        r.nonce = nonce + 1;
        r.teeAttestedAt = uint40(block.timestamp);
        r.tpmAttestedAt = uint40(block.timestamp);
        r.tcbStatus = w.tcbStatus;
        r.teeType = w.teeType;
        if (r.platformKey != w.platformKey) r.platformKey = w.platformKey;
        if (r.akKeyHash != w.akKeyHash) r.akKeyHash = w.akKeyHash;
        bytes32 teeRegistersHash = keccak256(w.teeRegisters);
        if (status == CvmStatus.None) {
            r.status = CvmStatus.Active;
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
        uint32 nonce = r.nonce;
        _checkTpm(identity, r, tpm, hashReAttestation(identity, nonce, address(0)), teeRegistersHash);
        r.nonce = nonce + 1;
        r.tpmAttestedAt = uint40(block.timestamp);
        emit CvmReattested(identity, nonce);
    }

    /// @inheritdoc ICvmRegistry
    function rotate(
        address identity,
        address newIdentity,
        bytes calldata oldKeySignature,
        IWorkloadVerifier.TpmEvidence calldata tpm,
        bytes32 teeRegistersHash
    ) external {
        Record storage r = _active(identity);
        if (newIdentity == address(0)) revert ZeroAddress();
        if (_cvms[newIdentity].status != CvmStatus.None) revert IdentityTaken(newIdentity);
        uint32 nonce = r.nonce;
        _checkSigner(identity, hashRotation(identity, newIdentity, nonce), oldKeySignature);
        bytes32 current = _checkTpm(identity, r, tpm, hashReAttestation(identity, nonce, newIdentity), teeRegistersHash);

        Record storage n = _cvms[newIdentity];
        n.teeAttestedAt = r.teeAttestedAt;
        n.tpmAttestedAt = uint40(block.timestamp);
        n.teeTtl = r.teeTtl;
        n.tpmTtl = r.tpmTtl;
        n.status = CvmStatus.Active;
        n.tcbStatus = r.tcbStatus;
        n.teeType = r.teeType;
        n.owner = r.owner;
        n.platformKey = r.platformKey;
        n.akKeyHash = r.akKeyHash;
        r.status = CvmStatus.Rotated;
        r.nonce = nonce + 1;
        _rotatedTo[identity] = newIdentity;
        emit CvmIdentityRotated(identity, newIdentity, nonce);
        _recordMeasurement(newIdentity, n, current);
    }

    /// @inheritdoc ICvmRegistry
    function revoke(address identity, bytes32 reasonHash) external {
        Record storage r = _active(identity);
        if (msg.sender != r.owner) {
            if (msg.sender != address(alliance)) revert NotOwnerOrAlliance(msg.sender);
            _checkAlliance(IAlliance.ProposalClass.SecurityCritical);
        }
        r.status = CvmStatus.Revoked;
        emit CvmRevoked(identity, msg.sender, reasonHash);
    }

    /// @inheritdoc ICvmRegistry
    function setTtls(address identity, uint32 teeTtl, uint32 tpmTtl) external {
        Record storage r = _active(identity);
        if (msg.sender != r.owner) revert NotOwner(msg.sender);
        if (teeTtl > _params.maxTeeTtl || tpmTtl > _params.maxTpmTtl) revert InvalidTtl(teeTtl, tpmTtl);
        r.teeTtl = teeTtl;
        r.tpmTtl = tpmTtl;
        emit TtlsSet(identity, teeTtl, tpmTtl);
    }

    // ---------------------------------------------------------------- governed

    /// @inheritdoc ICvmRegistry
    function setTtlBounds(uint32 maxTeeTtl, uint32 maxTpmTtl) external onlyAlliance(IAlliance.ProposalClass.SecurityCritical) {
        _setTtlBounds(maxTeeTtl, maxTpmTtl);
    }

    /// @inheritdoc ICvmRegistry
    function setMinHardwareLevel(uint8 level) external onlyAlliance(IAlliance.ProposalClass.SecurityCritical) {
        _setMinHardwareLevel(level);
    }

    /// @inheritdoc ICvmRegistry
    function setWorkloadVerifier(IWorkloadVerifier verifier) external onlyAlliance(IAlliance.ProposalClass.SecurityCritical) {
        if (address(verifier) == address(0)) revert ZeroAddress();
        _params.workloadVerifier = verifier;
        emit WorkloadVerifierSet(address(verifier));
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc ICvmRegistry
    function isValid(address identity) external view returns (bool valid) {
        (valid,,,) = checkCvm(identity);
    }

    /// @inheritdoc ICvmRegistry
    function checkCvm(address identity)
        public
        view
        returns (bool valid, bytes32 measurementHash, uint8 hardwareLevel, uint64 attestedAt)
    {
        Record storage r = _cvms[identity];
        if (r.status != CvmStatus.Active) return (false, bytes32(0), 0, 0);
        Params memory p = _params;
        measurementHash = _history[identity][r.measurementCount - 1];
        hardwareLevel = hardwareRegistry.levelOf(r.platformKey);
        attestedAt = r.tpmAttestedAt;
        valid = hardwareLevel >= p.minHardwareLevel
            && block.timestamp <= uint256(r.teeAttestedAt) + _ttl(r.teeTtl, p.maxTeeTtl)
            && block.timestamp <= uint256(attestedAt) + _ttl(r.tpmTtl, p.maxTpmTtl);
    }

    /// @inheritdoc ICvmRegistry
    function verifyCvmSignature(address identity, bytes32 digest, bytes calldata signature) external view returns (bool) {
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(digest, signature);
        if (err != ECDSA.RecoverError.NoError || signer != identity) return false;
        (bool valid,,,) = checkCvm(identity);
        return valid;
    }

    /// @inheritdoc ICvmRegistry
    function getCvm(address identity) external view returns (CvmView memory v) {
        Record storage r = _cvms[identity];
        v.status = r.status;
        v.owner = r.owner;
        v.nonce = r.nonce;
        v.teeAttestedAt = r.teeAttestedAt;
        v.tpmAttestedAt = r.tpmAttestedAt;
        v.teeTtl = _ttl(r.teeTtl, _params.maxTeeTtl);
        v.tpmTtl = _ttl(r.tpmTtl, _params.maxTpmTtl);
        v.tcbStatus = r.tcbStatus;
        v.teeType = r.teeType;
        v.platformKey = r.platformKey;
        v.akKeyHash = r.akKeyHash;
        v.measurementCount = r.measurementCount;
        if (r.measurementCount != 0) v.measurementHash = _history[identity][r.measurementCount - 1];
        v.rotatedTo = _rotatedTo[identity];
        if (r.status != CvmStatus.None) v.hardwareLevel = hardwareRegistry.levelOf(r.platformKey);
        (v.valid,,,) = checkCvm(identity);
    }

    /// @inheritdoc ICvmRegistry
    function measurementHistory(address identity) external view returns (bytes32[] memory hashes) {
        uint256 n = _cvms[identity].measurementCount;
        hashes = new bytes32[](n);
        for (uint256 i = 0; i < n; i++) hashes[i] = _history[identity][i];
    }

    /// @inheritdoc ICvmRegistry
    function nonces(address identity) external view returns (uint32) {
        return _cvms[identity].nonce;
    }

    /// @inheritdoc ICvmRegistry
    function params() external view returns (Params memory) {
        return _params;
    }

    /// @inheritdoc ICvmRegistry
    function hashRegistration(address identity, address owner, uint256 nonce, uint256 deadline) external view returns (bytes32) {
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
        CvmStatus s = r.status;
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
        IWorkloadVerifier.TpmEvidence calldata tpm,
        bytes32 qualifying,
        bytes32 teeRegistersHash
    ) private view returns (bytes32 current) {
        ITpmQuoteVerifier.TpmQuoteResult memory t = TpmBinding.verify(tpm, qualifying);
        if (t.akKeyHash != r.akKeyHash) revert AkMismatch(r.akKeyHash, t.akKeyHash);
        if (t.banks.length != 1) revert PcrBankCount(t.banks.length);
        ITpmQuoteVerifier.PcrBank memory b = t.banks[0];
        bytes32 given = Measurement.hash(r.teeType, teeRegistersHash, b.hashAlg, b.pcrMask, keccak256(b.values));
        current = _history[identity][r.measurementCount - 1];
        if (given != current) revert MeasurementMismatch(current, given);
    }

    function _checkSigner(address identity, bytes32 digest, bytes calldata signature) private pure {
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(digest, signature);
        if (err != ECDSA.RecoverError.NoError || signer != identity) revert InvalidIdentitySignature(identity);
    }

    /// @dev Appends `m` to the identity's history unless it is already the current measurement.
    function _recordMeasurement(address identity, Record storage r, bytes32 m) private {
        uint16 count = r.measurementCount;
        if (count != 0 && _history[identity][count - 1] == m) return;
        _history[identity][count] = m;
        r.measurementCount = count + 1;
        emit MeasurementRecorded(identity, count, m);
    }

    function _ttl(uint32 own, uint32 bound) private pure returns (uint32) {
        return own == 0 || own > bound ? bound : own;
    }

    function _setTtlBounds(uint32 maxTeeTtl, uint32 maxTpmTtl) private {
        if (maxTeeTtl == 0 || maxTpmTtl == 0) revert InvalidTtl(maxTeeTtl, maxTpmTtl);
        _params.maxTeeTtl = maxTeeTtl;
        _params.maxTpmTtl = maxTpmTtl;
        emit TtlBoundsSet(maxTeeTtl, maxTpmTtl);
    }

    function _setMinHardwareLevel(uint8 level) private {
        if (level == 0 || level > 3) revert InvalidLevel(level);
        _params.minHardwareLevel = level;
        emit MinHardwareLevelSet(level);
    }

    function _revertNotAlliance(address caller) internal pure override {
        revert NotAlliance(caller);
    }

    function _revertClassTooWeak(IAlliance.ProposalClass required, IAlliance.ProposalClass actual) internal pure override {
        revert ClassTooWeak(required, actual);
    }
}
