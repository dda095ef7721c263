// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAlliance} from "../interfaces/IAlliance.sol";
import {IAllianceGoverned} from "../interfaces/IAllianceGoverned.sol";

/// @title ClassProbe (test only): a governed target that records which class executed it.
contract ClassProbe {
    IAlliance public immutable alliance;
    // One slot, so the bench's execution cost is mostly the Alliance's own.
    uint248 public calls;
    IAlliance.ProposalClass public lastClass;

    event Probed(IAlliance.ProposalClass proposalClass, uint256 value);

    constructor(IAlliance alliance_) {
        alliance = alliance_;
    }

    /// @notice Records the executing class; only the Alliance may call.
    function probe() external payable {
        if (msg.sender != address(alliance)) revert IAllianceGoverned.NotAlliance(msg.sender);
        lastClass = alliance.executingClass();
        calls += 1;
        emit Probed(lastClass, msg.value);
    }
}
