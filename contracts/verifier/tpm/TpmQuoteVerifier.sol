// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ITpmQuoteVerifier} from "../../interfaces/ITpmQuoteVerifier.sol";
import {TpmQuote} from "./TpmQuote.sol";

/// @title TpmQuoteVerifier
/// @notice Stateless onchain verification of TPM 2.0 quotes: signature under the AK (RSASSA-SHA256
/// or ECDSA P-256), PCR digest over the supplied values, qualifying data. The AK certificate chain
/// (AK CA -> AK) is not checked here yet: it needs the shared onchain X.509 library; callers bind the
/// AK by its `akKeyHash` (e.g. to TEE report data). Layouts: docs/tpm-onchain.md.
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
