// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IQuoteVerifier} from "../../interfaces/IQuoteVerifier.sol";
import {IAutomataDcapAttestation} from "../../interfaces/IAutomataDcapAttestation.sol";
import {BytesRead} from "../lib/BytesRead.sol";
import {Pem} from "../lib/Pem.sol";
import {X509} from "../lib/X509.sol";
import {QuoteParser} from "./QuoteParser.sol";
import {PckCertificate} from "./PckCertificate.sol";
import {AutomataOutput} from "./AutomataOutput.sol";

/// @title AutomataDcapAdapter
/// @notice {IQuoteVerifier} over Automata's deployed DCAP attestation, so a deployment can pick either
/// verifier. Automata's output carries no PPID, so the adapter reads it (and the cache key) from the
/// PCK certificate in the quote Automata just verified. `collateralExpiry` is 0: Automata does not say.
contract AutomataDcapAdapter is IQuoteVerifier {
    /// @dev Automata refused the quote; `reason` is its output.
    error AutomataVerificationFailed(bytes reason);
    /// @dev Automata's output does not describe the quote that was sent.
    error AutomataOutputMismatch(string field);

    /// @notice Automata's entrypoint this adapter calls.
    IAutomataDcapAttestation public immutable automata;

    constructor(IAutomataDcapAttestation automata_) {
        automata = automata_;
    }

    /// @inheritdoc IQuoteVerifier
    /// @dev Forwards any value to Automata (its fee, where one applies).
    function verifyQuote(bytes calldata quote) external returns (VerifiedQuote memory out) {
        (bool ok, bytes memory output) = automata.verifyAndAttestOnChain(quote);
        if (!ok) revert AutomataVerificationFailed(output);
        bytes memory q = quote;
        QuoteParser.Quote memory r = QuoteParser.parse(q);
        out = decodeOutput(output);
        if (out.quoteVersion != r.version) revert AutomataOutputMismatch("quoteVersion");
        if (keccak256(out.reportBody) != BytesRead.keccak(q, r.bodyOffset, r.bodyLength)) {
            revert AutomataOutputMismatch("quoteBody");
        }
        if (r.certType != QuoteParser.CERT_PCK_CHAIN) revert UnsupportedCertificationDataType(r.certType);
        (bytes memory b64, uint256 leafEnd) = Pem.readBlock(q, r.certOffset, r.certOffset + r.certLength);
        bytes memory der = Pem.decode(b64);
        PckCertificate.PckIdentity memory id = PckCertificate.identity(der, X509.parseP256(der));
        if (id.fmspc != out.fmspc) revert AutomataOutputMismatch("fmspc");
        out.ppid = id.ppid;
        out.pckCertHash = BytesRead.keccak(q, r.certOffset, leafEnd - r.certOffset);
    }

    /// @notice Decodes Automata's packed output (docs/onchain-dcap.md) into a {VerifiedQuote} without
    /// PPID, certificate hash or expiry. Reverts on a malformed output or a Revoked status.
    function decodeOutput(bytes memory output) public view returns (VerifiedQuote memory out) {
        AutomataOutput.Decoded memory d = AutomataOutput.decode(output);
        out.teeType = d.teeType;
        out.quoteVersion = d.quoteVersion;
        out.bodyType = d.teeType == 0 ? 1 : d.bodyLength == 648 ? 3 : 2;
        out.tcbStatus = AutomataOutput.status(d.automataStatus);
        if (out.tcbStatus == TcbStatus.Revoked) revert TcbStatusRevoked();
        out.advisoryIds = d.advisoryIds;
        out.fmspc = d.fmspc;
        out.reportBody = BytesRead.slice(output, 13, d.bodyLength);
        out.reportData = BytesRead.slice(output, 13 + (d.teeType == 0 ? 320 : 520), 64);
    }
}
