// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAlliance} from "./IAlliance.sol";

/// @title IAllianceGoverned: a contract whose governed functions only the Alliance may call.
/// @notice The Alliance decides which proposal class may reach each governed function, in its class
/// table (IAlliance.callClass); the governed contract only checks that the caller is the Alliance.
/// See docs/alliance.md, "Class table".
interface IAllianceGoverned {
    /// @notice A governed function was called by someone other than the Alliance.
    error NotAlliance(address caller);

    /// @notice The Alliance that governs this contract.
    function alliance() external view returns (IAlliance);
}
