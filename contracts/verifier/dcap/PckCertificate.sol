// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Der} from "../lib/Der.sol";
import {X509} from "../lib/X509.sol";
import {IQuoteVerifier} from "../../interfaces/IQuoteVerifier.sol";

/// @notice The platform identity Intel writes into a PCK certificate's SGX extension
/// (OID 1.2.840.113741.1.13.1): PPID, CPUSVN, PCESVN, PCE ID and FMSPC.
library PckCertificate {
    struct PckIdentity {
        bytes16 ppid;
        bytes16 cpuSvn;
        uint16 pceSvn;
        bytes2 pceId;
        bytes6 fmspc;
    }

    // 1.2.840.113741.1.13.1 and its children, OID content bytes left-aligned
    bytes32 private constant OID_SGX = hex"2a864886f84d010d01";
    bytes32 private constant OID_PPID = hex"2a864886f84d010d0101";
    bytes32 private constant OID_TCB = hex"2a864886f84d010d0102";
    bytes32 private constant OID_PCEID = hex"2a864886f84d010d0103";
    bytes32 private constant OID_FMSPC = hex"2a864886f84d010d0104";
    bytes32 private constant OID_PCESVN = hex"2a864886f84d010d010211";
    bytes32 private constant OID_CPUSVN = hex"2a864886f84d010d010212";

    function identity(bytes memory der, X509.Certificate memory c) internal pure returns (PckIdentity memory id) {
        uint256 ext = X509.findExtension(der, c.extensions, OID_SGX, 9);
        if (ext == 0) revert IQuoteVerifier.MissingSgxExtension("sgx extension");
        uint256 seq = Der.at(der, Der.start(ext), Der.end(ext));
        uint256 seen;
        uint256 item = _firstEntry(der, seq);
        while (true) {
            (uint256 oid, uint256 value) = _entry(der, item);
            if (Der.isOid(der, oid, OID_PPID, 10)) {
                id.ppid = bytes16(_octets(der, value, 16));
                seen |= 1;
            } else if (Der.isOid(der, oid, OID_TCB, 10)) {
                (id.cpuSvn, id.pceSvn) = _tcb(der, value);
                seen |= 2;
            } else if (Der.isOid(der, oid, OID_PCEID, 10)) {
                id.pceId = bytes2(_octets(der, value, 2));
                seen |= 4;
            } else if (Der.isOid(der, oid, OID_FMSPC, 10)) {
                id.fmspc = bytes6(_octets(der, value, 6));
                seen |= 8;
            }
            if (!Der.hasNext(item, seq)) break;
            item = Der.sibling(der, item, seq, Der.SEQUENCE);
        }
        if (seen & 1 == 0) revert IQuoteVerifier.MissingSgxExtension("ppid");
        if (seen & 2 == 0) revert IQuoteVerifier.MissingSgxExtension("tcb");
        if (seen & 4 == 0) revert IQuoteVerifier.MissingSgxExtension("pceid");
        if (seen & 8 == 0) revert IQuoteVerifier.MissingSgxExtension("fmspc");
    }

    function _tcb(bytes memory der, uint256 seq) private pure returns (bytes16 cpuSvn, uint16 pceSvn) {
        uint256 seen;
        uint256 item = _firstEntry(der, seq);
        while (true) {
            (uint256 oid, uint256 value) = _entry(der, item);
            if (Der.isOid(der, oid, OID_PCESVN, 11)) {
                uint256 v = Der.uintValue(der, value);
                if (v > type(uint16).max) revert IQuoteVerifier.MissingSgxExtension("pcesvn");
                pceSvn = uint16(v);
                seen |= 1;
            } else if (Der.isOid(der, oid, OID_CPUSVN, 11)) {
                cpuSvn = bytes16(_octets(der, value, 16));
                seen |= 2;
            }
            if (!Der.hasNext(item, seq)) break;
            item = Der.sibling(der, item, seq, Der.SEQUENCE);
        }
        if (seen != 3) revert IQuoteVerifier.MissingSgxExtension("cpusvn/pcesvn");
    }

    /// @dev The first entry of `seq`, a SEQUENCE of SEQUENCE { OID, value } (the SGX extension's shape).
    function _firstEntry(bytes memory der, uint256 seq) private pure returns (uint256) {
        Der.expectTag(der, seq, Der.SEQUENCE);
        return Der.child(der, seq, Der.SEQUENCE);
    }

    /// @dev An entry's OID and the value after it.
    function _entry(bytes memory der, uint256 item) private pure returns (uint256 oid, uint256 value) {
        oid = Der.child(der, item, Der.OID);
        value = Der.next(der, oid, item);
    }

    function _octets(bytes memory der, uint256 node, uint256 n) private pure returns (bytes32) {
        Der.expectTag(der, node, Der.OCTET_STRING);
        if (Der.length(node) != n) revert Der.DerMalformed(Der.tagOffset(node));
        return Der.contentWord(der, node);
    }
}
