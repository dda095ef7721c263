// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IQuoteVerifier} from "../interfaces/IQuoteVerifier.sol";

/// @title TcbStatusRank
/// @notice The one definition of how strong each Intel TCB status is, strongest first (docs/cvm-registry.md#tcb-status).
/// Status codes (IQuoteVerifier.TcbStatus) are a wire format shared with the verifiers and the SDK, and
/// other verifiers number them differently (Automata swaps 2 and 3); policies compare ranks, never codes.
/// The SDK mirrors this table in `tcbStatusRank` (sdk/src/chain/cvmRegistry.ts; a test holds them equal).
library TcbStatusRank {
    /// Byte `code` of RANKS, counted from the low end, is the rank of status `code` (0 strongest).
    /// A literal, because every gated call ranks two statuses and an expression is evaluated per use.
    ///   code  status                               rank
    ///   0     UpToDate                              0
    ///   1     SWHardeningNeeded                     1  patched; software in the TEE should add mitigations
    ///   2     ConfigurationNeeded                   2  patched, but the platform's configuration (e.g. BIOS) exposes it
    ///   3     ConfigurationAndSWHardeningNeeded     3
    ///   4     OutOfDate                             4  a TCB recovery is missing: known vulnerabilities unpatched
    ///   5     OutOfDateConfigurationNeeded          5
    ///   6     Revoked                               NEVER
    uint256 private constant RANKS = 0xff_05_04_03_02_01_00;
    uint8 private constant NEVER = type(uint8).max;
    uint8 private constant CODES = 7; // IQuoteVerifier.TcbStatus has 7 members

    /// @notice The rank of a TCB status code: 0 for the strongest; Revoked and codes this table does
    /// not know rank 255, below anything a policy can name.
    function rank(uint8 status) internal pure returns (uint256 r) {
        unchecked {
            r = status < CODES ? (RANKS >> (uint256(status) << 3)) & 0xff : NEVER;
        }
    }
}
