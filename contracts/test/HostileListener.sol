// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IHardwareListener} from "../interfaces/IHardwareListener.sol";
import {IHardwareRegistry} from "../interfaces/IHardwareRegistry.sol";

/// @notice Test-only: a listener that attacks the registry pushing to it, to show it cannot block changes.
/// Mode 0 burns all the gas it is given, mode 1 reverts with ~150 KB of return data (what a caller that
/// copies it would pay for in memory), both on pushes and on its removal; the feed-lost hook is polite.
contract HostileListener is IHardwareListener {
    uint8 public mode;
    uint256 public feedLost;

    function setMode(uint8 m) external {
        mode = m;
    }

    function onHardwareListenerAdded() external {}

    function onHardwareChanged(bytes32, IHardwareRegistry.HardwareStatus calldata) external view {
        _attack();
    }

    function onHardwareListenerRemoved() external view {
        _attack();
    }

    function onHardwareFeedLost(bytes32) external {
        feedLost += 1;
    }

    function _attack() private view {
        if (mode == 1) {
            assembly {
                revert(0, 150000)
            }
        }
        while (gasleft() > 0) {}
    }
}
