// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BytesRead} from "../lib/BytesRead.sol";
import {IQuoteVerifier} from "../../interfaces/IQuoteVerifier.sol";

/// @notice Intel DCAP quote layouts (SGX v3, TDX v4, TDX v5 with TD 1.0 / 1.5 bodies) as offsets into
/// the quote bytes; nothing is copied. Strict: every size field must add up to the quote's length.
/// Layouts: docs/intel-quote.md; the compressed form (certification data type 0x0100): docs/onchain-dcap.md.
library QuoteParser {
    uint256 internal constant HEADER_LEN = 48;
    uint256 internal constant SGX_REPORT_LEN = 384;
    uint256 internal constant TD10_REPORT_LEN = 584;
    uint256 internal constant TD15_REPORT_LEN = 648;
    uint32 internal constant TEE_SGX = 0x00000000;
    uint32 internal constant TEE_TDX = 0x00000081;
    uint16 internal constant CERT_PCK_CHAIN = 5;
    uint16 internal constant CERT_QE_REPORT = 6;
    /// @dev Not an Intel type: the PCK chain replaced by the 32-byte hash of a cached PCK certificate.
    uint16 internal constant CERT_CACHED_PCK = 0x0100;
    /// @dev Not an Intel type: the PCK chain replaced by the PCK leaf certificate's DER (the chain above
    /// it is the stored one). docs/onchain-dcap.md, "Leaf form".
    uint16 internal constant CERT_PCK_LEAF_DER = 0x0101;

    struct Quote {
        uint16 version;
        uint32 teeType;
        uint16 bodyType; // 1 SGX, 2 TD 1.0, 3 TD 1.5
        uint256 bodyOffset;
        uint256 bodyLength;
        bytes32 sigR;
        bytes32 sigS;
        bytes32 keyX;
        bytes32 keyY;
        uint256 qeReportOffset;
        bytes32 qeSigR;
        bytes32 qeSigS;
        uint256 qeAuthOffset;
        uint256 qeAuthLength;
        uint16 certType;
        uint256 certOffset;
        uint256 certLength;
    }

    function _need(bytes memory q, uint256 offset, uint256 len, string memory field) private pure {
        if (offset + len > q.length) revert IQuoteVerifier.QuoteMalformed(field, offset);
    }

    function parse(bytes memory q) internal pure returns (Quote memory r) {
        _need(q, 0, HEADER_LEN, "header");
        r.version = uint16(BytesRead.u16le(q, 0));
        uint16 akType = uint16(BytesRead.u16le(q, 2));
        r.teeType = uint32(BytesRead.u32le(q, 4));
        if (r.teeType != TEE_SGX && r.teeType != TEE_TDX) revert IQuoteVerifier.UnsupportedTeeType(r.teeType);
        if (r.teeType == TEE_SGX ? r.version != 3 : (r.version != 4 && r.version != 5)) {
            revert IQuoteVerifier.UnsupportedQuoteVersion(r.version);
        }
        if (akType != 2) revert IQuoteVerifier.UnsupportedAttestationKeyType(akType); // ECDSA-256 with P-256

        if (r.version == 5) {
            _need(q, HEADER_LEN, 6, "body descriptor");
            r.bodyType = uint16(BytesRead.u16le(q, HEADER_LEN));
            r.bodyLength = BytesRead.u32le(q, HEADER_LEN + 2);
            r.bodyOffset = HEADER_LEN + 6;
            if (r.bodyType == 2 ? r.bodyLength != TD10_REPORT_LEN : r.bodyType == 3 ? r.bodyLength != TD15_REPORT_LEN : true) {
                revert IQuoteVerifier.QuoteMalformed("body type", HEADER_LEN);
            }
        } else {
            r.bodyOffset = HEADER_LEN;
            (r.bodyType, r.bodyLength) = r.teeType == TEE_SGX ? (uint16(1), SGX_REPORT_LEN) : (uint16(2), TD10_REPORT_LEN);
        }
        _need(q, r.bodyOffset, r.bodyLength, "body");

        uint256 p = r.bodyOffset + r.bodyLength;
        _need(q, p, 4, "signature data length");
        uint256 authLen = BytesRead.u32le(q, p);
        p += 4;
        // Quotes may carry zero padding after the signature data (quote generation pads to a buffer size).
        if (p + authLen > q.length) revert IQuoteVerifier.QuoteMalformed("signature data length", p - 4);
        uint256 end = p + authLen;
        if (!BytesRead.isZero(q, end, q.length - end)) revert IQuoteVerifier.QuoteMalformed("trailing bytes", end);
        _need(q, p, 128, "quote signature");
        r.sigR = BytesRead.b32(q, p);
        r.sigS = BytesRead.b32(q, p + 32);
        r.keyX = BytesRead.b32(q, p + 64);
        r.keyY = BytesRead.b32(q, p + 96);
        p += 128;
        if (r.version == 3) {
            p = _qeReportData(q, p, end, r);
        } else {
            _need(q, p, 6, "certification data");
            uint16 outerType = uint16(BytesRead.u16le(q, p));
            if (outerType != CERT_QE_REPORT) revert IQuoteVerifier.UnsupportedCertificationDataType(outerType);
            uint256 outerLen = BytesRead.u32le(q, p + 2);
            p += 6;
            if (p + outerLen != end) revert IQuoteVerifier.QuoteMalformed("certification data length", p - 4);
            p = _qeReportData(q, p, end, r);
        }
    }

    /// @dev QE report, its signature, QE auth data and the (inner) certification data ending at `end`.
    function _qeReportData(bytes memory q, uint256 p, uint256 end, Quote memory r) private pure returns (uint256) {
        _need(q, p, SGX_REPORT_LEN + 64 + 2, "qe report");
        r.qeReportOffset = p;
        p += SGX_REPORT_LEN;
        r.qeSigR = BytesRead.b32(q, p);
        r.qeSigS = BytesRead.b32(q, p + 32);
        p += 64;
        r.qeAuthLength = BytesRead.u16le(q, p);
        r.qeAuthOffset = p + 2;
        p += 2 + r.qeAuthLength;
        _need(q, p, 6, "certification data");
        r.certType = uint16(BytesRead.u16le(q, p));
        r.certLength = BytesRead.u32le(q, p + 2);
        r.certOffset = p + 6;
        if (r.certOffset + r.certLength != end) revert IQuoteVerifier.QuoteMalformed("certification data length", p + 2);
        if (r.certType == CERT_CACHED_PCK) {
            if (r.certLength != 32) revert IQuoteVerifier.QuoteMalformed("cached pck hash", r.certOffset);
        } else if (r.certType == CERT_PCK_LEAF_DER) {
            if (r.certLength < 4) revert IQuoteVerifier.QuoteMalformed("pck leaf der", r.certOffset);
        } else if (r.certType != CERT_PCK_CHAIN) {
            revert IQuoteVerifier.UnsupportedCertificationDataType(r.certType);
        }
        return end;
    }
}
