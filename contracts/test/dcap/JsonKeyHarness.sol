// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Json} from "../../verifier/lib/Json.sol";

/// @title JsonKeyHarness (test only): `Json.key` (one assembly pass) against the composition it
/// replaced (`str` then `expect(":")`), so a test can check both give the same result or the same
/// `JsonMalformed` offset on any input.
contract JsonKeyHarness {
    function key(bytes memory s, uint256 p) external pure returns (bytes32 h, uint256 q) {
        return Json.key(s, p);
    }

    function keyReference(bytes memory s, uint256 p) external pure returns (bytes32 h, uint256 q) {
        (h,, q) = Json.strHash(s, p);
        q = Json.expect(s, q, ":");
    }
}
