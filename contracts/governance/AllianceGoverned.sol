// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAlliance} from "../interfaces/IAlliance.sol";
import {IAllianceGoverned} from "../interfaces/IAllianceGoverned.sol";

/// @title AllianceGoverned: the one `onlyAlliance` check every governed contract uses.
/// @notice Which proposal class may call which function is not decided here: the Alliance checks
/// every call of a proposal against its class table before running it (IAlliance.callClass), so a
/// governed function only needs to know that its caller is the Alliance, in the spirit of
/// OpenZeppelin's AccessManager `restricted`. See docs/alliance.md, "Class table".
abstract contract AllianceGoverned is IAllianceGoverned {
    /// @inheritdoc IAllianceGoverned
    IAlliance public immutable alliance;

    constructor(IAlliance alliance_) {
        alliance = alliance_;
    }

    /// @dev Only a call made by an executing Alliance proposal (the Alliance makes no other calls).
    modifier onlyAlliance() {
        _checkAlliance();
        _;
    }

    function _checkAlliance() internal view {
        if (msg.sender != address(alliance)) revert NotAlliance(msg.sender);
    }
}
