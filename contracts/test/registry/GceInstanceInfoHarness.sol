// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {GceInstanceInfo} from "../../registry/methods/GceInstanceInfo.sol";

/// Test-only: exposes GceInstanceInfo.parse so the Solidity and SDK readers are compared on the same certificates.
contract GceInstanceInfoHarness {
    function parse(bytes calldata der) external view returns (GceInstanceInfo.Info memory) {
        return GceInstanceInfo.parse(der);
    }
}
