// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAllianceGoverned} from "./IAllianceGoverned.sol";

// What a MethodAction log leaf (type 9) records: docs/transparency-log.md, docs/hardware-registry.md#verification-methods.
uint8 constant METHOD_ENROLLED = 1;
uint8 constant METHOD_HEARTBEAT = 2;
uint8 constant METHOD_REGISTERED = 3;
uint8 constant METHOD_SUSPENDED = 4;
uint8 constant METHOD_REMOVED = 5;

/// @title IMethodRegistry: the verification methods the Alliance lets add or refresh registry entries with no vote.
/// @notice A method is a contract that verifies cryptographic evidence of where hardware is (e.g. GceMethod).
/// The Alliance registers it (security-critical) with the highest level it may grant and the facilities it
/// may place hardware in, suspends it (emergency freeze) and removes it (security-critical). Every method
/// action is one MethodAction leaf of the HardwareRegistry's log naming the method and the evidence hash.
/// The HardwareRegistry creates this contract; see docs/hardware-registry.md#verification-methods.
interface IMethodRegistry is IAllianceGoverned {
    enum MethodStatus {
        None,
        Active,
        Suspended
    }

    /// @notice A method as stored: the highest level it may grant (3 lets it also post heartbeats).
    struct Method {
        MethodStatus status;
        uint8 maxLevel;
        uint40 registeredAt;
    }

    /// @notice What a method asks the registry to write (as the MethodAction leaf records it).
    struct MethodAction {
        uint8 action; // METHOD_ENROLLED or METHOD_HEARTBEAT from a method; the others from governance
        address method;
        bytes32 platformKey; // for register / suspend / remove: the method's address
        bytes32 evidenceHash; // register: keccak256(abi.encode(facilityIds)); suspend / remove: the reason hash
        bytes32 facilityId;
        uint8 kind;
        uint8 level; // register: the method's maxLevel
        uint32 cadence;
    }

    event MethodRegistered(address indexed method, uint8 maxLevel, bytes32[] facilityIds);
    event MethodSuspended(address indexed method, bytes32 reasonHash);
    event MethodRemoved(address indexed method, bytes32 reasonHash);

    /// @notice The caller (or argument) is not a registered method.
    error UnknownMethod(address method);
    /// @notice The method is suspended: it may neither enrol nor refresh until registered again.
    error MethodIsSuspended(address method);
    /// @notice A method asked for a level above the one it was registered with.
    error LevelAboveMethod(address method, uint8 level, uint8 maxLevel);
    /// @notice A method tried to place hardware in a facility it was not registered for.
    error FacilityNotAllowed(address method, bytes32 facilityId);
    /// @notice This evidence already enrolled or refreshed an entry.
    error EvidenceReplayed(bytes32 evidenceHash);
    /// @notice maxLevel outside 1..3, a zero method address, or too many facilities.
    error InvalidMethod(address method, uint8 maxLevel);

    /// @notice Registers (or re-registers, resuming it) a method with its level cap and facilities. Security-critical.
    function registerMethod(address method, uint8 maxLevel, bytes32[] calldata facilityIds) external;
    /// @notice Stops a method from enrolling or refreshing; entries it made stay as they are. Emergency freeze.
    function suspendMethod(address method, bytes32 reasonHash) external;
    /// @notice Forgets a method (a new registration is a new vote). Security-critical.
    function removeMethod(address method, bytes32 reasonHash) external;

    /// @notice Called by a method once its evidence verified: adds or updates the entry (no vote).
    function enrol(bytes32 platformKey, uint8 kind, bytes32 facilityId, uint8 level, uint32 cadence, bytes32 evidenceHash)
        external;
    /// @notice Called by a method (maxLevel 3) once fresh evidence from the hardware verified: a heartbeat.
    function refresh(bytes32 platformKey, bytes32 evidenceHash) external;

    /// @notice Whether `method` may post heartbeats now (registered, not suspended, maxLevel 3).
    function canRefresh(address method) external view returns (bool);
    function hardwareRegistry() external view returns (address);
    function getMethod(address method) external view returns (Method memory);
    function facilities(address method) external view returns (bytes32[] memory);
    function facilityAllowed(address method, bytes32 facilityId) external view returns (bool);
    function evidenceUsed(bytes32 evidenceHash) external view returns (bool);
}
