// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Base64} from "@openzeppelin/contracts/utils/Base64.sol";
import {Json} from "../../verifier/lib/Json.sol";
import {QuoteParser} from "../../verifier/dcap/QuoteParser.sol";
import {Pem} from "../../verifier/lib/Pem.sol";
import {X509} from "../../verifier/lib/X509.sol";
import {PckCertificate} from "../../verifier/dcap/PckCertificate.sol";
import {BytesRead} from "../../verifier/lib/BytesRead.sol";
import {EcdsaP256} from "../../verifier/lib/EcdsaP256.sol";

/// @dev Test-only: runs one verification step at a time and reports the gas it took, so the bench
/// can say where a quote's gas goes. Not deployed anywhere but the in-process chain.
contract DcapGasProbe {
    function parseQuote(bytes calldata quote) external view returns (uint256 g) {
        bytes memory q = quote;
        g = gasleft();
        QuoteParser.parse(q);
        g -= gasleft();
    }

    function decodePem(bytes calldata quote) external view returns (uint256 g) {
        bytes memory q = quote;
        QuoteParser.Quote memory r = QuoteParser.parse(q);
        g = gasleft();
        (bytes memory pemBody,) = Pem.readBlock(q, r.certOffset, r.certOffset + r.certLength);
        Pem.decode(pemBody);
        g -= gasleft();
    }

    function parseCert(bytes calldata quote) external view returns (uint256 g) {
        bytes memory q = quote;
        QuoteParser.Quote memory r = QuoteParser.parse(q);
        (bytes memory pemBody,) = Pem.readBlock(q, r.certOffset, r.certOffset + r.certLength);
        bytes memory der = Pem.decode(pemBody);
        g = gasleft();
        X509.Certificate memory c = X509.parseP256(der);
        PckCertificate.identity(der, c);
        g -= gasleft();
    }

    function parseCertSplit(bytes calldata quote) external view returns (uint256 x509, uint256 ident) {
        bytes memory q = quote;
        QuoteParser.Quote memory r = QuoteParser.parse(q);
        (bytes memory pemBody,) = Pem.readBlock(q, r.certOffset, r.certOffset + r.certLength);
        bytes memory der = Pem.decode(pemBody);
        x509 = gasleft();
        X509.Certificate memory c = X509.parseP256(der);
        x509 -= gasleft();
        ident = gasleft();
        PckCertificate.identity(der, c);
        ident -= gasleft();
    }

    function pemEncode(bytes calldata der) external view returns (uint256 g) {
        bytes memory d = der;
        g = gasleft();
        Pem.encode(d);
        g -= gasleft();
    }

    function pemEncodedHash(bytes calldata der) external view returns (uint256 g, bytes32 h) {
        bytes memory d = der;
        g = gasleft();
        h = Pem.encodedHash(d);
        g -= gasleft();
    }

    function p256(bytes32 h, bytes32 r, bytes32 s, bytes32 x, bytes32 y) external view returns (uint256 g, bool ok) {
        g = gasleft();
        ok = EcdsaP256.verify(h, r, s, x, y);
        g -= gasleft();
    }

    function b64(string calldata t) external view returns (uint256 g, uint256 len) {
        string memory m = t;
        g = gasleft();
        bytes memory o = Base64.decode(m);
        g -= gasleft();
        len = o.length;
    }

    function pemOnly(bytes calldata t) external view returns (uint256 g, uint256 len) {
        bytes memory m = t;
        g = gasleft();
        (bytes memory o,) = Pem.readBlock(m, 0, m.length);
        g -= gasleft();
        len = o.length;
    }

    function loop(uint256 k) external view returns (uint256 g, uint256 acc) {
        g = gasleft();
        assembly {
            for { let i := 0 } lt(i, k) { i := add(i, 1) } { acc := add(acc, byte(0, mload(i))) }
        }
        g -= gasleft();
    }

    function jsonSkip(bytes calldata t) external view returns (uint256 g) {
        bytes memory m = t;
        g = gasleft();
        Json.skip(m, 0);
        g -= gasleft();
    }

    function jsonWs(bytes calldata t) external view returns (uint256 g, uint256 q) {
        bytes memory m = t;
        g = gasleft();
        q = Json.ws(m, 0);
        g -= gasleft();
    }

    function sha(bytes calldata quote) external view returns (uint256 g) {
        bytes memory q = quote;
        g = gasleft();
        BytesRead.sha256Range(q, 0, 632);
        g -= gasleft();
    }
}
