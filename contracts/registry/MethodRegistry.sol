// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAlliance} from "../interfaces/IAlliance.sol";
import {AllianceGoverned} from "../governance/AllianceGoverned.sol";
import {
    IMethodRegistry,
    METHOD_ENROLLED,
    METHOD_HEARTBEAT,
    METHOD_REGISTERED,
    METHOD_SUSPENDED,
    METHOD_REMOVED
} from "../interfaces/IMethodRegistry.sol";
import {IHardwareRegistry} from "../interfaces/IHardwareRegistry.sol";

/// @title MethodRegistry: which verification methods may write registry entries with no vote, and how far.
/// @notice Created by the HardwareRegistry (the only contract it writes to), so its code does not weigh on
/// the registry's EIP-170 budget and the two know each other without a wiring vote. A method's rights come
/// from the Alliance's class table: registering and removing are security-critical, suspending is an
/// emergency freeze (ignition/callClasses.ts). docs/hardware-registry.md#verification-methods.
contract MethodRegistry is IMethodRegistry, AllianceGoverned {
    /// Facilities per method: a method places hardware in a few sites (a cloud region's), not hundreds.
    uint256 internal constant MAX_FACILITIES = 64;

    IHardwareRegistry private immutable _hardware;
    mapping(address => Method) private _methods;
    mapping(address => bytes32[]) private _facilityList;
    mapping(address => mapping(bytes32 => bool)) private _facilityAllowed;
    /// Evidence that already wrote an entry or a heartbeat: a method's freshness check has a window
    /// (e.g. 256 blocks), and inside it the same evidence must not count twice.
    mapping(bytes32 => bool) public evidenceUsed;

    constructor(IAlliance alliance_, IHardwareRegistry hardware_) AllianceGoverned(alliance_) {
        _hardware = hardware_;
    }

    // ---------------------------------------------------------------- governed

    /// @inheritdoc IMethodRegistry
    function registerMethod(address method, uint8 maxLevel, bytes32[] calldata facilityIds) external onlyAlliance {
        if (method == address(0) || maxLevel == 0 || maxLevel > 3 || facilityIds.length > MAX_FACILITIES) {
            revert InvalidMethod(method, maxLevel);
        }
        _clearFacilities(method);
        for (uint256 i = 0; i < facilityIds.length; i++) {
            _facilityAllowed[method][facilityIds[i]] = true;
        }
        _facilityList[method] = facilityIds;
        _methods[method] = Method(MethodStatus.Active, maxLevel, uint40(block.timestamp));
        _log(METHOD_REGISTERED, method, keccak256(abi.encode(facilityIds)), maxLevel);
        emit MethodRegistered(method, maxLevel, facilityIds);
    }

    /// @inheritdoc IMethodRegistry
    function suspendMethod(address method, bytes32 reasonHash) external onlyAlliance {
        Method storage m = _known(method);
        m.status = MethodStatus.Suspended;
        _log(METHOD_SUSPENDED, method, reasonHash, m.maxLevel);
        emit MethodSuspended(method, reasonHash);
    }

    /// @inheritdoc IMethodRegistry
    function removeMethod(address method, bytes32 reasonHash) external onlyAlliance {
        _known(method);
        _clearFacilities(method);
        delete _methods[method];
        _log(METHOD_REMOVED, method, reasonHash, 0);
        emit MethodRemoved(method, reasonHash);
    }

    // ---------------------------------------------------------------- methods

    /// @inheritdoc IMethodRegistry
    function enrol(bytes32 platformKey, uint8 kind, bytes32 facilityId, uint8 level, uint32 cadence, bytes32 evidenceHash)
        external
    {
        Method memory m = _active(msg.sender);
        if (level > m.maxLevel) revert LevelAboveMethod(msg.sender, level, m.maxLevel);
        if (!_facilityAllowed[msg.sender][facilityId]) revert FacilityNotAllowed(msg.sender, facilityId);
        _consume(evidenceHash);
        _hardware.methodAction(
            MethodAction(METHOD_ENROLLED, msg.sender, platformKey, evidenceHash, facilityId, kind, level, cadence)
        );
    }

    /// @inheritdoc IMethodRegistry
    function refresh(bytes32 platformKey, bytes32 evidenceHash) external {
        Method memory m = _active(msg.sender);
        // A heartbeat is what keeps level 3: only a method trusted with level 3 may post one.
        if (m.maxLevel < 3) revert LevelAboveMethod(msg.sender, 3, m.maxLevel);
        _consume(evidenceHash);
        _hardware.methodAction(MethodAction(METHOD_HEARTBEAT, msg.sender, platformKey, evidenceHash, 0, 0, 3, 0));
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IMethodRegistry
    function canRefresh(address method) external view returns (bool) {
        Method memory m = _methods[method];
        return m.status == MethodStatus.Active && m.maxLevel == 3;
    }

    /// @inheritdoc IMethodRegistry
    function hardwareRegistry() external view returns (address) {
        return address(_hardware);
    }

    /// @inheritdoc IMethodRegistry
    function getMethod(address method) external view returns (Method memory) {
        return _methods[method];
    }

    /// @inheritdoc IMethodRegistry
    function facilities(address method) external view returns (bytes32[] memory) {
        return _facilityList[method];
    }

    /// @inheritdoc IMethodRegistry
    function facilityAllowed(address method, bytes32 facilityId) external view returns (bool) {
        return _facilityAllowed[method][facilityId];
    }

    // ---------------------------------------------------------------- internals

    function _known(address method) private view returns (Method storage m) {
        m = _methods[method];
        if (m.status == MethodStatus.None) revert UnknownMethod(method);
    }

    function _active(address method) private view returns (Method memory m) {
        m = _methods[method];
        if (m.status == MethodStatus.None) revert UnknownMethod(method);
        if (m.status == MethodStatus.Suspended) revert MethodIsSuspended(method);
    }

    function _consume(bytes32 evidenceHash) private {
        if (evidenceUsed[evidenceHash]) revert EvidenceReplayed(evidenceHash);
        evidenceUsed[evidenceHash] = true;
    }

    function _clearFacilities(address method) private {
        bytes32[] storage list = _facilityList[method];
        for (uint256 i = 0; i < list.length; i++) {
            delete _facilityAllowed[method][list[i]];
        }
        delete _facilityList[method];
    }

    function _log(uint8 action, address method, bytes32 evidenceHash, uint8 level) private {
        _hardware.methodAction(
            MethodAction(action, method, bytes32(uint256(uint160(method))), evidenceHash, 0, 0, level, 0)
        );
    }
}
