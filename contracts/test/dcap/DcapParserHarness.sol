// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {QuoteParser} from "../../verifier/dcap/QuoteParser.sol";
import {PckCertificate} from "../../verifier/dcap/PckCertificate.sol";
import {Pem} from "../../verifier/lib/Pem.sol";
import {X509} from "../../verifier/lib/X509.sol";
import {X509Crl} from "../../verifier/lib/X509Crl.sol";

/// @dev Test only: the onchain parsers behind external functions, for property tests with random
/// and mutated bytes (they must revert with a custom error or return, never panic or run away).
contract DcapParserHarness {
    function parseQuote(bytes calldata quote) external pure returns (QuoteParser.Quote memory) {
        return QuoteParser.parse(quote);
    }

    function parseCertificate(bytes calldata der)
        external
        pure
        returns (X509.Certificate memory c, PckCertificate.PckIdentity memory id)
    {
        bytes memory d = der;
        c = X509.parseP256(d);
        id = PckCertificate.identity(d, c);
    }

    function pemEncodedHash(bytes calldata der) external pure returns (bytes32) {
        return Pem.encodedHash(der);
    }

    function pemBlockLengthHint(bytes calldata text, uint256 offset, uint256 limit) external pure returns (uint256) {
        return Pem.blockLengthHint(text, offset, limit);
    }

    function parseX509(bytes calldata der) external pure returns (X509.Certificate memory) {
        return X509.parse(der);
    }

    /// @dev An RSA certificate's key and signature, and whether it is sha256WithRSAEncryption.
    function parseRsa(bytes calldata der)
        external
        view
        returns (bytes memory e, bytes memory m, bytes memory sig, bool sha256WithRsa, bytes32 tbsHash)
    {
        bytes memory d = der;
        X509.Certificate memory c = X509.parse(d);
        (e, m) = X509.rsaPublicKey(d, c);
        sig = X509.signatureBytes(d, c);
        sha256WithRsa = X509.signatureAlgorithmIs(d, c, X509.OID_SHA256_WITH_RSA, 9);
        tbsHash = X509.tbsSha256(d, c);
    }

    function parseCrl(bytes calldata der) external pure returns (X509Crl.Crl memory c, uint256 revoked) {
        bytes memory d = der;
        c = X509Crl.parse(d);
        uint256 entry;
        if (c.revoked != 0) {
            while (true) {
                (entry,) = X509Crl.nextRevoked(d, c, entry);
                if (entry == 0) break;
                ++revoked;
            }
        }
    }

    function readPem(bytes calldata text) external pure returns (bytes memory der, uint256 end) {
        bytes memory t = text;
        bytes memory b64;
        (b64, end) = Pem.readBlock(t, 0, t.length);
        der = Pem.decode(b64);
    }

    function encodePem(bytes calldata der) external pure returns (bytes memory) {
        return Pem.encode(der);
    }
}
