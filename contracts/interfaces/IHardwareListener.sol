// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IHardwareRegistry} from "./IHardwareRegistry.sol";

/// @title IHardwareListener
/// @notice A contract the HardwareRegistry pushes entry status to, so it can answer "is this hardware
/// still good?" from its own storage instead of a cross-contract call per check (docs/hardware-registry.md#listeners).
/// Both calls come from the HardwareRegistry only; a listener that reverts makes the registry change revert.
interface IHardwareListener {
    /// @notice Called once, when the registry adds this listener: pushes reach it from now on.
    function onHardwareListenerAdded() external;

    /// @notice Called after every change to an existing entry's status (update, freeze, unfreeze,
    /// revocation, heartbeat), with the status as it now stands. New entries are not pushed.
    function onHardwareChanged(bytes32 platformKey, IHardwareRegistry.HardwareStatus calldata status) external;
}
