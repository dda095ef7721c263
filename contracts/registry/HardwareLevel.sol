// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IHardwareRegistry} from "../interfaces/IHardwareRegistry.sol";

/// @title HardwareLevel
/// @notice The one rule for an entry's effective Proof-of-Cloud level, shared by the HardwareRegistry
/// and the registries that mirror it (docs/hardware-registry.md#effective-level).
library HardwareLevel {
    /// @notice 0 when there is no entry, it is revoked, or it is frozen (a freeze lapses by itself at
    /// `frozenUntil`); a level-3 entry counts as 2 once its last heartbeat is older than twice its cadence.
    function effective(IHardwareRegistry.HardwareStatus memory s) internal view returns (uint8) {
        return effective(s.level, s.status, s.frozenUntil, s.lastHeartbeat, s.cadence);
    }

    /// @notice The same rule on the status's fields, for callers that decode a packed slot themselves.
    function effective(
        uint8 level,
        IHardwareRegistry.Status status,
        uint256 frozenUntil,
        uint256 lastHeartbeat,
        uint256 cadence
    ) internal view returns (uint8) {
        if (status == IHardwareRegistry.Status.Revoked) return 0;
        if (status == IHardwareRegistry.Status.Frozen && block.timestamp < frozenUntil) return 0;
        if (level == 3 && block.timestamp - lastHeartbeat > 2 * cadence) return 2;
        return level;
    }
}
