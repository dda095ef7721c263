// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAllianceGoverned} from "./IAllianceGoverned.sol";
import {IZkAttestationVerifier} from "./IZkAttestationVerifier.sol";

/// @title IWorkloadVerifier
/// @notice Turns TEE evidence (a DCAP quote, or a ZK journal) plus a TPM quote into one
/// `VerifiedWorkload`: TEE type, TCB status, registers, report data, hardware ID and platformKey, the
/// TPM attestation key bound to the TEE report, and the golden-measurement hash. Formats: docs/workload.md.
interface IWorkloadVerifier is IAllianceGoverned {
    /// @notice The TEE a workload runs in.
    enum TeeType {
        None,
        Tdx,
        SevSnp
    }

    /// @notice How the TEE evidence reaches the chain.
    /// DcapQuote: `payload` is a raw Intel TDX quote, verified by the IQuoteVerifier.
    /// ZkDcapJournal / ZkSnpJournal: `payload` is abi.encode(ZkVm zkvm, bytes32 programId, bytes journal, bytes seal);
    /// ZkDcapJournal's journal is our DCAP program's (IZkAttestationVerifier.verifyPocDcapJournal), which names the PPID.
    enum EvidenceRoute {
        DcapQuote,
        ZkDcapJournal,
        ZkSnpJournal
    }

    struct TeeEvidence {
        EvidenceRoute route;
        bytes payload;
    }

    /// @notice A TPM2_Quote with its AK (layouts: docs/tpm-onchain.md). The quote must select one PCR bank.
    struct TpmEvidence {
        bytes akPublic;
        bytes attest;
        bytes signature;
        bytes pcrValues;
    }

    /// @notice What a verified workload proves.
    /// @param tcbStatus IQuoteVerifier.TcbStatus for TDX; 0 for SEV-SNP (the SNP program applies its policy).
    /// @param teeRegisters TDX: MRTD || RTMR0 || RTMR1 || RTMR2 (192 bytes); SNP: MEASUREMENT (48 bytes).
    /// @param hardwareKind 1 Intel PPID, 2 AMD chip ID (HardwareRegistry kinds).
    /// @param akKeyHash sha256 of the AK's TPMT_PUBLIC, equal to reportData[32:64].
    /// @param measurementHash the golden-measurement hash (EIP-712 struct hash of `Measurement`).
    /// @param evidenceTime DCAP: the block time it was verified at; ZK: the journal's timestamp.
    struct VerifiedWorkload {
        TeeType teeType;
        uint8 tcbStatus;
        bytes reportData;
        bytes teeRegisters;
        uint8 hardwareKind;
        bytes hardwareId;
        bytes32 platformKey;
        bytes32 akKeyHash;
        uint16 pcrHashAlg;
        uint32 pcrMask;
        bytes pcrValues;
        bytes32 measurementHash;
        uint64 evidenceTime;
    }

    event QuoteVerifierSet(address verifier);
    event ZkVerifierSet(address verifier);

    error ZeroAddress();
    /// @notice The route's verifier is not configured.
    error RouteDisabled(EvidenceRoute route);
    /// @notice The TEE evidence is of a type this verifier does not turn into a workload (e.g. SGX).
    error UnsupportedTee(uint32 teeType, uint16 bodyType);
    /// @notice reportData is not bindingHash || akKeyHash (docs/workload.md, "report data").
    error ReportDataMismatch(bytes32 expectedBinding, bytes32 expectedAk, bytes reportData);
    /// @notice The TPM quote selects `count` PCR banks; a workload's quote selects exactly one.
    error PcrBankCount(uint256 count);
    /// @notice The ZK payload is not abi.encode(uint8 zkvm, bytes32 programId, bytes journal, bytes seal).
    error EvidenceMalformed(EvidenceRoute route);
    /// @notice The evidence's report body is shorter than its type needs.
    error ReportBodyTooShort(uint256 length, uint256 needed);

    /// @notice Verifies TEE evidence and a TPM quote bound to it: reportData must be
    /// `bindingHash || sha256(akPublic)` and the TPM quote's qualifying data `bindingHash`.
    /// Not view: the DCAP verifier caches platforms.
    function verifyWorkload(TeeEvidence calldata tee, TpmEvidence calldata tpm, bytes32 bindingHash)
        external
        returns (VerifiedWorkload memory);

    /// @notice Verifies a TPM quote by `tpm.akPublic` whose qualifying data is `qualifying` and which
    /// selects exactly one PCR bank (`PcrBankCount` otherwise). The CvmRegistry's re-attestation and
    /// rotation call it, so the TPM verifier's code lives in one deployed contract.
    function verifyTpmQuote(TpmEvidence calldata tpm, bytes32 qualifying)
        external
        view
        returns (bytes32 akKeyHash, uint16 pcrHashAlg, uint32 pcrMask, bytes32 pcrValuesHash);

    /// @notice Alliance (security-critical) only: the DCAP quote verifier.
    function setQuoteVerifier(address verifier) external;

    /// @notice Alliance (security-critical) only: the ZK attestation verifier (zero disables the ZK routes).
    function setZkVerifier(IZkAttestationVerifier verifier) external;

    /// @notice Decodes a ZK route payload; reverts (without data) when malformed. Used through a
    /// self-call so a malformed payload becomes `EvidenceMalformed`.
    function decodeZkPayload(bytes calldata payload)
        external
        pure
        returns (IZkAttestationVerifier.ZkVm zkvm, bytes32 programId, bytes memory journal, bytes memory seal);

    /// @notice The golden-measurement hash of a Measurement given its parts' hashes (docs/workload.md).
    function measurementHash(
        TeeType teeType,
        bytes32 teeRegistersHash,
        uint16 pcrHashAlg,
        uint32 pcrMask,
        bytes32 pcrValuesHash
    ) external pure returns (bytes32);
}
