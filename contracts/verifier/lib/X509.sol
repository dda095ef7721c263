// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Der} from "./Der.sol";
import {Asn1Time} from "./Asn1Time.sol";
import {BytesRead} from "./BytesRead.sol";
import {EcdsaP256} from "./EcdsaP256.sol";

/// @notice X.509 v3 certificates (RFC 5280), parsed generically: positions of the TBS, names,
/// validity, serial, SubjectPublicKeyInfo, signature algorithm and value, extensions. {parseP256}
/// adds the ECDSA P-256 / SHA-256 shape of Intel's SGX PKI; {rsaPublicKey} and {signatureBytes}
/// serve RSA certificates (e.g. a TPM attestation key's). Hand-written: no Solidity library parses
/// X.509. Positions are byte offsets into the DER; names compare by keccak256 of their full TLV.
library X509 {
    error UnsupportedAlgorithm(uint256 offset);
    error BadPublicKey(uint256 offset);
    error BadSignatureEncoding(uint256 offset);

    struct Certificate {
        uint256 tbsOffset;
        uint256 tbsLength;
        bytes32 serialHash; // keccak256 of the serial INTEGER's content bytes
        bytes32 issuerHash;
        bytes32 subjectHash;
        uint256 subjectNode; // the subject Name, for attribute lookups
        uint64 notBefore;
        uint64 notAfter;
        uint256 spkiNode; // SubjectPublicKeyInfo
        uint256 sigAlgNode; // the outer signatureAlgorithm (equal to the TBS one)
        uint256 sigValueNode; // the signatureValue BIT STRING
        uint256 extensions; // node of the Extensions SEQUENCE, 0 when absent
        // set by {parseP256} only
        bytes32 pubX;
        bytes32 pubY;
        bytes32 sigR;
        bytes32 sigS;
    }

    // OID contents, left-aligned
    bytes32 internal constant OID_ECDSA_SHA256 = hex"2a8648ce3d040302"; // 1.2.840.10045.4.3.2
    bytes32 internal constant OID_EC_PUBLIC_KEY = hex"2a8648ce3d0201"; // 1.2.840.10045.2.1
    bytes32 internal constant OID_PRIME256V1 = hex"2a8648ce3d030107"; // 1.2.840.10045.3.1.7
    bytes32 internal constant OID_RSA_ENCRYPTION = hex"2a864886f70d010101"; // 1.2.840.113549.1.1.1
    bytes32 internal constant OID_SHA256_WITH_RSA = hex"2a864886f70d01010b"; // 1.2.840.113549.1.1.11
    bytes32 internal constant OID_COMMON_NAME = hex"550403"; // 2.5.4.3

    /// @dev The envelope certificates and CRLs share, SEQUENCE { tbs SEQUENCE, algorithm SEQUENCE, ... }:
    /// the outer node, the TBS node and its exact byte range, the outer algorithm node.
    function signedParts(bytes memory der)
        internal
        pure
        returns (uint256 outer, uint256 tbs, uint256 tbsOffset, uint256 tbsLength, uint256 sigAlg)
    {
        outer = Der.expectTag(der, Der.root(der), Der.SEQUENCE);
        tbs = Der.child(der, outer, Der.SEQUENCE);
        tbsOffset = Der.tagOffset(tbs);
        tbsLength = Der.end(tbs) - tbsOffset;
        sigAlg = Der.sibling(der, tbs, outer, Der.SEQUENCE);
    }

    /// @dev The signature BIT STRING after `sigAlg`, which must end the envelope `outer`.
    function signatureValue(bytes memory der, uint256 sigAlg, uint256 outer) internal pure returns (uint256 value) {
        value = Der.sibling(der, sigAlg, outer, Der.BIT_STRING);
        if (Der.hasNext(value, outer)) revert Der.DerMalformed(Der.end(value));
    }

    /// @dev Structure only: any algorithm; the TBS and outer signature algorithms must be identical.
    function parse(bytes memory der) internal pure returns (Certificate memory c) {
        uint256 cert;
        uint256 tbs;
        (cert, tbs, c.tbsOffset, c.tbsLength, c.sigAlgNode) = signedParts(der);
        c.sigValueNode = signatureValue(der, c.sigAlgNode, cert);

        uint256 n = Der.firstChild(der, tbs);
        if (Der.tag(der, n) == 0xa0) n = Der.next(der, n, tbs); // [0] version
        c.serialHash = Der.hashContent(der, Der.expectTag(der, n, Der.INTEGER));
        n = Der.sibling(der, n, tbs, Der.SEQUENCE); // signature AlgorithmIdentifier
        if (Der.hashTlv(der, n) != Der.hashTlv(der, c.sigAlgNode)) revert UnsupportedAlgorithm(Der.tagOffset(n));
        n = Der.sibling(der, n, tbs, Der.SEQUENCE); // issuer
        c.issuerHash = Der.hashTlv(der, n);
        n = Der.sibling(der, n, tbs, Der.SEQUENCE); // validity
        (c.notBefore, c.notAfter) = _validity(der, n);
        n = Der.sibling(der, n, tbs, Der.SEQUENCE); // subject
        c.subjectHash = Der.hashTlv(der, n);
        c.subjectNode = n;
        n = Der.sibling(der, n, tbs, Der.SEQUENCE); // subjectPublicKeyInfo
        c.spkiNode = n;
        while (Der.hasNext(n, tbs)) {
            n = Der.next(der, n, tbs);
            if (Der.tag(der, n) == 0xa3) c.extensions = Der.child(der, n, Der.SEQUENCE);
        }
    }

    /// @dev {parse} plus the Intel shape: ECDSA with SHA-256 and a P-256 key, both decoded.
    function parseP256(bytes memory der) internal pure returns (Certificate memory c) {
        c = parse(der);
        if (!signatureAlgorithmIs(der, c, OID_ECDSA_SHA256, 8)) revert UnsupportedAlgorithm(Der.tagOffset(c.sigAlgNode));
        (c.sigR, c.sigS) = bitStringSignature(der, c.sigValueNode);
        (c.pubX, c.pubY) = p256PublicKey(der, c);
    }

    /// @dev Whether the signature algorithm's OID content is `oid` (`n` bytes).
    function signatureAlgorithmIs(bytes memory der, Certificate memory c, bytes32 oid, uint256 n)
        internal
        pure
        returns (bool)
    {
        return Der.isOid(der, Der.firstChild(der, c.sigAlgNode), oid, n);
    }

    /// @dev SHA-256 of the exact TBSCertificate bytes.
    function tbsSha256(bytes memory der, Certificate memory c) internal view returns (bytes32) {
        return BytesRead.sha256Range(der, c.tbsOffset, c.tbsLength);
    }

    /// @dev Whether the P-256 key (`qx`, `qy`) signed `c` (after {parseP256}).
    function signedBy(bytes memory der, Certificate memory c, bytes32 qx, bytes32 qy) internal view returns (bool) {
        return EcdsaP256.verify(tbsSha256(der, c), c.sigR, c.sigS, qx, qy);
    }

    /// @dev The signatureValue's bits (no unused bits allowed), e.g. an RSA signature.
    function signatureBytes(bytes memory der, Certificate memory c) internal view returns (bytes memory) {
        uint256 s = Der.start(c.sigValueNode);
        if (Der.length(c.sigValueNode) < 2 || der[s] != 0) revert BadSignatureEncoding(Der.tagOffset(c.sigValueNode));
        return BytesRead.slice(der, s + 1, Der.length(c.sigValueNode) - 1);
    }

    /// @dev An RSA SubjectPublicKeyInfo's exponent and modulus (big-endian, no sign byte).
    function rsaPublicKey(bytes memory der, Certificate memory c) internal view returns (bytes memory e, bytes memory m) {
        uint256 alg = Der.child(der, c.spkiNode, Der.SEQUENCE);
        if (!Der.isOid(der, Der.firstChild(der, alg), OID_RSA_ENCRYPTION, 9)) revert UnsupportedAlgorithm(Der.tagOffset(alg));
        uint256 key = Der.sibling(der, alg, c.spkiNode, Der.BIT_STRING);
        (bool ok, uint256 mn, uint256 en) = Der.rsaKeyIntegers(der, key);
        if (!ok) revert BadPublicKey(Der.tagOffset(key));
        m = _unsigned(der, mn);
        e = _unsigned(der, en);
    }

    function _unsigned(bytes memory der, uint256 node) private view returns (bytes memory) {
        uint256 s = Der.start(node);
        uint256 l = Der.length(node);
        if (l == 0 || uint8(der[s]) & 0x80 != 0) revert BadPublicKey(Der.tagOffset(node));
        if (der[s] == 0 && l > 1) {
            ++s;
            --l;
        }
        return BytesRead.slice(der, s, l);
    }

    /// @dev The P-256 key of an id-ecPublicKey / prime256v1 SubjectPublicKeyInfo (uncompressed point).
    function p256PublicKey(bytes memory der, Certificate memory c) internal pure returns (bytes32 x, bytes32 y) {
        uint256 spki = c.spkiNode;
        uint256 alg = Der.child(der, spki, Der.SEQUENCE);
        uint256 a = Der.firstChild(der, alg);
        uint256 b = Der.next(der, a, alg);
        if (!Der.isOid(der, a, OID_EC_PUBLIC_KEY, 7) || !Der.isOid(der, b, OID_PRIME256V1, 8)) {
            revert UnsupportedAlgorithm(Der.tagOffset(alg));
        }
        uint256 key = Der.sibling(der, alg, spki, Der.BIT_STRING);
        uint256 s = Der.start(key);
        if (Der.length(key) != 66 || der[s] != 0 || der[s + 1] != 0x04) revert BadPublicKey(Der.tagOffset(key));
        x = BytesRead.b32(der, s + 2);
        y = BytesRead.b32(der, s + 34);
    }

    /// @dev keccak256 of the first CommonName value in a Name, 0 when absent.
    function commonNameHash(bytes memory der, uint256 name) internal pure returns (bytes32) {
        if (Der.length(name) == 0) return 0;
        uint256 rdn = Der.child(der, name, Der.SET);
        while (true) {
            uint256 atv = Der.child(der, rdn, Der.SEQUENCE);
            uint256 oid = Der.child(der, atv, Der.OID);
            if (Der.isOid(der, oid, OID_COMMON_NAME, 3)) return Der.hashContent(der, Der.next(der, oid, atv));
            if (!Der.hasNext(rdn, name)) return 0;
            rdn = Der.sibling(der, rdn, name, Der.SET);
        }
        return 0;
    }

    /// @dev The value (OCTET STRING node) of the extension with OID content `oid` (`n` bytes), 0 if absent.
    function findExtension(bytes memory der, uint256 extensions, bytes32 oid, uint256 n) internal pure returns (uint256) {
        if (extensions == 0) return 0;
        uint256 ext = Der.child(der, extensions, Der.SEQUENCE);
        while (true) {
            uint256 id = Der.child(der, ext, Der.OID);
            if (Der.isOid(der, id, oid, n)) {
                uint256 v = Der.next(der, id, ext);
                if (Der.tag(der, v) == 0x01) v = Der.next(der, v, ext); // critical BOOLEAN
                return Der.expectTag(der, v, Der.OCTET_STRING);
            }
            if (!Der.hasNext(ext, extensions)) return 0;
            ext = Der.sibling(der, ext, extensions, Der.SEQUENCE);
        }
        return 0;
    }

    /// @dev ECDSA-Sig-Value inside a BIT STRING (0 unused bits) as two 32-byte integers.
    function bitStringSignature(bytes memory der, uint256 bits) internal pure returns (bytes32 r, bytes32 s) {
        if (Der.length(bits) < 1 || der[Der.start(bits)] != 0) revert BadSignatureEncoding(Der.tagOffset(bits));
        uint256 seq = Der.at(der, Der.start(bits) + 1, Der.end(bits));
        Der.expectTag(der, seq, Der.SEQUENCE);
        if (Der.end(seq) != Der.end(bits)) revert BadSignatureEncoding(Der.tagOffset(bits));
        uint256 rn = Der.child(der, seq, Der.INTEGER);
        uint256 sn = Der.sibling(der, rn, seq, Der.INTEGER);
        if (Der.hasNext(sn, seq)) revert BadSignatureEncoding(Der.end(sn));
        r = bytes32(Der.uintValue(der, rn));
        s = bytes32(Der.uintValue(der, sn));
    }

    function time(bytes memory der, uint256 node) internal pure returns (uint64) {
        return uint64(Asn1Time.derTime(der, Der.tag(der, node), Der.start(node), Der.length(node)));
    }

    function _validity(bytes memory der, uint256 v) private pure returns (uint64 nb, uint64 na) {
        uint256 a = Der.firstChild(der, v);
        uint256 b = Der.next(der, a, v);
        if (Der.hasNext(b, v)) revert Der.DerMalformed(Der.end(b));
        nb = time(der, a);
        na = time(der, b);
    }
}
