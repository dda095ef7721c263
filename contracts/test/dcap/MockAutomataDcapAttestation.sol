// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAutomataDcapAttestation} from "../../interfaces/IAutomataDcapAttestation.sol";

/// @dev Test only: Automata's deployed verifier cannot run here (no live chain), so this returns
/// whatever (success, output) the test set, built from real fixture data in Automata's layout.
contract MockAutomataDcapAttestation is IAutomataDcapAttestation {
    bool private _success;
    bytes private _output;

    function set(bool success, bytes calldata output) external {
        _success = success;
        _output = output;
    }

    function verifyAndAttestOnChain(bytes calldata) external payable returns (bool, bytes memory) {
        return (_success, _output);
    }
}
