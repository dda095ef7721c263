// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IWorkloadVerifier} from "../../interfaces/IWorkloadVerifier.sol";

/// @title Measurement
/// @notice The golden-measurement hash: the EIP-712 struct hash of
/// `Measurement(uint8 teeType,bytes teeRegisters,uint16 pcrHashAlg,uint32 pcrMask,bytes pcrValues)`
/// (docs/workload.md). RTMR3 is left out so runtime extensions and reboots don't change it.
library Measurement {
    bytes32 internal constant TYPEHASH =
        keccak256("Measurement(uint8 teeType,bytes teeRegisters,uint16 pcrHashAlg,uint32 pcrMask,bytes pcrValues)");

    function hash(
        IWorkloadVerifier.TeeType teeType,
        bytes32 teeRegistersHash,
        uint16 pcrHashAlg,
        uint32 pcrMask,
        bytes32 pcrValuesHash
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(TYPEHASH, uint8(teeType), teeRegistersHash, pcrHashAlg, pcrMask, pcrValuesHash));
    }
}
