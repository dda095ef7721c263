// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ITpmQuoteVerifier} from "../../interfaces/ITpmQuoteVerifier.sol";
import {TpmQuote} from "./TpmQuote.sol";

/// @title TpmQuoteVerifier
/// @notice Stateless onchain verification of TPM 2.0 quotes: signature under the AK (RSASSA-SHA256
/// or ECDSA P-256), PCR digest over the supplied values, qualifying data. The AK itself is trusted by
/// its `akKeyHash` (bound to TEE report data by the WorkloadVerifier); its certificate chain to a
/// pinned AK CA is a separate check (TpmAkCertificateVerifier). Layouts: docs/tpm-onchain.md.
contract TpmQuoteVerifier is ITpmQuoteVerifier {
    /// @inheritdoc ITpmQuoteVerifier
    function verifyQuote(
        bytes calldata akPublic,
        bytes calldata attest,
        bytes calldata signature,
        bytes calldata pcrValues,
        bytes calldata qualifyingData
    ) external view returns (TpmQuoteResult memory) {
        return TpmQuote.verify(akPublic, attest, signature, pcrValues, qualifyingData);
    }
}
