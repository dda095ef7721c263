// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAlliance} from "../../interfaces/IAlliance.sol";

/// @title AllianceGoverned
/// @notice Functions only an executing Alliance proposal of at least a given class may call (the
/// check HardwareRegistry makes): msg.sender is the Alliance and its executingClass() is strong enough.
abstract contract AllianceGoverned {
    /// @notice The governing Alliance.
    IAlliance public immutable alliance;

    constructor(IAlliance alliance_) {
        alliance = alliance_;
    }

    modifier onlyAlliance(IAlliance.ProposalClass required) {
        _checkAlliance(required);
        _;
    }

    function _checkAlliance(IAlliance.ProposalClass required) internal view {
        if (msg.sender != address(alliance)) _revertNotAlliance(msg.sender);
        IAlliance.ProposalClass actual = alliance.executingClass();
        if (uint8(actual) < uint8(required)) _revertClassTooWeak(required, actual);
    }

    /// @dev Each contract raises the error its own interface declares.
    function _revertNotAlliance(address caller) internal pure virtual;

    function _revertClassTooWeak(IAlliance.ProposalClass required, IAlliance.ProposalClass actual) internal pure virtual;
}
