// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAlliance} from "../interfaces/IAlliance.sol";

/// @title Quorum: how many supporters each proposal class needs over n current members.
/// @notice Ordinary floor(n/2)+1; security-critical ceil(2n/3); emergency freeze max(2, ceil(n/3)),
/// or 1 when n = 1. See docs/alliance.md.
library Quorum {
    /// @notice Supporters a proposal of class `c` needs when the Alliance has `n` current members.
    function threshold(IAlliance.ProposalClass c, uint256 n) internal pure returns (uint256) {
        if (c == IAlliance.ProposalClass.Ordinary) return n / 2 + 1;
        if (c == IAlliance.ProposalClass.SecurityCritical) return (2 * n + 2) / 3;
        if (n <= 1) return n;
        uint256 third = (n + 2) / 3;
        return third < 2 ? 2 : third;
    }

    /// @notice Whether `support` passes class `c` over `n` members; `chairSupports` says whether the
    /// chair in office is among the supporters (it breaks an exact n/2 tie on ordinary proposals).
    function passes(IAlliance.ProposalClass c, uint256 n, uint256 support, bool chairSupports)
        internal
        pure
        returns (bool)
    {
        if (support >= threshold(c, n)) return true;
        return c == IAlliance.ProposalClass.Ordinary && n % 2 == 0 && n > 0 && support == n / 2 && chairSupports;
    }
}
