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

    bytes32 private constant OID_SGX = hex"2a864886f84d010d01"; // 1.2.840.113741.1.13.1, content left-aligned
    // The entries' OID TLVs (tag 06, short length, content), left-aligned: one masked word compare
    // per entry instead of tag, length and content reads. Equal to Der.isOid since Der.at refuses a
    // non-shortest length.
    bytes32 private constant TLV_PPID = hex"060a2a864886f84d010d0101"; // .1
    bytes32 private constant TLV_TCB = hex"060a2a864886f84d010d0102"; // .2
    bytes32 private constant TLV_PCEID = hex"060a2a864886f84d010d0103"; // .3
    bytes32 private constant TLV_FMSPC = hex"060a2a864886f84d010d0104"; // .4
    bytes32 private constant TLV_PCESVN = hex"060b2a864886f84d010d010211"; // .2.17
    bytes32 private constant TLV_CPUSVN = hex"060b2a864886f84d010d010212"; // .2.18
    bytes32 private constant MASK_12 = hex"ffffffffffffffffffffffff";
    bytes32 private constant MASK_13 = hex"ffffffffffffffffffffffffff";

    function identity(bytes memory der, X509.Certificate memory c) internal pure returns (PckIdentity memory id) {
        uint256 ext = X509.findExtension(der, c.extensions, OID_SGX, 9);
        if (ext == 0) revert IQuoteVerifier.MissingSgxExtension("sgx extension");
        uint256 seq = Der.at(der, Der.start(ext), Der.end(ext));
        uint256 seen;
        uint256 item = _firstEntry(der, seq);
        while (true) {
            (bytes32 key, uint256 value) = _entry(der, item);
            bytes32 k12 = key & MASK_12;
            if (k12 == TLV_PPID) {
                id.ppid = bytes16(_octets(der, value, 16));
                seen |= 1;
            } else if (k12 == TLV_TCB) {
                (id.cpuSvn, id.pceSvn) = _tcb(der, value);
                seen |= 2;
            } else if (k12 == TLV_PCEID) {
                id.pceId = bytes2(_octets(der, value, 2));
                seen |= 4;
            } else if (k12 == TLV_FMSPC) {
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
            (bytes32 key, uint256 value) = _entry(der, item);
            bytes32 k13 = key & MASK_13;
            if (k13 == TLV_PCESVN) {
                uint256 v = Der.uintValue(der, value);
                if (v > type(uint16).max) revert IQuoteVerifier.MissingSgxExtension("pcesvn");
                pceSvn = uint16(v);
                seen |= 1;
            } else if (k13 == TLV_CPUSVN) {
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

    /// @dev An entry's OID TLV word (its first 32 bytes from the tag on) and the value after it.
    function _entry(bytes memory der, uint256 item) private pure returns (bytes32 key, uint256 value) {
        uint256 oid = Der.child(der, item, Der.OID);
        value = Der.next(der, oid, item);
        // the OID node lies inside `der`; bytes past its end are masked off by the caller's compare
        // only when the TLV is at least that long, which the tag and length bytes of the compare ensure
        assembly ("memory-safe") {
            key := mload(add(add(der, 32), and(oid, 0xffffffffffffffff)))
        }
    }

    function _octets(bytes memory der, uint256 node, uint256 n) private pure returns (bytes32) {
        Der.expectTag(der, node, Der.OCTET_STRING);
        if (Der.length(node) != n) revert Der.DerMalformed(Der.tagOffset(node));
        return Der.contentWord(der, node);
    }
}
