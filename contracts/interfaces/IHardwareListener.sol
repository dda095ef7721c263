// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IHardwareRegistry} from "./IHardwareRegistry.sol";

/// @title IHardwareListener
/// @notice A contract the HardwareRegistry pushes entry status to, so it can answer "is this hardware
/// still good?" from its own storage instead of a cross-contract call per check (docs/hardware-registry.md#listeners).
/// Every call comes from the HardwareRegistry only, with a bounded gas allowance. A listener that
/// reverts or runs out of gas never blocks the registry's own change: the registry records the
/// failure (`ListenerFailed`, `listenerFailedAt`) and tells the listener to forget that hardware.
interface IHardwareListener {
    /// @notice Called once, when the registry adds this listener: pushes reach it from now on.
    function onHardwareListenerAdded() external;

    /// @notice Called once, when the Alliance removes this listener (security-critical): no push reaches
    /// it any more, so it must stop relying on its mirror. A revert here is recorded, not propagated.
    function onHardwareListenerRemoved() external;

    /// @notice Called after every change to an existing entry's status (update, freeze, unfreeze,
    /// revocation, heartbeat), with the status as it now stands. New entries are not pushed.
    function onHardwareChanged(bytes32 platformKey, IHardwareRegistry.HardwareStatus calldata status) external;

    /// @notice Called when `onHardwareChanged` for this key reverted or ran out of its allowance: the
    /// listener's view of that hardware is stale and must read as unknown until it re-reads the registry.
    function onHardwareFeedLost(bytes32 platformKey) external;
}
