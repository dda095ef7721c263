// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAllianceGoverned} from "./IAllianceGoverned.sol";

/// @title IZkAttestationVerifier
/// @notice Accepts attestation verdicts proven in a zkVM (RiscZero or SP1) by allowlisted programs,
/// and decodes their journals: Automata's DCAP program journal, our DCAP journal (Automata's plus
/// the PPID) and our SEV-SNP journal (docs/zk-journals.md). No prover runs onchain; proofs come from RiscZero / SP1 provers.
interface IZkAttestationVerifier is IAllianceGoverned {
    enum ZkVm {
        RiscZero,
        Sp1
    }

    /// @notice What journal an allowlisted program writes; None = not allowed. Dcap = Automata's DCAP
    /// program, PocDcap = our DCAP program (same verification, PPID added).
    enum JournalKind {
        None,
        Dcap,
        Snp,
        PocDcap
    }

    /// @notice Automata DCAP program output, after the collateral and time checks.
    struct DcapZkResult {
        uint16 quoteVersion;
        bytes4 teeType;
        uint8 tcbStatus;
        bytes6 fmspc;
        bytes quoteBody;
        string[] advisoryIds;
        uint64 timestamp;
    }

    /// @notice Our DCAP program's output (journal version 1): the PPID and sha256 of the PCK leaf
    /// certificate the program read from the quote, then Automata's output after the same checks.
    struct PocDcapZkResult {
        bytes16 ppid;
        bytes32 pckCertHash;
        DcapZkResult dcap;
    }

    /// @notice SEV-SNP program output (our journal, version 1), after the ARK and time checks.
    struct SnpZkResult {
        uint64 timestamp;
        uint32 reportVersion;
        uint32 guestSvn;
        uint64 policy;
        uint32 vmpl;
        bytes8 reportedTcb;
        bytes measurement;
        bytes reportData;
        bytes32 hostData;
        bytes chipId;
        bytes32 reportHash;
        bytes32 vcekHash;
        bytes32 askHash;
        bytes32 arkHash;
    }

    event ProgramSet(ZkVm indexed zkvm, bytes32 indexed programId, JournalKind kind);
    event ArkPinned(bytes32 indexed arkHash, bool pinned);
    event MaxJournalAgeSet(uint64 maxAge);
    event CollateralStoreSet(address store);

    error ZeroAddress();
    error ProgramNotAllowed(ZkVm zkvm, bytes32 programId, JournalKind expected);
    error JournalTooShort(uint256 length, uint256 needed);
    error JournalLengthMismatch(uint256 length, uint256 expected);
    /// @notice The journal's version field is not one this contract reads (our DCAP and SNP journals: 1).
    error UnsupportedJournalVersion(uint16 version);
    /// @notice Our DCAP journal is shorter than its fixed header (version, PPID, PCK certificate hash).
    error JournalHeaderTooShort(uint256 length, uint256 needed);
    error UnknownTeeType(bytes4 teeType);
    /// @notice The advisory IDs tail of a DCAP output is not a well-formed abi.encode(string[]); `offset` in the output.
    error JournalMalformed(uint256 offset);
    error TcbStatusRejected(uint8 tcbStatus);
    error JournalFromTheFuture(uint64 timestamp, uint256 blockTimestamp);
    error JournalTooOld(uint64 timestamp, uint256 blockTimestamp, uint64 maxAge);
    error CollateralUnknown(bytes32 kind);
    error CollateralHashMismatch(bytes32 kind, bytes32 expected, bytes32 journal);
    error ArkNotPinned(bytes32 arkHash);

    /// @notice Verifies a proof of Automata's DCAP program and returns its checked output.
    /// @param journal the program's journal (SP1: public values).
    /// @param seal the proof (RiscZero seal / SP1 proof bytes).
    function verifyDcapJournal(ZkVm zkvm, bytes32 programId, bytes calldata journal, bytes calldata seal)
        external
        view
        returns (DcapZkResult memory);

    /// @notice Verifies a proof of our DCAP program (Automata's journal behind a header naming the
    /// PPID) with the same allowlist, time window and collateral checks as `verifyDcapJournal`.
    /// @param journal u16 version = 1 || bytes16 ppid || bytes32 pckCertHash || Automata v1.0 journal.
    function verifyPocDcapJournal(ZkVm zkvm, bytes32 programId, bytes calldata journal, bytes calldata seal)
        external
        view
        returns (PocDcapZkResult memory);

    /// @notice Verifies a proof of the SEV-SNP program and returns its checked output.
    function verifySnpJournal(ZkVm zkvm, bytes32 programId, bytes calldata journal, bytes calldata seal)
        external
        view
        returns (SnpZkResult memory);

    /// @notice Alliance only: allow `programId` on `zkvm` for journals of `kind` (None revokes).
    function setProgram(ZkVm zkvm, bytes32 programId, JournalKind kind) external;

    /// @notice Alliance only: pin or unpin an AMD ARK certificate hash (sha256 of its DER).
    function setArkPinned(bytes32 arkHash, bool pinned) external;

    /// @notice Alliance only: how old a journal's timestamp may be, in seconds.
    function setMaxJournalAge(uint64 maxAge) external;

    /// @notice Alliance only: the collateral store DCAP journals are checked against.
    function setCollateralStore(address store) external;

    /// @notice The journal kind `programId` is allowed for on `zkvm` (None when not allowed).
    function programKind(ZkVm zkvm, bytes32 programId) external view returns (JournalKind);

    /// @notice Whether an ARK hash is pinned.
    function arkPinned(bytes32 arkHash) external view returns (bool);
}
