// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAlliance} from "../interfaces/IAlliance.sol";
import {AllianceGoverned} from "../governance/AllianceGoverned.sol";
import {IHardwareRegistry} from "../interfaces/IHardwareRegistry.sol";
import {IHardwareListener} from "../interfaces/IHardwareListener.sol";
import {HardwareLevel} from "./HardwareLevel.sol";
import {TransparencyLog} from "./TransparencyLog.sol";
import {LogCheckpoints} from "./LogCheckpoints.sol";

/// @title HardwareRegistry: Proof of Cloud. TEE hardware IDs bound to physically verified facilities.
/// @notice Only Alliance proposals change facilities and entries (the Alliance's class table says which class may call what);
/// members post heartbeats; anyone challenges. Nothing is deleted: every change is one more log leaf.
/// See docs/hardware-registry.md and docs/transparency-log.md.
contract HardwareRegistry is IHardwareRegistry, AllianceGoverned, LogCheckpoints {
    using TransparencyLog for TransparencyLog.Tree;

    uint8 internal constant LEAF_FACILITY_SET = 1;
    uint8 internal constant LEAF_ENTRY_SET = 2;
    uint8 internal constant LEAF_STATUS_CHANGED = 3;
    uint8 internal constant LEAF_HEARTBEAT = 4;
    uint8 internal constant LEAF_CHALLENGE_OPENED = 5;
    uint8 internal constant LEAF_CHALLENGE_CLOSED = 6;
    uint8 internal constant LEAF_LISTENER_ADDED = 7;

    /// Each listener costs every later status change one call; a handful is plenty (one per CVM registry).
    uint256 internal constant MAX_LISTENERS = 4;

    uint8 internal constant KIND_INTEL_PPID = 1;
    uint8 internal constant KIND_AMD_CHIP_ID = 2;

    /// One slot per entry: method, evidence and endorsers live in the EntrySet leaf that `entryLeaf`
    /// points to; storage keeps what dApp views need.
    struct EntryRecord {
        uint32 facility; // index into _facilityIds, plus one
        uint40 verifiedAt;
        uint40 lastHeartbeat;
        uint40 frozenUntil;
        uint32 cadence;
        uint8 kind; // 0: no entry
        uint8 level;
        Status status;
        uint16 openChallenges;
        uint32 entryLeaf; // log index of the latest EntrySet leaf
    }

    struct FacilityRecord {
        uint32 index; // plus one; 0: unknown
        uint64 updatedAt;
        bytes32 evidenceHash;
        string provider;
        string country;
        string site;
    }

    bytes32 public immutable salt;
    /// May add listeners while the log holds nothing but listener additions (wiring at deployment).
    address private immutable _deployer;
    uint64 public freezeWindow = 7 days;

    mapping(bytes32 => EntryRecord) private _entries;
    mapping(bytes32 => FacilityRecord) private _facilities;
    bytes32[] private _facilityIds;
    Challenge[] private _challenges;
    mapping(bytes32 => uint256[]) private _challengesOf;
    IHardwareListener[] private _listeners;

    /// @param alliance_ the governing Alliance
    /// @param salt_ public per-deployment salt of platform keys
    constructor(IAlliance alliance_, bytes32 salt_) AllianceGoverned(alliance_) {
        salt = salt_;
        _deployer = msg.sender;
    }

    // ---------------------------------------------------------------- governed

    /// @inheritdoc IHardwareRegistry
    function setFacilities(FacilityInput[] calldata facilities) external onlyAlliance {
        for (uint256 i = 0; i < facilities.length; i++) {
            FacilityInput calldata f = facilities[i];
            if (f.facilityId == bytes32(0)) revert InvalidField("facilityId");
            FacilityRecord storage r = _facilities[f.facilityId];
            if (r.index == 0) {
                _facilityIds.push(f.facilityId);
                r.index = uint32(_facilityIds.length);
            }
            r.updatedAt = uint64(block.timestamp);
            r.evidenceHash = f.evidenceHash;
            r.provider = f.provider;
            r.country = f.country;
            r.site = f.site;
            _appendLeaf(
                LEAF_FACILITY_SET,
                f.facilityId,
                abi.encode(f.provider, f.country, f.site, f.evidenceHash, f.evidenceUri)
            );
            emit FacilitySet(f.facilityId);
        }
    }

    /// @inheritdoc IHardwareRegistry
    function setEntries(EntryInput[] calldata entries) external onlyAlliance {
        bytes32 lastFacilityId;
        uint32 lastFacility;
        uint256 freeMem;
        assembly ("memory-safe") {
            freeMem := mload(0x40)
        }
        for (uint256 i = 0; i < entries.length; i++) {
            EntryInput calldata e = entries[i];
            if (e.facilityId != lastFacilityId) {
                lastFacility = _facilities[e.facilityId].index;
                if (lastFacility == 0) revert UnknownFacility(e.facilityId);
                lastFacilityId = e.facilityId;
            }
            _setEntry(e, lastFacility);
            // Each leaf is garbage once logged: reuse its memory so a batch's cost stays linear.
            assembly ("memory-safe") {
                mstore(0x40, freeMem)
            }
        }
    }

    /// @inheritdoc IHardwareRegistry
    function freeze(bytes32[] calldata platformKeys, bytes32 reasonHash)
        external
        onlyAlliance
    {
        uint40 until = uint40(block.timestamp + freezeWindow);
        for (uint256 i = 0; i < platformKeys.length; i++) {
            EntryRecord storage r = _activeEntry(platformKeys[i]);
            r.status = Status.Frozen;
            r.frozenUntil = until;
            _statusChanged(platformKeys[i], Status.Frozen, until, reasonHash);
            _notify(platformKeys[i], r);
        }
    }

    /// @inheritdoc IHardwareRegistry
    function unfreeze(bytes32[] calldata platformKeys, bytes32 reasonHash)
        external
        onlyAlliance
    {
        for (uint256 i = 0; i < platformKeys.length; i++) {
            EntryRecord storage r = _existing(platformKeys[i]);
            if (!_frozenNow(r)) revert EntryNotFrozen(platformKeys[i]);
            r.status = Status.Active;
            r.frozenUntil = 0;
            _statusChanged(platformKeys[i], Status.Active, 0, reasonHash);
            _notify(platformKeys[i], r);
        }
    }

    /// @inheritdoc IHardwareRegistry
    function revoke(bytes32[] calldata platformKeys, bytes32 reasonHash)
        external
        onlyAlliance
    {
        for (uint256 i = 0; i < platformKeys.length; i++) {
            bytes32 key = platformKeys[i];
            EntryRecord storage r = _existing(key);
            if (r.status == Status.Revoked) revert EntryRevoked(key);
            r.status = Status.Revoked;
            r.frozenUntil = 0;
            _statusChanged(key, Status.Revoked, 0, reasonHash);
            _notify(key, r);
            uint256[] storage ids = _challengesOf[key];
            for (uint256 j = 0; j < ids.length; j++) {
                if (_challenges[ids[j]].outcome == 0) _closeChallenge(ids[j], 2);
            }
        }
    }

    /// @inheritdoc IHardwareRegistry
    function dismissChallenge(uint256 challengeId) external onlyAlliance {
        if (challengeId >= _challenges.length) revert UnknownChallenge(challengeId);
        if (_challenges[challengeId].outcome != 0) revert ChallengeNotOpen(challengeId);
        _closeChallenge(challengeId, 1);
    }

    /// @inheritdoc IHardwareRegistry
    function addListener(IHardwareListener listener) external {
        if (msg.sender != address(alliance) && (msg.sender != _deployer || _log.size != _listeners.length)) {
            revert NotAlliance(msg.sender);
        }
        uint256 n = _listeners.length;
        if (n == MAX_LISTENERS) revert TooManyListeners(MAX_LISTENERS);
        if (address(listener) == address(0)) revert InvalidListener(address(0));
        for (uint256 i = 0; i < n; i++) {
            if (address(_listeners[i]) == address(listener)) revert InvalidListener(address(listener));
        }
        _listeners.push(listener);
        _appendLeaf(LEAF_LISTENER_ADDED, bytes32(uint256(uint160(address(listener)))), abi.encode(listener));
        emit ListenerAdded(address(listener));
        listener.onHardwareListenerAdded();
    }

    /// @inheritdoc IHardwareRegistry
    function setFreezeWindow(uint64 window) external onlyAlliance {
        if (window == 0) revert InvalidField("window");
        freezeWindow = window;
        emit FreezeWindowSet(window);
    }

    // ---------------------------------------------------------------- members and anyone

    /// @inheritdoc IHardwareRegistry
    function heartbeat(bytes32[] calldata platformKeys) external {
        if (!alliance.isMember(msg.sender)) revert NotMember(msg.sender);
        for (uint256 i = 0; i < platformKeys.length; i++) {
            bytes32 key = platformKeys[i];
            EntryRecord storage r = _activeEntry(key);
            if (r.level != 3) revert NotContinuouslyMonitored(key);
            r.lastHeartbeat = uint40(block.timestamp);
            _appendLeaf(LEAF_HEARTBEAT, key, abi.encode(msg.sender, uint64(block.timestamp)));
            emit HeartbeatPosted(key, msg.sender, uint64(block.timestamp));
            _notify(key, r);
        }
    }

    /// @inheritdoc IHardwareRegistry
    function challenge(bytes32 platformKey_, bytes32 evidenceHash, string calldata evidenceUri)
        external
        returns (uint256 challengeId)
    {
        EntryRecord storage r = _existing(platformKey_);
        if (r.status == Status.Revoked) revert EntryRevoked(platformKey_);
        challengeId = _challenges.length;
        _challenges.push(Challenge(platformKey_, msg.sender, uint40(block.timestamp), 0, 0, evidenceHash));
        _challengesOf[platformKey_].push(challengeId);
        r.openChallenges += 1;
        _appendLeaf(LEAF_CHALLENGE_OPENED, platformKey_, abi.encode(challengeId, msg.sender, evidenceHash, evidenceUri));
        emit ChallengeOpened(challengeId, platformKey_, msg.sender);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IHardwareRegistry
    function platformKey(uint8 kind, bytes calldata rawId) external view returns (bytes32) {
        uint256 expected;
        if (kind == KIND_INTEL_PPID) expected = 16;
        else if (kind == KIND_AMD_CHIP_ID) expected = 64;
        else revert UnknownKind(kind);
        if (rawId.length != expected) revert InvalidRawIdLength(kind, rawId.length, expected);
        return keccak256(abi.encode(salt, kind, rawId));
    }

    /// @inheritdoc IHardwareRegistry
    function getEntry(bytes32 platformKey_) external view returns (EntryView memory v) {
        EntryRecord storage r = _entries[platformKey_];
        if (r.kind == 0) return v;
        v.exists = true;
        v.facilityId = _facilityIds[r.facility - 1];
        v.kind = r.kind;
        v.level = r.level;
        v.effectiveLevel = _effectiveLevel(r);
        v.status = r.status == Status.Frozen && !_frozenNow(r) ? Status.Active : r.status;
        v.cadence = r.cadence;
        v.verifiedAt = r.verifiedAt;
        v.lastHeartbeat = r.lastHeartbeat;
        v.frozenUntil = v.status == Status.Frozen ? r.frozenUntil : 0;
        v.openChallenges = r.openChallenges;
        v.entryLeaf = r.entryLeaf;
    }

    /// @inheritdoc IHardwareRegistry
    function levelOf(bytes32 platformKey_) external view returns (uint8) {
        return _effectiveLevel(_entries[platformKey_]);
    }

    /// @inheritdoc IHardwareRegistry
    function hardwareStatus(bytes32 platformKey_) external view returns (HardwareStatus memory) {
        return _statusOf(_entries[platformKey_]);
    }

    /// @inheritdoc IHardwareRegistry
    function listeners() external view returns (IHardwareListener[] memory) {
        return _listeners;
    }

    /// @inheritdoc IHardwareRegistry
    function isVerified(bytes32 platformKey_, uint8 minLevel, uint64 maxAge) external view returns (bool) {
        EntryRecord storage r = _entries[platformKey_];
        uint8 level = _effectiveLevel(r);
        if (level == 0 || level < minLevel) return false;
        if (maxAge == 0) return true;
        uint256 freshest = r.lastHeartbeat > r.verifiedAt ? r.lastHeartbeat : r.verifiedAt;
        return block.timestamp - freshest <= maxAge;
    }

    /// @inheritdoc IHardwareRegistry
    function getFacility(bytes32 facilityId) external view returns (Facility memory) {
        FacilityRecord storage r = _facilities[facilityId];
        if (r.index == 0) revert UnknownFacility(facilityId);
        return Facility(r.provider, r.country, r.site, r.evidenceHash, r.updatedAt);
    }

    /// @inheritdoc IHardwareRegistry
    function getChallenge(uint256 challengeId) external view returns (Challenge memory) {
        if (challengeId >= _challenges.length) revert UnknownChallenge(challengeId);
        return _challenges[challengeId];
    }

    /// @inheritdoc IHardwareRegistry
    function challengeAge(uint256 challengeId) external view returns (uint64) {
        if (challengeId >= _challenges.length) revert UnknownChallenge(challengeId);
        Challenge storage c = _challenges[challengeId];
        return (c.outcome == 0 ? uint64(block.timestamp) : c.closedAt) - c.openedAt;
    }

    /// @inheritdoc IHardwareRegistry
    function challengeCount() external view returns (uint256) {
        return _challenges.length;
    }

    // ---------------------------------------------------------------- internals

    function _setEntry(EntryInput calldata e, uint32 facility) private {
        bytes32 key = e.platformKey;
        if (key == bytes32(0)) revert InvalidField("platformKey");
        if (e.kind != KIND_INTEL_PPID && e.kind != KIND_AMD_CHIP_ID) revert UnknownKind(e.kind);
        if (e.level == 0 || e.level > 3 || (e.level == 3 && e.cadence == 0)) revert InvalidLevel(e.level, e.cadence);
        if (e.verifiedAt == 0 || e.verifiedAt > block.timestamp) revert InvalidField("verifiedAt");
        for (uint256 j = 0; j < e.endorsers.length; j++) {
            if (!alliance.isMember(e.endorsers[j])) revert EndorserNotMember(e.endorsers[j]);
        }
        EntryRecord storage r = _entries[key];
        uint40 lastHeartbeat = uint40(e.verifiedAt);
        bool existed = r.kind != 0;
        if (existed) {
            if (r.kind != e.kind) revert KindMismatch(key, r.kind, e.kind);
            if (r.status == Status.Revoked) revert EntryRevoked(key);
            if (_frozenNow(r)) revert EntryFrozen(key);
            if (r.lastHeartbeat > lastHeartbeat) lastHeartbeat = r.lastHeartbeat;
        }
        // One packed write; a lapsed freeze reads as active, so status Active loses nothing.
        _entries[key] = EntryRecord({
            facility: facility,
            verifiedAt: uint40(e.verifiedAt),
            lastHeartbeat: lastHeartbeat,
            frozenUntil: 0,
            cadence: e.cadence,
            kind: e.kind,
            level: e.level,
            status: Status.Active,
            openChallenges: r.openChallenges,
            entryLeaf: uint32(_log.size)
        });
        _logEntry(e);
        // A new entry has nothing mirroring it yet: listeners take a snapshot when they start tracking one.
        if (existed) _notify(key, r);
    }

    function _logEntry(EntryInput calldata e) private {
        _appendLeaf(LEAF_ENTRY_SET, e.platformKey, _entryPayload(e));
    }

    function _entryPayload(EntryInput calldata e) private pure returns (bytes memory) {
        return abi.encode(
            e.facilityId, e.kind, e.level, e.method, e.evidenceHash, e.evidenceUri, e.cadence, e.endorsers, e.verifiedAt
        );
    }

    function _closeChallenge(uint256 challengeId, uint8 outcome) private {
        Challenge storage c = _challenges[challengeId];
        c.outcome = outcome;
        c.closedAt = uint40(block.timestamp);
        _entries[c.platformKey].openChallenges -= 1;
        _appendLeaf(LEAF_CHALLENGE_CLOSED, c.platformKey, abi.encode(challengeId, outcome));
        emit ChallengeClosed(challengeId, c.platformKey, outcome);
    }

    function _statusChanged(bytes32 key, Status status, uint40 until, bytes32 reasonHash) private {
        _appendLeaf(LEAF_STATUS_CHANGED, key, abi.encode(uint8(status), uint64(until), reasonHash));
        emit StatusChanged(key, status, uint64(until), reasonHash);
    }

    function _existing(bytes32 key) private view returns (EntryRecord storage r) {
        r = _entries[key];
        if (r.kind == 0) revert UnknownEntry(key);
    }

    /// An entry that exists, is not revoked and is not frozen right now.
    function _activeEntry(bytes32 key) private view returns (EntryRecord storage r) {
        r = _existing(key);
        if (r.status == Status.Revoked) revert EntryRevoked(key);
        if (_frozenNow(r)) revert EntryFrozen(key);
    }

    function _frozenNow(EntryRecord storage r) private view returns (bool) {
        return r.status == Status.Frozen && block.timestamp < r.frozenUntil;
    }

    function _effectiveLevel(EntryRecord storage r) private view returns (uint8) {
        return HardwareLevel.effective(_statusOf(r));
    }

    function _statusOf(EntryRecord storage r) private view returns (HardwareStatus memory) {
        return HardwareStatus(r.level, r.status, r.frozenUntil, r.lastHeartbeat, r.cadence);
    }

    /// Pushes the entry's status to every listener; a listener that reverts reverts the change, so a
    /// mirror can never silently fall behind.
    function _notify(bytes32 key, EntryRecord storage r) private {
        uint256 n = _listeners.length;
        if (n == 0) return;
        HardwareStatus memory s = _statusOf(r);
        for (uint256 i = 0; i < n; i++) {
            _listeners[i].onHardwareChanged(key, s);
        }
    }

    function _alliance() internal view override returns (IAlliance) {
        return alliance;
    }
}
