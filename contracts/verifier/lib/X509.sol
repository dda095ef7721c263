// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Der} from "./Der.sol";
import {Asn1Time} from "./Asn1Time.sol";
import {BytesRead} from "./BytesRead.sol";
import {EcdsaP256} from "./EcdsaP256.sol";

/// @notice X.509 v3 certificates (RFC 5280) with ECDSA P-256 / SHA-256 signatures and P-256 keys:
/// the shape of every certificate in Intel's SGX PKI. Hand-written: no Solidity library parses X.509.
/// Positions are byte offsets into the DER; names compare by keccak256 of their full DER TLV.
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
        bytes32 pubX;
        bytes32 pubY;
        bytes32 sigR;
        bytes32 sigS;
        uint256 extensions; // node of the Extensions SEQUENCE, 0 when absent
    }

    // OID contents, left-aligned
    bytes32 internal constant OID_ECDSA_SHA256 = hex"2a8648ce3d040302"; // 1.2.840.10045.4.3.2
    bytes32 internal constant OID_EC_PUBLIC_KEY = hex"2a8648ce3d0201"; // 1.2.840.10045.2.1
    bytes32 internal constant OID_PRIME256V1 = hex"2a8648ce3d030107"; // 1.2.840.10045.3.1.7
    bytes32 internal constant OID_COMMON_NAME = hex"550403"; // 2.5.4.3

    function parse(bytes memory der) internal pure returns (Certificate memory c) {
        uint256 cert = Der.expectTag(der, Der.root(der), Der.SEQUENCE);
        uint256 tbs = Der.child(der, cert, Der.SEQUENCE);
        c.tbsOffset = Der.tagOffset(tbs);
        c.tbsLength = Der.end(tbs) - c.tbsOffset;
        uint256 sigAlg = Der.sibling(der, tbs, cert, Der.SEQUENCE);
        _expectEcdsaSha256(der, sigAlg);
        uint256 sigValue = Der.sibling(der, sigAlg, cert, Der.BIT_STRING);
        if (Der.hasNext(sigValue, cert)) revert Der.DerMalformed(Der.end(sigValue));
        (c.sigR, c.sigS) = bitStringSignature(der, sigValue);

        uint256 n = Der.firstChild(der, tbs);
        if (Der.tag(der, n) == 0xa0) n = Der.next(der, n, tbs); // [0] version
        c.serialHash = Der.hashContent(der, Der.expectTag(der, n, Der.INTEGER));
        n = Der.sibling(der, n, tbs, Der.SEQUENCE); // signature AlgorithmIdentifier
        _expectEcdsaSha256(der, n);
        n = Der.sibling(der, n, tbs, Der.SEQUENCE); // issuer
        c.issuerHash = Der.hashTlv(der, n);
        n = Der.sibling(der, n, tbs, Der.SEQUENCE); // validity
        (c.notBefore, c.notAfter) = _validity(der, n);
        n = Der.sibling(der, n, tbs, Der.SEQUENCE); // subject
        c.subjectHash = Der.hashTlv(der, n);
        c.subjectNode = n;
        n = Der.sibling(der, n, tbs, Der.SEQUENCE); // subjectPublicKeyInfo
        (c.pubX, c.pubY) = _p256Key(der, n);
        while (Der.hasNext(n, tbs)) {
            n = Der.next(der, n, tbs);
            if (Der.tag(der, n) == 0xa3) c.extensions = Der.child(der, n, Der.SEQUENCE);
        }
    }

    /// @dev Whether `issuer`'s key signed `c` (SHA-256 over the exact TBSCertificate bytes).
    function signedBy(bytes memory der, Certificate memory c, bytes32 qx, bytes32 qy) internal view returns (bool) {
        bytes32 h = BytesRead.sha256Range(der, c.tbsOffset, c.tbsLength);
        return EcdsaP256.verify(h, c.sigR, c.sigS, qx, qy);
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

    function _expectEcdsaSha256(bytes memory der, uint256 algId) private pure {
        uint256 oid = Der.firstChild(der, algId);
        if (!Der.isOid(der, oid, OID_ECDSA_SHA256, 8) || Der.hasNext(oid, algId)) {
            revert UnsupportedAlgorithm(Der.tagOffset(algId));
        }
    }

    function _p256Key(bytes memory der, uint256 spki) private pure returns (bytes32 x, bytes32 y) {
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
}
