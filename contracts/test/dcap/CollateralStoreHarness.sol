// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {CollateralStore} from "../../verifier/dcap/CollateralStore.sol";
import {CollateralParser} from "../../verifier/dcap/CollateralParser.sol";

/// @dev Test only. Intel's CRL signing keys are not available here, so a CRL revoking one of the
/// fixtures' real PCK certificates cannot be produced: this harness marks a serial revoked in the
/// issuer's current CRL generation, exactly where an uploaded CRL entry would land.
contract CollateralStoreHarness is CollateralStore {
    constructor(bytes32 rootCertHash_, CollateralParser parser_) CollateralStore(rootCertHash_, parser_) {}

    function revokeForTest(CaRole issuer, bytes32 serialHash) external {
        _revoked[_revocationKey(issuer, _crls[issuer].generation, serialHash)] = true;
    }
}
