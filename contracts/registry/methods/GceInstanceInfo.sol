// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Der} from "../../verifier/lib/Der.sol";
import {X509} from "../../verifier/lib/X509.sol";
import {BytesRead} from "../../verifier/lib/BytesRead.sol";
import {IGceMethod} from "../../interfaces/IGceMethod.sol";

/// @title GceInstanceInfo: what a Google vTPM AK certificate says about the VM it was issued to.
/// @notice Extension 1.3.6.1.4.1.11129.2.1.21 (non-critical) holds
/// SEQUENCE { zone UTF8String, projectNumber INTEGER, projectId UTF8String, instanceId INTEGER,
/// instanceName UTF8String, [0] security properties }, layout in docs/hardware-registry.md#the-gce-method.
/// The SDK's `parseGceInstanceInfo` (sdk/src/tpm/gceInstanceInfo.ts) reads the same fields.
library GceInstanceInfo {
    struct Info {
        string zone;
        uint64 projectNumber;
        string projectId;
        uint64 instanceId;
        string instanceName;
        /// keccak256 of the certificate's serial number (content bytes): what the Alliance revokes by.
        bytes32 serialHash;
    }

    /// 1.3.6.1.4.1.11129.2.1.21, OID content bytes, left-aligned (10 bytes).
    bytes32 internal constant OID_GCE_INSTANCE_INFO = hex"2b06010401d679020115";
    uint8 internal constant UTF8_STRING = 0x0c;

    function parse(bytes memory der) internal view returns (Info memory info) {
        X509.Certificate memory c = X509.parse(der);
        info.serialHash = c.serialHash;
        uint256 value = X509.findExtension(der, c.extensions, OID_GCE_INSTANCE_INFO, 10);
        if (value == 0) revert IGceMethod.GceExtensionMissing();
        uint256 seq = Der.at(der, Der.start(value), Der.end(value));
        if (Der.tag(der, seq) != Der.SEQUENCE) revert IGceMethod.GceExtensionMalformed(Der.tagOffset(seq));
        uint256 n = Der.firstChild(der, seq);
        info.zone = _string(der, n);
        n = Der.next(der, n, seq);
        info.projectNumber = _uint64(der, n);
        n = Der.next(der, n, seq);
        info.projectId = _string(der, n);
        n = Der.next(der, n, seq);
        info.instanceId = _uint64(der, n);
        n = Der.next(der, n, seq);
        info.instanceName = _string(der, n);
    }

    function _string(bytes memory der, uint256 node) private view returns (string memory) {
        if (Der.tag(der, node) != UTF8_STRING) revert IGceMethod.GceExtensionMalformed(Der.tagOffset(node));
        return string(BytesRead.slice(der, Der.start(node), Der.length(node)));
    }

    function _uint64(bytes memory der, uint256 node) private pure returns (uint64) {
        if (Der.tag(der, node) != Der.INTEGER) revert IGceMethod.GceExtensionMalformed(Der.tagOffset(node));
        uint256 v = Der.uintValue(der, node);
        if (v > type(uint64).max) revert IGceMethod.GceExtensionMalformed(Der.tagOffset(node));
        return uint64(v);
    }
}
