// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ITpmQuoteVerifier} from "../../interfaces/ITpmQuoteVerifier.sol";
import {TpmReader} from "./TpmReader.sol";

/// @title TpmPublic
/// @notice Parses the TPMT_PUBLIC of an attestation key: RSA (RSASSA / SHA-256, any size the
/// modexp precompile takes) or ECC NIST P-256 (ECDSA / SHA-256). Layout: docs/tpm-onchain.md.
library TpmPublic {
    using TpmReader for bytes;

    uint16 internal constant TPM_ALG_RSA = 0x0001;
    uint16 internal constant TPM_ALG_SHA256 = 0x000B;
    uint16 internal constant TPM_ALG_NULL = 0x0010;
    uint16 internal constant TPM_ALG_RSASSA = 0x0014;
    uint16 internal constant TPM_ALG_ECDSA = 0x0018;
    uint16 internal constant TPM_ALG_ECC = 0x0023;
    uint16 internal constant TPM_ECC_NIST_P256 = 0x0003;
    /// @dev TPMA_OBJECT restricted (bit 16) and sign (bit 18).
    uint32 internal constant RESTRICTED_SIGN = (1 << 16) | (1 << 18);

    struct AkPublic {
        uint16 keyType;
        uint32 objectAttributes;
        bytes modulus;
        bytes exponent;
        bytes32 x;
        bytes32 y;
    }

    ITpmQuoteVerifier.TpmStructure private constant S = ITpmQuoteVerifier.TpmStructure.Public;

    function parse(bytes calldata b) internal pure returns (AkPublic memory k) {
        uint256 o;
        uint16 nameAlg;
        uint16 v;
        (k.keyType, o) = b.u16(0, S);
        (nameAlg, o) = b.u16(o, S);
        if (nameAlg != TPM_ALG_SHA256) revert ITpmQuoteVerifier.TpmUnsupportedAlgorithm(S, nameAlg);
        (k.objectAttributes, o) = b.u32(o, S);
        if (k.objectAttributes & RESTRICTED_SIGN != RESTRICTED_SIGN) {
            revert ITpmQuoteVerifier.TpmAkNotRestrictedSigning(k.objectAttributes);
        }
        (, o) = b.tpm2b(o, S); // authPolicy
        (v, o) = b.u16(o, S); // symmetric: a signing key has none
        if (v != TPM_ALG_NULL) revert ITpmQuoteVerifier.TpmUnsupportedAlgorithm(S, v);
        uint16 scheme;
        (scheme, o) = b.u16(o, S);
        (v, o) = b.u16(o, S); // scheme hash
        if (v != TPM_ALG_SHA256) revert ITpmQuoteVerifier.TpmUnsupportedAlgorithm(S, v);
        if (k.keyType == TPM_ALG_RSA) {
            if (scheme != TPM_ALG_RSASSA) revert ITpmQuoteVerifier.TpmUnsupportedAlgorithm(S, scheme);
            uint16 keyBits;
            uint32 exponent;
            (keyBits, o) = b.u16(o, S);
            (exponent, o) = b.u32(o, S);
            bytes calldata n;
            (n, o) = b.tpm2b(o, S);
            if (n.length * 8 != keyBits || keyBits < 2048) revert ITpmQuoteVerifier.TpmUnsupportedAlgorithm(S, keyBits);
            k.modulus = n;
            // exponent 0 means the default 2^16 + 1.
            k.exponent = exponent == 0 ? bytes(hex"010001") : abi.encodePacked(exponent);
        } else if (k.keyType == TPM_ALG_ECC) {
            if (scheme != TPM_ALG_ECDSA) revert ITpmQuoteVerifier.TpmUnsupportedAlgorithm(S, scheme);
            (v, o) = b.u16(o, S); // curve
            if (v != TPM_ECC_NIST_P256) revert ITpmQuoteVerifier.TpmUnsupportedAlgorithm(S, v);
            (v, o) = b.u16(o, S); // kdf
            if (v != TPM_ALG_NULL) revert ITpmQuoteVerifier.TpmUnsupportedAlgorithm(S, v);
            bytes calldata x;
            bytes calldata y;
            (x, o) = b.tpm2b(o, S);
            (y, o) = b.tpm2b(o, S);
            if (x.length != 32 || y.length != 32) revert ITpmQuoteVerifier.TpmUnsupportedAlgorithm(S, TPM_ECC_NIST_P256);
            k.x = bytes32(x);
            k.y = bytes32(y);
        } else {
            revert ITpmQuoteVerifier.TpmUnsupportedAlgorithm(S, k.keyType);
        }
        b.end(o, S);
    }
}
