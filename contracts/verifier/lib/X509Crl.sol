// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Der} from "./Der.sol";
import {X509} from "./X509.sol";
import {BytesRead} from "./BytesRead.sol";
import {EcdsaP256} from "./EcdsaP256.sol";

/// @notice X.509 v2 CRLs (RFC 5280 section 5) signed with ECDSA P-256 / SHA-256, as Intel's PCS issues
/// them. Hand-written for the same reason as {X509}. Revoked entries are walked with {nextRevoked}.
library X509Crl {
    struct Crl {
        uint256 tbsOffset;
        uint256 tbsLength;
        bytes32 issuerHash;
        uint64 thisUpdate;
        uint64 nextUpdate;
        uint256 revoked; // node of revokedCertificates, 0 when the list is absent
        bytes32 sigR;
        bytes32 sigS;
    }

    error CrlWithoutNextUpdate();

    function parse(bytes memory der) internal pure returns (Crl memory c) {
        uint256 list;
        uint256 tbs;
        uint256 alg;
        (list, tbs, c.tbsOffset, c.tbsLength, alg) = X509.signedParts(der);
        if (!Der.isOid(der, Der.firstChild(der, alg), X509.OID_ECDSA_SHA256, 8)) {
            revert X509.UnsupportedAlgorithm(Der.tagOffset(alg));
        }
        (c.sigR, c.sigS) = X509.bitStringSignature(der, X509.signatureValue(der, alg, list));

        uint256 n = Der.firstChild(der, tbs);
        if (Der.tag(der, n) == Der.INTEGER) n = Der.next(der, n, tbs); // version v2
        Der.expectTag(der, n, Der.SEQUENCE); // signature AlgorithmIdentifier
        n = Der.sibling(der, n, tbs, Der.SEQUENCE); // issuer
        c.issuerHash = Der.hashTlv(der, n);
        n = Der.next(der, n, tbs);
        c.thisUpdate = X509.time(der, n);
        if (!Der.hasNext(n, tbs)) revert CrlWithoutNextUpdate();
        n = Der.next(der, n, tbs);
        uint8 t = Der.tag(der, n);
        if (t != 0x17 && t != 0x18) revert CrlWithoutNextUpdate();
        c.nextUpdate = X509.time(der, n);
        if (Der.hasNext(n, tbs)) {
            n = Der.next(der, n, tbs);
            if (Der.tag(der, n) == Der.SEQUENCE && Der.length(n) > 0) c.revoked = n;
        }
    }

    function signedBy(bytes memory der, Crl memory c, bytes32 qx, bytes32 qy) internal view returns (bool) {
        bytes32 h = BytesRead.sha256Range(der, c.tbsOffset, c.tbsLength);
        return EcdsaP256.verify(h, c.sigR, c.sigS, qx, qy);
    }

    /// @dev Serial hash of the revoked entry `entry` (pass 0 to start); returns the entry node and
    /// 0 as `entry` once the list is exhausted.
    function nextRevoked(bytes memory der, Crl memory c, uint256 entry)
        internal
        pure
        returns (uint256 nextEntry, bytes32 serialHash)
    {
        if (entry == 0) {
            nextEntry = Der.child(der, c.revoked, Der.SEQUENCE);
        } else {
            if (!Der.hasNext(entry, c.revoked)) return (0, 0);
            nextEntry = Der.sibling(der, entry, c.revoked, Der.SEQUENCE);
        }
        serialHash = Der.hashContent(der, Der.child(der, nextEntry, Der.INTEGER));
    }
}
