// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IHardwareListener} from "../interfaces/IHardwareListener.sol";
import {IHardwareRegistry} from "../interfaces/IHardwareRegistry.sol";

/// @notice Test-only: records what a HardwareRegistry pushes, and can be told to refuse pushes.
contract RecordingListener is IHardwareListener {
    error Refused();

    bool public refuse;
    bool public added;
    uint256 public pushes;
    bytes32 public lastKey;
    IHardwareRegistry.HardwareStatus internal _last;

    function setRefuse(bool on) external {
        refuse = on;
    }

    function onHardwareListenerAdded() external {
        added = true;
    }

    function onHardwareChanged(bytes32 platformKey, IHardwareRegistry.HardwareStatus calldata status) external {
        if (refuse) revert Refused();
        pushes += 1;
        lastKey = platformKey;
        _last = status;
    }

    uint256 public feedLost;
    bool public removed;

    function onHardwareListenerRemoved() external {
        removed = true;
    }

    function onHardwareFeedLost(bytes32) external {
        feedLost += 1;
    }

    function last() external view returns (IHardwareRegistry.HardwareStatus memory) {
        return _last;
    }
}
