// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IQuoteVerifier
/// @notice Verifies an Intel DCAP quote (SGX v3, TDX v4 / v5) and returns what it proves. Implemented by
/// our onchain verifier (DcapQuoteVerifier) and by an adapter to Automata's DCAP attestation
/// (AutomataDcapAdapter). Output layout: docs/onchain-dcap.md.
interface IQuoteVerifier {
    /// @notice Intel's TCB statuses, in increasing severity (the order a merge keeps the worse of).
    enum TcbStatus {
        UpToDate,
        SWHardeningNeeded,
        ConfigurationNeeded,
        ConfigurationAndSWHardeningNeeded,
        OutOfDate,
        OutOfDateConfigurationNeeded,
        Revoked
    }

    /// @notice The verdict on one quote. `reportBody` is the raw quote body (SGX enclave report, TD
    /// report 1.0 or 1.5): its registers sit at the offsets docs/onchain-dcap.md lists.
    struct VerifiedQuote {
        uint32 teeType; // 0x00000000 SGX, 0x00000081 TDX
        uint16 quoteVersion; // 3, 4 or 5
        uint16 bodyType; // 1 SGX enclave report, 2 TD report 1.0, 3 TD report 1.5
        TcbStatus tcbStatus;
        uint32[] advisoryIds; // n of "INTEL-SA-nnnnn", platform's then the QE's, no duplicates
        bytes16 ppid;
        bytes6 fmspc;
        bytes32 pckCertHash; // keccak256 of the PCK leaf certificate's canonical PEM block
        uint64 collateralExpiry; // earliest nextUpdate / notAfter among what was used
        bytes reportData; // 64 bytes
        bytes reportBody;
    }

    // ---- quote structure ----
    /// @dev The quote is malformed: `field` names the structure, `offset` the byte where reading failed.
    error QuoteMalformed(string field, uint256 offset);
    error UnsupportedQuoteVersion(uint16 version);
    error UnsupportedTeeType(uint32 teeType);
    error UnsupportedAttestationKeyType(uint16 attestationKeyType);
    error UnsupportedCertificationDataType(uint16 certType);

    // ---- certificates ----
    error UnknownPckIssuer(bytes32 issuerHash);
    error CertificateSignatureInvalid(bytes32 subjectHash);
    error CertificateNotValidAt(bytes32 subjectHash, uint64 notBefore, uint64 notAfter, uint256 time);
    error CertificateRevoked(bytes32 serialHash);
    error PlatformNotCached(bytes32 pckCertHash);
    /// @dev The platform record's data contract could not be created (docs/onchain-dcap.md, "Platform cache").
    error PlatformCacheFailed(bytes32 pckCertHash);
    /// @dev The quote's PCK chain after the leaf is not the stored CA and root certificates (canonical
    /// PEM), followed only by NUL padding.
    error PckChainMismatch(uint256 offset);
    error MissingSgxExtension(string field);
    /// @dev A PCK certificate's base64 holds a character outside the alphabet (raised by OpenZeppelin's
    /// Base64, declared here so callers can decode it).
    error InvalidBase64Char(bytes1 char);

    // ---- collateral ----
    error CollateralMissing(string kind, bytes32 key);
    error CollateralNotValidAt(string kind, uint64 issued, uint64 nextUpdate, uint256 time);
    error PceIdMismatch(bytes2 pck, bytes2 tcbInfo);

    // ---- signatures and policy ----
    error QeReportSignatureInvalid();
    error QeReportBindingMismatch();
    error QeIdentityMismatch(string field);
    error QeTcbLevelNotFound(uint16 isvSvn);
    error QuoteSignatureInvalid();
    error TcbLevelNotFound();
    error TdxModuleIdentityNotFound(uint8 version);
    error TdxModuleMismatch(string field);
    error TdxModuleTcbLevelNotFound(uint8 svn);
    error TcbStatusRevoked();
    error DebugModeEnabled();
    error TdAttributesInvalid(bytes8 tdAttributes);
    error MrServiceTdNotZero();

    /// @notice Emitted the first time a PCK certificate verifies: later quotes from it skip X.509 work.
    event PlatformCached(bytes32 indexed pckCertHash, bytes16 ppid, bytes6 fmspc);

    /// @notice Verifies `quote` against the collateral store at `block.timestamp`; reverts with the
    /// first failed check. May cache the quote's platform (see {PlatformCached}).
    function verifyQuote(bytes calldata quote) external returns (VerifiedQuote memory);
}
