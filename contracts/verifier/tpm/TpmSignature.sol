// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {RSA} from "@openzeppelin/contracts/utils/cryptography/RSA.sol";
import {P256} from "@openzeppelin/contracts/utils/cryptography/P256.sol";
import {ITpmQuoteVerifier} from "../../interfaces/ITpmQuoteVerifier.sol";
import {TpmReader} from "./TpmReader.sol";
import {TpmPublic} from "./TpmPublic.sol";

/// @title TpmSignature
/// @notice Parses a TPMT_SIGNATURE (RSASSA or ECDSA, SHA-256) and verifies it over a message under
/// an AK: RSASSA-PKCS1-v1_5 with OpenZeppelin RSA, ECDSA P-256 with OpenZeppelin P256.
library TpmSignature {
    using TpmReader for bytes;

    /// @dev secp256r1 group order; TPMs do not normalise s, OpenZeppelin's P256 wants s <= n/2.
    uint256 private constant P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551;

    ITpmQuoteVerifier.TpmStructure private constant S = ITpmQuoteVerifier.TpmStructure.Signature;

    function verify(bytes calldata sig, bytes32 digest, TpmPublic.AkPublic memory ak) internal view {
        (uint16 sigAlg, uint256 o) = sig.u16(0, S);
        uint16 hashAlg;
        (hashAlg, o) = sig.u16(o, S);
        if (hashAlg != TpmPublic.TPM_ALG_SHA256) revert ITpmQuoteVerifier.TpmUnsupportedAlgorithm(S, hashAlg);
        bool ok;
        if (sigAlg == TpmPublic.TPM_ALG_RSASSA) {
            if (ak.keyType != TpmPublic.TPM_ALG_RSA) revert ITpmQuoteVerifier.TpmSignatureSchemeMismatch(ak.keyType, sigAlg);
            bytes calldata s;
            (s, o) = sig.tpm2b(o, S);
            sig.end(o, S);
            ok = RSA.pkcs1Sha256(digest, s, ak.exponent, ak.modulus);
        } else if (sigAlg == TpmPublic.TPM_ALG_ECDSA) {
            if (ak.keyType != TpmPublic.TPM_ALG_ECC) revert ITpmQuoteVerifier.TpmSignatureSchemeMismatch(ak.keyType, sigAlg);
            bytes calldata r;
            bytes calldata s;
            (r, o) = sig.tpm2b(o, S);
            (s, o) = sig.tpm2b(o, S);
            sig.end(o, S);
            if (r.length == 0 || r.length > 32 || s.length == 0 || s.length > 32) revert ITpmQuoteVerifier.TpmSignatureInvalid();
            uint256 sv = uint256(bytes32(s)) >> (8 * (32 - s.length));
            uint256 rv = uint256(bytes32(r)) >> (8 * (32 - r.length));
            if (sv > P256_N / 2 && sv < P256_N) sv = P256_N - sv;
            ok = P256.verify(digest, bytes32(rv), bytes32(sv), ak.x, ak.y);
        } else {
            revert ITpmQuoteVerifier.TpmUnsupportedAlgorithm(S, sigAlg);
        }
        if (!ok) revert ITpmQuoteVerifier.TpmSignatureInvalid();
    }
}
