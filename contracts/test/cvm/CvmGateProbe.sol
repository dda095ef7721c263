// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ICvmRegistry} from "../../interfaces/ICvmRegistry.sol";
import {CvmGate} from "../../cvm/CvmGate.sol";

/// @notice Test-only: measures the gas of one gate check (`_checkAttestedCvm`) from a cold start.
contract CvmGateProbe is CvmGate {
    CvmPolicy internal _policy;

    constructor(ICvmRegistry registry, bytes32 allowed, uint8 minLevel, uint64 maxAge) CvmGate(registry) {
        _setPolicyMeasurement(_policy, allowed, true);
        _setPolicyLimits(_policy, minLevel, maxAge);
    }

    function measure(address identity) external view returns (uint256 gasUsed) {
        uint256 start = gasleft();
        _checkAttestedCvm(identity, _policy);
        gasUsed = start - gasleft();
    }
}
