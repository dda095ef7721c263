// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ITpmQuoteVerifier
/// @notice Verifies a TPM 2.0 quote (TPMS_ATTEST + TPMT_SIGNATURE) under an attestation key given as
/// its TPMT_PUBLIC, checks the PCR digest over supplied PCR values and the qualifying data.
/// Byte layouts: docs/tpm-onchain.md.
interface ITpmQuoteVerifier {
    /// @notice Which TPM structure a parse error is about.
    enum TpmStructure {
        Attest,
        Signature,
        Public
    }

    /// @notice One PCR bank of the quote's selection.
    /// @param hashAlg TPM_ALG_ID of the bank (0x0004 SHA-1, 0x000B SHA-256, 0x000C SHA-384, 0x000D SHA-512).
    /// @param pcrMask bit i set when PCR i is selected.
    /// @param values the selected PCR values concatenated, ascending PCR index, each of the bank's
    /// digest size (PCR i's value is the k-th slice when i is the k-th set bit of pcrMask).
    struct PcrBank {
        uint16 hashAlg;
        uint32 pcrMask;
        bytes values;
    }

    /// @notice What a verified quote attests.
    /// @param akKeyHash sha256 of the AK's TPMT_PUBLIC bytes (the digest in its TPM name).
    /// @param extraData the quote's qualifying data (TPMS_ATTEST.extraData).
    struct TpmQuoteResult {
        bytes32 akKeyHash;
        bytes extraData;
        uint64 clock;
        uint32 resetCount;
        uint32 restartCount;
        bool safe;
        uint64 firmwareVersion;
        bytes qualifiedSigner;
        PcrBank[] banks;
    }

    /// @notice Input ended before `offset` could be read.
    error TpmTruncated(TpmStructure structure, uint256 offset);
    /// @notice Bytes left after the structure ended.
    error TpmTrailingBytes(TpmStructure structure, uint256 offset);
    /// @notice TPMS_ATTEST.magic is not TPM_GENERATED_VALUE (0xff544347).
    error TpmBadMagic(uint32 magic);
    /// @notice TPMS_ATTEST.type is not TPM_ST_ATTEST_QUOTE (0x8018).
    error TpmNotAQuote(uint16 attestType);
    /// @notice A key type, scheme, hash or curve this verifier does not support.
    error TpmUnsupportedAlgorithm(TpmStructure structure, uint16 alg);
    /// @notice The AK is not a restricted signing key (objectAttributes sign and restricted bits).
    error TpmAkNotRestrictedSigning(uint32 objectAttributes);
    /// @notice The signature's scheme does not fit the AK (RSASSA for RSA, ECDSA for ECC).
    error TpmSignatureSchemeMismatch(uint16 keyType, uint16 sigAlg);
    /// @notice A PCR selection bitmap longer than 4 bytes (32 PCRs).
    error TpmBadPcrSelection(uint256 bank, uint8 sizeofSelect);
    /// @notice The supplied PCR values are not as long as the selection needs (count x digest size).
    error TpmPcrValuesLength(uint256 expected, uint256 supplied);
    /// @notice sha256 of the supplied PCR values differs from the quote's pcrDigest.
    error TpmPcrDigestMismatch(bytes32 quoted, bytes32 computed);
    /// @notice The quote's extraData differs from the expected qualifying data.
    error TpmQualifyingDataMismatch(bytes32 expectedHash, bytes32 quotedHash);
    /// @notice The signature does not verify under the AK.
    error TpmSignatureInvalid();

    /// @notice Verifies a TPM2_Quote and returns what it attests; reverts with a custom error otherwise.
    /// @param akPublic TPMT_PUBLIC of the AK (RSA 2048+ RSASSA-SHA256, or ECC P-256 ECDSA-SHA256).
    /// @param attest TPMS_ATTEST bytes (the signed message).
    /// @param signature TPMT_SIGNATURE bytes.
    /// @param pcrValues the selected PCR values concatenated: bank by bank in selection order,
    /// ascending PCR index within a bank (exactly the bytes the quote's pcrDigest hashes).
    /// @param qualifyingData the expected extraData (e.g. a nonce or an EIP-712 hash).
    function verifyQuote(
        bytes calldata akPublic,
        bytes calldata attest,
        bytes calldata signature,
        bytes calldata pcrValues,
        bytes calldata qualifyingData
    ) external view returns (TpmQuoteResult memory);
}
