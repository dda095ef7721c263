// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAlliance} from "../interfaces/IAlliance.sol";
import {AllianceGoverned} from "../governance/AllianceGoverned.sol";
import {
    IHardwareRegistry,
    CHALLENGE_OPEN,
    CHALLENGE_DISMISSED,
    CHALLENGE_UPHELD
} from "../interfaces/IHardwareRegistry.sol";
import {IHardwareListener} from "../interfaces/IHardwareListener.sol";
import {HardwareLevel} from "./HardwareLevel.sol";
import {TransparencyLog} from "./TransparencyLog.sol";
import {LogCheckpoints} from "./LogCheckpoints.sol";
import {MethodRegistry} from "./MethodRegistry.sol";
import {IMethodRegistry, METHOD_ENROLLED, METHOD_HEARTBEAT} from "../interfaces/IMethodRegistry.sol";

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
    uint8 internal constant LEAF_LISTENER_REMOVED = 8;
    uint8 internal constant LEAF_METHOD_ACTION = 9;

    /// Each listener costs every later status change one call; a handful is plenty (one per CVM registry).
    uint256 internal constant MAX_LISTENERS = 4;
    /// Gas a listener gets per push: a mirror update is a few slots (the CvmRegistry's ~10k). A listener
    /// that needs more, or reverts, loses its feed for that key instead of blocking the change.
    uint256 internal constant LISTENER_GAS = 100_000;
    /// Gas for the feed-lost and removal hooks: enough to clear a mirror slot, less than a push.
    uint256 internal constant LISTENER_HOOK_GAS = 50_000;
    /// What a listener call costs beyond the gas it forwards (cold account access, the opcodes around it).
    uint256 internal constant LISTENER_CALL_OVERHEAD = 5_000;

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
    /// The verification methods' table. Created here, so neither needs a wiring vote to know the other.
    IMethodRegistry public immutable methodRegistry;
    /// May add listeners while the log holds nothing but listener additions (wiring at deployment).
    address private immutable _deployer;
    uint64 public freezeWindow = 7 days;
    uint96 public challengeBond = 0.01 ether;

    mapping(bytes32 => EntryRecord) private _entries;
    mapping(bytes32 => FacilityRecord) private _facilities;
    bytes32[] private _facilityIds;
    Challenge[] private _challenges;
    IHardwareListener[] private _listeners;
    /// When each revoked entry was revoked: the closing time of the challenges that revocation upheld.
    mapping(bytes32 => uint40) private _revokedAt;
    mapping(IHardwareListener => mapping(bytes32 => uint40)) private _listenerFailedAt;

    /// @param alliance_ the governing Alliance
    /// @param salt_ public per-deployment salt of platform keys
    constructor(IAlliance alliance_, bytes32 salt_) AllianceGoverned(alliance_) {
        salt = salt_;
        _deployer = msg.sender;
        methodRegistry = new MethodRegistry(alliance_, this);
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
            EntryRecord storage r = _existing(platformKeys[i]);
            if (r.status == Status.Revoked) revert EntryRevoked(platformKeys[i]);
            // A lapsed freeze still reads Frozen in storage until a majority acknowledges it (unfreeze,
            // update): otherwise the freeze minority could renew it forever, a window at a time.
            if (r.status == Status.Frozen) revert FreezeNeedsMajority(platformKeys[i]);
            _freeze(platformKeys[i], r, until, reasonHash);
        }
    }

    /// @inheritdoc IHardwareRegistry
    function confirmFreeze(bytes32[] calldata platformKeys, bytes32 reasonHash)
        external
        onlyAlliance
    {
        for (uint256 i = 0; i < platformKeys.length; i++) {
            EntryRecord storage r = _existing(platformKeys[i]);
            if (r.status == Status.Revoked) revert EntryRevoked(platformKeys[i]);
            _freeze(platformKeys[i], r, type(uint40).max, reasonHash);
        }
    }

    /// @inheritdoc IHardwareRegistry
    function unfreeze(bytes32[] calldata platformKeys, bytes32 reasonHash)
        external
        onlyAlliance
    {
        for (uint256 i = 0; i < platformKeys.length; i++) {
            EntryRecord storage r = _existing(platformKeys[i]);
            // A lapsed freeze too: lifting it is how the majority acknowledges the lapse.
            if (r.status != Status.Frozen) revert EntryNotFrozen(platformKeys[i]);
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
            // The open challenges are upheld without touching them: they read as upheld from the entry's
            // status and this time (_challengeAt), so no number of them can price a revocation out of a block.
            r.openChallenges = 0;
            _revokedAt[key] = uint40(block.timestamp);
            _statusChanged(key, Status.Revoked, 0, reasonHash);
            _notify(key, r);
        }
    }

    /// @inheritdoc IHardwareRegistry
    function dismissChallenge(uint256 challengeId) external onlyAlliance {
        if (_challengeAt(challengeId).outcome != CHALLENGE_OPEN) revert ChallengeNotOpen(challengeId);
        Challenge storage c = _challenges[challengeId];
        c.outcome = CHALLENGE_DISMISSED;
        c.closedAt = uint40(block.timestamp);
        c.bondSettled = true;
        _entries[c.platformKey].openChallenges -= 1;
        _appendLeaf(LEAF_CHALLENGE_CLOSED, c.platformKey, abi.encode(challengeId, CHALLENGE_DISMISSED));
        emit ChallengeClosed(challengeId, c.platformKey, CHALLENGE_DISMISSED);
        // A dismissed challenge forfeits its bond: that is what makes spamming challenges cost something.
        _pay(address(alliance), c.bond);
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
    function removeListener(IHardwareListener listener) external onlyAlliance {
        uint256 n = _listeners.length;
        uint256 i = 0;
        while (i < n && address(_listeners[i]) != address(listener)) i++;
        if (i == n) revert UnknownListener(address(listener));
        for (; i + 1 < n; i++) {
            _listeners[i] = _listeners[i + 1]; // keeps the order `listeners()` promises
        }
        _listeners.pop();
        _appendLeaf(LEAF_LISTENER_REMOVED, bytes32(uint256(uint160(address(listener)))), abi.encode(listener));
        emit ListenerRemoved(address(listener));
        // The listener hears of it, but cannot keep its removal from happening.
        if (!_callListener(listener, abi.encodeCall(IHardwareListener.onHardwareListenerRemoved, ()), LISTENER_HOOK_GAS)) {
            _listenerFailed(listener, bytes32(0));
        }
    }

    /// @inheritdoc IHardwareRegistry
    function setFreezeWindow(uint64 window) external onlyAlliance {
        if (window == 0) revert InvalidField("window");
        freezeWindow = window;
        emit FreezeWindowSet(window);
    }

    /// @inheritdoc IHardwareRegistry
    function setChallengeBond(uint96 bond) external onlyAlliance {
        if (bond == 0) revert InvalidField("bond"); // free challenges are the spam this bond prices
        challengeBond = bond;
        emit ChallengeBondSet(bond);
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
        payable
        returns (uint256 challengeId)
    {
        EntryRecord storage r = _existing(platformKey_);
        if (r.status == Status.Revoked) revert EntryRevoked(platformKey_);
        uint96 bond = challengeBond;
        if (msg.value != bond) revert WrongChallengeBond(msg.value, bond);
        if (r.openChallenges == type(uint16).max) revert TooManyOpenChallenges(platformKey_);
        challengeId = _challenges.length;
        _challenges.push(Challenge(platformKey_, msg.sender, uint40(block.timestamp), 0, CHALLENGE_OPEN, false, evidenceHash, bond));
        r.openChallenges += 1;
        _appendLeaf(LEAF_CHALLENGE_OPENED, platformKey_, abi.encode(challengeId, msg.sender, evidenceHash, evidenceUri));
        emit ChallengeOpened(challengeId, platformKey_, msg.sender);
    }

    /// @inheritdoc IHardwareRegistry
    function claimChallengeBond(uint256 challengeId) external {
        if (_challengeAt(challengeId).outcome != CHALLENGE_UPHELD) revert ChallengeNotUpheld(challengeId);
        Challenge storage c = _challenges[challengeId];
        if (c.bondSettled) revert BondAlreadyClaimed(challengeId);
        c.bondSettled = true;
        emit ChallengeBondClaimed(challengeId, c.challenger, c.bond);
        // Pulled, never pushed by revoke: a challenger that refuses payment only fails its own claim.
        _pay(c.challenger, c.bond);
    }

    /// @inheritdoc IHardwareRegistry
    function methodAction(IMethodRegistry.MethodAction calldata a) external {
        if (msg.sender != address(methodRegistry)) revert NotMethodRegistry(msg.sender);
        bytes32 key = a.platformKey;
        EntryRecord storage r = _entries[key];
        bool notify;
        if (a.action == METHOD_ENROLLED) {
            uint32 facility = _facilities[a.facilityId].index;
            if (facility == 0) revert UnknownFacility(a.facilityId);
            (r, notify) = _writeEntry(key, facility, a.kind, a.level, a.cadence, uint64(block.timestamp));
        } else if (a.action == METHOD_HEARTBEAT) {
            r = _activeEntry(key);
            if (r.level != 3) revert NotContinuouslyMonitored(key);
            r.lastHeartbeat = uint40(block.timestamp);
            notify = true;
        }
        // Registrations, suspensions and removals of methods are leaves too (key: the method's address).
        _appendLeaf(LEAF_METHOD_ACTION, key, abi.encode(a, uint64(block.timestamp)));
        emit MethodActionLogged(key, a.method, a.action, a.evidenceHash);
        if (notify) _notify(key, r);
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
        return _challengeAt(challengeId);
    }

    /// @inheritdoc IHardwareRegistry
    function challengeAge(uint256 challengeId) external view returns (uint64) {
        Challenge memory c = _challengeAt(challengeId);
        return (c.outcome == CHALLENGE_OPEN ? uint64(block.timestamp) : c.closedAt) - c.openedAt;
    }

    /// @inheritdoc IHardwareRegistry
    function challengeCount() external view returns (uint256) {
        return _challenges.length;
    }

    /// @inheritdoc IHardwareRegistry
    function listenerFailedAt(IHardwareListener listener, bytes32 platformKey_) external view returns (uint64) {
        return _listenerFailedAt[listener][platformKey_];
    }

    // ---------------------------------------------------------------- internals

    function _setEntry(EntryInput calldata e, uint32 facility) private {
        for (uint256 j = 0; j < e.endorsers.length; j++) {
            if (!alliance.isMember(e.endorsers[j])) revert EndorserNotMember(e.endorsers[j]);
        }
        (EntryRecord storage r, bool existed) = _writeEntry(e.platformKey, facility, e.kind, e.level, e.cadence, e.verifiedAt);
        _logEntry(e);
        // A new entry has nothing mirroring it yet: listeners take a snapshot when they start tracking one.
        if (existed) _notify(e.platformKey, r);
    }

    /// Adds or updates an entry (a vote's or a method's); its leaf is the next one appended.
    function _writeEntry(bytes32 key, uint32 facility, uint8 kind, uint8 level, uint32 cadence, uint64 verifiedAt)
        private
        returns (EntryRecord storage r, bool existed)
    {
        if (key == bytes32(0)) revert InvalidField("platformKey");
        if (kind != KIND_INTEL_PPID && kind != KIND_AMD_CHIP_ID) revert UnknownKind(kind);
        if (level == 0 || level > 3 || (level == 3 && cadence == 0)) revert InvalidLevel(level, cadence);
        if (verifiedAt == 0 || verifiedAt > block.timestamp) revert InvalidField("verifiedAt");
        r = _entries[key];
        uint40 lastHeartbeat = uint40(verifiedAt);
        existed = r.kind != 0;
        if (existed) {
            if (r.kind != kind) revert KindMismatch(key, r.kind, kind);
            if (r.status == Status.Revoked) revert EntryRevoked(key);
            if (_frozenNow(r)) revert EntryFrozen(key);
            if (r.lastHeartbeat > lastHeartbeat) lastHeartbeat = r.lastHeartbeat;
        }
        // One packed write; a lapsed freeze reads as active, so status Active loses nothing.
        _entries[key] = EntryRecord({
            facility: facility,
            verifiedAt: uint40(verifiedAt),
            lastHeartbeat: lastHeartbeat,
            frozenUntil: 0,
            cadence: cadence,
            kind: kind,
            level: level,
            status: Status.Active,
            openChallenges: r.openChallenges,
            entryLeaf: uint32(_log.size)
        });
    }

    function _logEntry(EntryInput calldata e) private {
        _appendLeaf(LEAF_ENTRY_SET, e.platformKey, _entryPayload(e));
    }

    function _entryPayload(EntryInput calldata e) private pure returns (bytes memory) {
        return abi.encode(
            e.facilityId, e.kind, e.level, e.method, e.evidenceHash, e.evidenceUri, e.cadence, e.endorsers, e.verifiedAt
        );
    }

    /// A challenge as views report it. Upheld is never written: revocation refuses new challenges, so a
    /// still-open challenge of a revoked entry was open when it was revoked.
    function _challengeAt(uint256 challengeId) private view returns (Challenge memory c) {
        if (challengeId >= _challenges.length) revert UnknownChallenge(challengeId);
        c = _challenges[challengeId];
        if (c.outcome == CHALLENGE_OPEN && _entries[c.platformKey].status == Status.Revoked) {
            c.outcome = CHALLENGE_UPHELD;
            c.closedAt = _revokedAt[c.platformKey];
        }
    }

    function _pay(address to, uint256 amount) private {
        bool ok;
        assembly ("memory-safe") {
            ok := call(gas(), to, amount, 0, 0, 0, 0)
        }
        if (!ok) revert BondTransferFailed(to, amount);
    }

    function _freeze(bytes32 key, EntryRecord storage r, uint40 until, bytes32 reasonHash) private {
        r.status = Status.Frozen;
        r.frozenUntil = until;
        _statusChanged(key, Status.Frozen, until, reasonHash);
        _notify(key, r);
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

    /// Pushes the entry's status to every listener. A listener that fails cannot block the change: its
    /// failure is recorded and it is told to read the hardware as unknown, so its mirror fails closed
    /// instead of falling behind silently.
    function _notify(bytes32 key, EntryRecord storage r) private {
        uint256 n = _listeners.length;
        if (n == 0) return;
        bytes memory push = abi.encodeCall(IHardwareListener.onHardwareChanged, (key, _statusOf(r)));
        for (uint256 i = 0; i < n; i++) {
            IHardwareListener l = _listeners[i];
            if (!_callListener(l, push, LISTENER_GAS)) {
                _listenerFailed(l, key);
                _callListener(l, abi.encodeCall(IHardwareListener.onHardwareFeedLost, (key)), LISTENER_HOOK_GAS);
            }
        }
    }

    /// Calls a listener with exactly `allowance` gas, or reverts the whole transaction. Whoever submits it
    /// picks the gas limit, and a call gets at most 63/64 of what is left (EIP-150): without this check a
    /// submitter could starve a well-behaved listener (or its feed-lost hook) so that a failure is
    /// recorded, or a mirror left stale, while the change itself goes through. Return data is never
    /// copied, so a hostile listener cannot make the registry pay for it.
    function _callListener(IHardwareListener l, bytes memory data, uint256 allowance) private returns (bool ok) {
        uint256 needed = allowance + allowance / 63 + LISTENER_CALL_OVERHEAD;
        if (gasleft() < needed) revert InsufficientGasForListeners(needed);
        assembly ("memory-safe") {
            ok := call(allowance, l, 0, add(data, 0x20), mload(data), 0, 0)
        }
    }

    function _listenerFailed(IHardwareListener l, bytes32 key) private {
        _listenerFailedAt[l][key] = uint40(block.timestamp);
        emit ListenerFailed(address(l), key);
    }

    function _alliance() internal view override returns (IAlliance) {
        return alliance;
    }
}
