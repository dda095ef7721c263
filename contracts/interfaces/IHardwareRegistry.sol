// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAllianceGoverned} from "./IAllianceGoverned.sol";
import {IHardwareListener} from "./IHardwareListener.sol";
import {IMethodRegistry} from "./IMethodRegistry.sol";

// A challenge's `outcome` (Challenge, ChallengeClosed, the ChallengeClosed log leaf). Plain uint8
// values rather than an enum so the ABI and the log leaves stay uint8 for the SDK and log checkers.
uint8 constant CHALLENGE_OPEN = 0;
uint8 constant CHALLENGE_DISMISSED = 1;
// Never stored: a challenge still open when its entry was revoked reads as upheld.
uint8 constant CHALLENGE_UPHELD = 2;

/// @title IHardwareRegistry: Proof of Cloud, TEE hardware IDs bound to physically verified facilities.
/// @notice Entries are keyed by platformKey = keccak256(abi.encode(salt, kind, rawId)). Only Alliance
/// proposals change entries and facilities; Alliance members post heartbeats; anyone challenges.
/// Every change appends one leaf to the transparency log. See docs/hardware-registry.md.
interface IHardwareRegistry is IAllianceGoverned {
    /// @notice Entry status as stored. A freeze lapses by itself at `frozenUntil`.
    enum Status {
        Active,
        Frozen,
        Revoked
    }

    /// @notice A facility as proposed: `facilityId` is chosen by the proposer (e.g. keccak256 of a site code).
    struct FacilityInput {
        bytes32 facilityId;
        string provider;
        string country;
        string site;
        bytes32 evidenceHash;
        string evidenceUri;
    }

    /// @notice A facility as stored.
    struct Facility {
        string provider;
        string country;
        string site;
        bytes32 evidenceHash;
        uint64 updatedAt;
    }

    /// @notice An entry as proposed (add or update). `method`, `evidenceUri` and `endorsers` are
    /// kept in the log leaf only; storage keeps what views need.
    struct EntryInput {
        bytes32 platformKey;
        bytes32 facilityId;
        uint8 kind;
        uint8 level;
        uint32 cadence;
        uint64 verifiedAt;
        bytes32 evidenceHash;
        string method;
        string evidenceUri;
        address[] endorsers;
    }

    /// @notice An entry's state as views report it.
    struct EntryView {
        bool exists;
        bytes32 facilityId;
        uint8 kind;
        uint8 level;
        uint8 effectiveLevel;
        Status status;
        uint32 cadence;
        uint64 verifiedAt;
        uint64 lastHeartbeat;
        uint64 frozenUntil;
        uint16 openChallenges;
        /// Log index of the entry's latest EntrySet leaf: method, evidence hash and URI, endorsers.
        uint64 entryLeaf;
    }

    /// @notice What an entry's effective level is computed from (HardwareLevel.effective), as the registry
    /// pushes it to its listeners after every change. One slot. `level` 0: no entry.
    struct HardwareStatus {
        uint8 level;
        Status status;
        uint40 frozenUntil;
        uint40 lastHeartbeat;
        uint32 cadence;
    }

    /// @notice A challenge; `outcome` CHALLENGE_OPEN (0), CHALLENGE_DISMISSED (1) or CHALLENGE_UPHELD (2:
    /// the entry was revoked while it was open).
    /// `bond` is what the challenger paid; `bondSettled` is set once it went back to the challenger
    /// (upheld, `claimChallengeBond`) or to the Alliance (dismissed). Four storage slots.
    struct Challenge {
        bytes32 platformKey;
        address challenger;
        uint40 openedAt;
        uint40 closedAt;
        uint8 outcome;
        bool bondSettled;
        bytes32 evidenceHash;
        uint96 bond;
    }

    /// @notice A members' cosignature on a checkpoint (EIP-712, registry domain).
    struct Cosignature {
        address signer;
        bytes signature;
    }

    /// @notice The latest recorded checkpoint.
    struct Checkpoint {
        uint64 size;
        bytes32 rootHash;
        uint64 recordedAt;
    }

    event FacilitySet(bytes32 indexed facilityId);
    event StatusChanged(bytes32 indexed platformKey, Status status, uint64 until, bytes32 reasonHash);
    event HeartbeatPosted(bytes32 indexed platformKey, address indexed member, uint64 observedAt);
    event ChallengeOpened(uint256 indexed challengeId, bytes32 indexed platformKey, address indexed challenger);
    event ChallengeClosed(uint256 indexed challengeId, bytes32 indexed platformKey, uint8 outcome);
    event CheckpointRecorded(uint64 size, bytes32 rootHash, address[] signers);
    event FreezeWindowSet(uint64 window);
    event ListenerAdded(address indexed listener);
    event ListenerRemoved(address indexed listener);
    /// @notice A push of `platformKey` (0: the removal hook) to `listener` reverted or ran out of its allowance.
    event ListenerFailed(address indexed listener, bytes32 indexed platformKey);
    event ChallengeBondSet(uint256 bond);
    event ChallengeBondClaimed(uint256 indexed challengeId, address indexed challenger, uint256 amount);
    /// @notice A verification method's action, logged as a MethodAction leaf (type 9).
    event MethodActionLogged(bytes32 indexed platformKey, address indexed method, uint8 action, bytes32 evidenceHash);

    /// @notice The caller (or a signer) is not a current Alliance member.
    error NotMember(address account);
    /// @notice Kind is neither 1 (Intel PPID) nor 2 (AMD chip ID).
    error UnknownKind(uint8 kind);
    /// @notice The raw hardware ID has the wrong length for its kind.
    error InvalidRawIdLength(uint8 kind, uint256 length, uint256 expected);
    /// @notice Level outside 1..3, or level 3 without a cadence.
    error InvalidLevel(uint8 level, uint32 cadence);
    /// @notice A field of an input is out of range (zero key, future time, too many endorsers...).
    error InvalidField(string field);
    /// @notice The facility was never set.
    error UnknownFacility(bytes32 facilityId);
    /// @notice No entry under this key.
    error UnknownEntry(bytes32 platformKey);
    /// @notice An update tried to change the hardware kind of an entry.
    error KindMismatch(bytes32 platformKey, uint8 stored, uint8 given);
    /// @notice The entry is frozen (and the freeze has not lapsed).
    error EntryFrozen(bytes32 platformKey);
    /// @notice The entry is revoked; revocation is final.
    error EntryRevoked(bytes32 platformKey);
    /// @notice The entry is not frozen.
    error EntryNotFrozen(bytes32 platformKey);
    /// @notice Heartbeats are for level-3 (continuous monitoring) entries.
    error NotContinuouslyMonitored(bytes32 platformKey);
    /// @notice An endorser is not a current Alliance member.
    error EndorserNotMember(address endorser);
    /// @notice No such challenge.
    error UnknownChallenge(uint256 challengeId);
    /// @notice The challenge is already closed.
    error ChallengeNotOpen(uint256 challengeId);
    /// @notice The same member cosigned twice.
    error DuplicateSigner(address signer);
    /// @notice A cosignature does not verify (EOA or ERC-1271).
    error InvalidSignature(address signer);
    /// @notice Fewer distinct current members cosigned than the Alliance's ordinary threshold.
    error BelowThreshold(uint256 signers, uint256 required);
    /// @notice The checkpoint's size exceeds the log, or its root is not consistent with the current root.
    error InconsistentCheckpoint(uint64 size, bytes32 rootHash);
    /// @notice The checkpoint is older than the one already recorded.
    error StaleCheckpoint(uint64 size, uint64 recordedSize);
    /// @notice The registry already pushes to `max` listeners.
    error TooManyListeners(uint256 max);
    /// @notice The listener is already added (or is the zero address).
    error InvalidListener(address listener);
    /// @notice The listener is not (or no longer) one the registry pushes to.
    error UnknownListener(address listener);
    /// @notice Too little gas left to give a listener its full allowance; retry with a higher gas limit.
    error InsufficientGasForListeners(uint256 needed);
    /// @notice The entry's stored status is frozen (live or lapsed): only a majority renews a freeze (`confirmFreeze`).
    error FreezeNeedsMajority(bytes32 platformKey);
    /// @notice `challenge` must carry exactly the current challenge bond.
    error WrongChallengeBond(uint256 sent, uint256 required);
    /// @notice The entry already has the most open challenges a count can hold.
    error TooManyOpenChallenges(bytes32 platformKey);
    /// @notice Only an upheld challenge's bond is refunded.
    error ChallengeNotUpheld(uint256 challengeId);
    /// @notice The bond was already refunded.
    error BondAlreadyClaimed(uint256 challengeId);
    /// @notice Sending a bond to its recipient failed.
    error BondTransferFailed(address to, uint256 amount);
    /// @notice Only the MethodRegistry this registry created writes method actions.
    error NotMethodRegistry(address caller);

    // ---- governed: Alliance proposals only ----

    /// @notice Adds or updates facilities. Ordinary.
    function setFacilities(FacilityInput[] calldata facilities) external;
    /// @notice Adds or updates entries in one batch. Ordinary.
    function setEntries(EntryInput[] calldata entries) external;
    /// @notice Freezes entries pending investigation, lapsing after the freeze window; refuses entries
    /// whose stored status is frozen, lapsed or not (`FreezeNeedsMajority`). Emergency freeze.
    function freeze(bytes32[] calldata platformKeys, bytes32 reasonHash) external;
    /// @notice Freezes entries (or keeps them frozen) with no lapse, until `unfreeze` or `revoke`. Ordinary.
    function confirmFreeze(bytes32[] calldata platformKeys, bytes32 reasonHash) external;
    /// @notice Lifts a freeze, live or lapsed. Ordinary.
    function unfreeze(bytes32[] calldata platformKeys, bytes32 reasonHash) external;
    /// @notice Revokes entries for good, upholding their open challenges (in O(1)). Security-critical.
    function revoke(bytes32[] calldata platformKeys, bytes32 reasonHash) external;
    /// @notice Dismisses an open challenge; its bond goes to the Alliance. Ordinary.
    function dismissChallenge(uint256 challengeId) external;
    /// @notice Sets the bond later challenges must carry (wei, not 0). Security-critical.
    function setChallengeBond(uint96 bond) external;
    /// @notice Sets how long an emergency freeze lasts. Security-critical.
    function setFreezeWindow(uint64 window) external;
    /// @notice Adds a contract that mirrors entry status (e.g. a CvmRegistry): from now on every change
    /// to an existing entry's status is pushed to it, in the same transaction, with a bounded gas
    /// allowance. Security-critical, or the deployer while the log holds nothing but listener additions.
    function addListener(IHardwareListener listener) external;
    /// @notice Stops pushing to a listener, then calls its `onHardwareListenerRemoved` (a failure there is
    /// recorded, not propagated). Security-critical.
    function removeListener(IHardwareListener listener) external;

    // ---- members and anyone ----

    /// @notice Posts level-3 heartbeats for many entries; caller must be a current Alliance member.
    function heartbeat(bytes32[] calldata platformKeys) external;
    /// @notice Opens a challenge against an entry; anyone may call, sending exactly `challengeBond`.
    function challenge(bytes32 platformKey, bytes32 evidenceHash, string calldata evidenceUri)
        external
        payable
        returns (uint256 challengeId);
    /// @notice Pays an upheld challenge's bond back to its challenger, once; anyone may call.
    function claimChallengeBond(uint256 challengeId) external;
    /// @notice Records a checkpoint cosigned by at least the ordinary threshold of distinct current
    /// members; `consistencyProof` links (size, rootHash) to the current tree (empty when size is current).
    function recordCheckpoint(
        uint64 size,
        bytes32 rootHash,
        bytes32[] calldata consistencyProof,
        Cosignature[] calldata cosignatures
    ) external;

    // ---- verification methods (docs/hardware-registry.md#verification-methods) ----

    /// @notice Writes what a verification method verified (an entry, a heartbeat) or what the Alliance decided
    /// about a method, as one MethodAction leaf. Only `methodRegistry()` calls it, after checking the method's rights.
    function methodAction(IMethodRegistry.MethodAction calldata a) external;
    /// @notice The MethodRegistry this registry created: the methods that may write entries with no vote.
    function methodRegistry() external view returns (IMethodRegistry);

    // ---- views ----

    /// @notice platformKey = keccak256(abi.encode(salt, kind, rawId)), lengths checked.
    function platformKey(uint8 kind, bytes calldata rawId) external view returns (bytes32);
    /// @notice The entry's state, with effective level and status at this block.
    function getEntry(bytes32 platformKey) external view returns (EntryView memory);
    /// @notice Effective level: 0 if unknown, frozen or revoked; level 3 counts as 2 once the last
    /// heartbeat is older than twice the cadence.
    function levelOf(bytes32 platformKey) external view returns (uint8);
    /// @notice What the entry's effective level is computed from (all zero when there is no entry).
    function hardwareStatus(bytes32 platformKey) external view returns (HardwareStatus memory);
    /// @notice The contracts entry changes are pushed to, in the order they were added.
    function listeners() external view returns (IHardwareListener[] memory);
    /// @notice Whether the entry's effective level is >= minLevel and its freshest evidence (verification
    /// or heartbeat) is at most maxAge seconds old (maxAge 0: no age limit).
    function isVerified(bytes32 platformKey, uint8 minLevel, uint64 maxAge) external view returns (bool);
    /// @notice A facility.
    function getFacility(bytes32 facilityId) external view returns (Facility memory);
    /// @notice A challenge (an open challenge of a revoked entry reads as upheld, closed at the revocation).
    function getChallenge(uint256 challengeId) external view returns (Challenge memory);
    /// @notice Seconds a challenge has been open (or was open, once closed).
    function challengeAge(uint256 challengeId) external view returns (uint64);
    /// @notice Number of challenges ever opened.
    function challengeCount() external view returns (uint256);
    /// @notice The log's tree size.
    function logSize() external view returns (uint256);
    /// @notice The log's root hash (RFC 9162 MTH).
    function logRoot() external view returns (bytes32);
    /// @notice "proof-of-cloud:<chainId>:<registry address, lower-case hex>".
    function logOrigin() external view returns (string memory);
    /// @notice The EIP-712 digest members sign for a checkpoint.
    function hashCheckpoint(uint64 size, bytes32 rootHash) external view returns (bytes32);
    /// @notice The latest recorded checkpoint.
    function latestCheckpoint() external view returns (Checkpoint memory);
    /// @notice The deployment's public salt.
    function salt() external view returns (bytes32);
    /// @notice How long an emergency freeze lasts.
    function freezeWindow() external view returns (uint64);
    /// @notice The bond (wei) `challenge` must carry.
    function challengeBond() external view returns (uint96);
    /// @notice When a push of `platformKey` to `listener` last failed (0: never; key 0: its removal hook).
    function listenerFailedAt(IHardwareListener listener, bytes32 platformKey) external view returns (uint64);
}
