// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IHardwareRegistry} from "../interfaces/IHardwareRegistry.sol";

/// @title GasProbe (test only): measures the gas a dApp pays for one cold `isVerified` call.
contract GasProbe {
    /// @notice Gas used by `registry.isVerified(key, minLevel, maxAge)` called from a contract.
    function measureIsVerified(IHardwareRegistry registry, bytes32 key, uint8 minLevel, uint64 maxAge)
        external
        view
        returns (uint256 gasUsed, bool verified)
    {
        uint256 before = gasleft();
        verified = registry.isVerified(key, minLevel, maxAge);
        gasUsed = before - gasleft();
    }
}
