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
        c = X509.parse(d);
        id = PckCertificate.identity(d, c);
    }

    function parseX509(bytes calldata der) external pure returns (X509.Certificate memory) {
        return X509.parse(der);
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
