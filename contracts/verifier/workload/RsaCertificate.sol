// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {RSA} from "@openzeppelin/contracts/utils/cryptography/RSA.sol";
import {Der} from "../lib/Der.sol";
import {X509} from "../lib/X509.sol";
import {BytesRead} from "../lib/BytesRead.sol";

/// @title RsaCertificate
/// @notice X.509 certificates with RSA keys signed by sha256WithRSAEncryption (the vTPM AK CAs'),
/// on the shared DER walker; X509.sol reads only ECDSA P-256 certificates. Signatures checked with
/// OpenZeppelin RSA.pkcs1Sha256.
library RsaCertificate {
    error RsaCertUnsupportedAlgorithm(uint256 offset);
    error RsaCertBadKey(uint256 offset);
    error RsaCertBadSignature(uint256 offset);

    struct Certificate {
        uint256 tbsOffset;
        uint256 tbsLength;
        bytes32 issuerHash; // keccak256 of the issuer Name TLV
        bytes32 subjectHash;
        uint64 notBefore;
        uint64 notAfter;
        bytes modulus; // big-endian, no leading zero
        bytes exponent;
        bytes signature;
    }

    bytes32 internal constant OID_SHA256_WITH_RSA = hex"2a864886f70d01010b"; // 1.2.840.113549.1.1.11
    bytes32 internal constant OID_RSA_ENCRYPTION = hex"2a864886f70d010101"; // 1.2.840.113549.1.1.1

    function parse(bytes memory der) internal pure returns (Certificate memory c) {
        (uint256 cert, uint256 tbs, uint256 tbsOffset, uint256 tbsLength, uint256 sigAlg) = X509.signedParts(der);
        (c.tbsOffset, c.tbsLength) = (tbsOffset, tbsLength);
        _expectAlgorithm(der, sigAlg, OID_SHA256_WITH_RSA);
        c.signature = _bitString(der, X509.signatureValue(der, sigAlg, cert));

        uint256 n = Der.firstChild(der, tbs);
        if (Der.tag(der, n) == 0xa0) n = Der.next(der, n, tbs); // [0] version
        Der.expectTag(der, n, Der.INTEGER); // serial
        n = Der.sibling(der, n, tbs, Der.SEQUENCE);
        _expectAlgorithm(der, n, OID_SHA256_WITH_RSA);
        n = Der.sibling(der, n, tbs, Der.SEQUENCE);
        c.issuerHash = Der.hashTlv(der, n);
        n = Der.sibling(der, n, tbs, Der.SEQUENCE);
        uint256 a = Der.firstChild(der, n);
        uint256 b = Der.next(der, a, n);
        c.notBefore = X509.time(der, a);
        c.notAfter = X509.time(der, b);
        n = Der.sibling(der, n, tbs, Der.SEQUENCE);
        c.subjectHash = Der.hashTlv(der, n);
        n = Der.sibling(der, n, tbs, Der.SEQUENCE); // SubjectPublicKeyInfo
        (c.modulus, c.exponent) = _rsaKey(der, n);
    }

    /// @dev Whether the key (`e`, `n`) signed `c`: PKCS#1 v1.5 over sha256 of the exact TBSCertificate bytes.
    function signedBy(bytes memory der, Certificate memory c, bytes memory e, bytes memory n) internal view returns (bool) {
        return RSA.pkcs1Sha256(BytesRead.sha256Range(der, c.tbsOffset, c.tbsLength), c.signature, e, n);
    }

    function _expectAlgorithm(bytes memory der, uint256 algId, bytes32 oid) private pure {
        uint256 o = Der.firstChild(der, algId);
        if (!Der.isOid(der, o, oid, 9)) revert RsaCertUnsupportedAlgorithm(Der.tagOffset(algId));
        if (Der.hasNext(o, algId)) {
            uint256 p = Der.next(der, o, algId); // parameters: NULL only
            if (Der.tag(der, p) != 0x05 || Der.length(p) != 0 || Der.hasNext(p, algId)) {
                revert RsaCertUnsupportedAlgorithm(Der.tagOffset(algId));
            }
        }
    }

    function _rsaKey(bytes memory der, uint256 spki) private pure returns (bytes memory n, bytes memory e) {
        uint256 alg = Der.child(der, spki, Der.SEQUENCE);
        _expectAlgorithm(der, alg, OID_RSA_ENCRYPTION);
        uint256 bits = Der.sibling(der, alg, spki, Der.BIT_STRING);
        (bool ok, uint256 ni, uint256 ei) = Der.rsaKeyIntegers(der, bits);
        if (!ok) revert RsaCertBadKey(Der.tagOffset(bits));
        n = _unsigned(der, ni);
        e = _unsigned(der, ei);
        if (n.length < 256) revert RsaCertBadKey(Der.tagOffset(ni));
    }

    /// @dev A positive INTEGER's magnitude (its one leading 0x00, when present, removed).
    function _unsigned(bytes memory der, uint256 node) private pure returns (bytes memory out) {
        uint256 s = Der.start(node);
        uint256 l = Der.length(node);
        if (l == 0 || uint8(der[s]) & 0x80 != 0) revert RsaCertBadKey(Der.tagOffset(node));
        if (der[s] == 0 && l > 1) {
            s++;
            l--;
        }
        out = _copy(der, s, l);
    }

    function _bitString(bytes memory der, uint256 node) private pure returns (bytes memory) {
        uint256 s = Der.start(node);
        uint256 l = Der.length(node);
        if (l < 2 || der[s] != 0) revert RsaCertBadSignature(Der.tagOffset(node));
        return _copy(der, s + 1, l - 1);
    }

    function _copy(bytes memory b, uint256 s, uint256 l) private pure returns (bytes memory out) {
        out = new bytes(l);
        assembly ("memory-safe") {
            mcopy(add(out, 32), add(add(b, 32), s), l)
        }
    }
}
