// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {CvmRegistry} from "../cvm/CvmRegistry.sol";
import {IAlliance} from "../interfaces/IAlliance.sol";
import {IHardwareRegistry} from "../interfaces/IHardwareRegistry.sol";
import {IWorkloadVerifier} from "../interfaces/IWorkloadVerifier.sol";

/// @notice Test-only: the real CvmRegistry whose hardware pushes always fail, to show that the
/// HardwareRegistry's change still holds and that the failing mirror then reads the hardware as unknown.
contract FailingCvmRegistry is CvmRegistry {
    error PushRefused();

    constructor(
        IAlliance alliance_,
        IHardwareRegistry hardwareRegistry_,
        IWorkloadVerifier verifier,
        uint32 maxTeeTtl,
        uint32 maxTpmTtl,
        uint8 minHardwareLevel
    ) CvmRegistry(alliance_, hardwareRegistry_, verifier, maxTeeTtl, maxTpmTtl, minHardwareLevel) {}

    function onHardwareChanged(bytes32, IHardwareRegistry.HardwareStatus memory) external pure override {
        revert PushRefused();
    }
}
