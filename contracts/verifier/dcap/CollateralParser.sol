// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TcbInfoParser} from "./TcbInfoParser.sol";
import {QeIdentityParser} from "./QeIdentityParser.sol";

/// @title CollateralParser
/// @notice Stateless reader of Intel's signed JSON collateral into compact forms, deployed on its own
/// so the collateral store stays under the EIP-170 size limit. Pure: anyone may call it to preview
/// what an upload would store.
contract CollateralParser {
    /// @notice Parses a TCB info JSON body (version 3) into (tee, fmspc, issueDate, nextUpdate, compact).
    function parseTcbInfo(bytes calldata json) external pure returns (TcbInfoParser.TcbInfo memory) {
        return TcbInfoParser.parse(json);
    }

    /// @notice Parses a QE identity JSON body into (id, issueDate, nextUpdate, compact).
    function parseQeIdentity(bytes calldata json) external pure returns (QeIdentityParser.QeIdentity memory) {
        return QeIdentityParser.parse(json);
    }
}
