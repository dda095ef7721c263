// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// `parts` bits of {ICollateralStore.quoteCollateral}: what a verification asks for beyond the checks.
// The PCK issuer's public key (a PCK certificate not seen before must be checked against it).
uint8 constant QUOTE_COLLATERAL_CA_KEY = 1;
// The chain's canonical PEM hashes and lengths (a quote's certification data is matched against them).
uint8 constant QUOTE_COLLATERAL_PEM_HASHES = 2;

/// @title ICollateralStore
/// @notice Intel DCAP collateral kept onchain in compact form, fed by anyone: every upload is checked
/// against the pinned Intel SGX Root CA and its signing chain. Newer collateral replaces older only
/// when issued later; TCB info and QE identity also never go back to an older TCB evaluation.
/// Storage layouts: docs/onchain-dcap.md.
interface ICollateralStore {
    /// @notice Which Intel certificate a stored key belongs to (recognised by its subject CN).
    enum CaRole {
        None,
        Root,
        PckPlatform,
        PckProcessor,
        TcbSigning
    }

    struct CaRecord {
        uint64 notBefore;
        uint64 notAfter;
        uint64 pemLength; // length of the certificate's canonical PEM block
        bool revoked; // listed by the current root CA CRL (set when either is uploaded)
        bytes32 pemHash; // keccak256 of that block: how quotes' chains are matched
        bytes32 serialHash;
        bytes32 pubX;
        bytes32 pubY;
    }

    struct CrlRecord {
        uint64 thisUpdate;
        uint64 nextUpdate;
        uint64 generation; // bumps on every replacement; revoked serials are keyed by it
    }

    /// @notice A signed JSON collateral item (TCB info or QE identity) in compact form.
    struct CollateralRecord {
        address data; // code-stored compact bytes (DataBlob)
        uint48 issueDate;
        uint48 nextUpdate;
    }

    /// @notice What a quote verification needs, checked valid at `block.timestamp`.
    struct QuoteCollateral {
        bytes32 pckCaX; // the PCK issuer's key (zero unless asked for)
        bytes32 pckCaY;
        address tcbInfo;
        address qeIdentity;
        uint64 expiry; // earliest end of validity among everything checked
        bytes32 caPemHash; // the PCK issuer's canonical PEM block: keccak256 and length
        uint256 caPemLength;
        bytes32 rootPemHash; // the root's
        uint256 rootPemLength;
    }

    error RootHashMismatch(bytes32 expected, bytes32 got);
    error RootNotUploaded();
    error NotIssuedByRoot(bytes32 issuerHash);
    error UnknownCertificateRole(bytes32 commonNameHash);
    error UnknownCrlIssuer(bytes32 issuerHash);
    error SignatureInvalid(string item);
    error NotNewer(string item, uint64 current, uint64 offered);
    /// @notice A TCB info or QE identity (`kind`) of an older TCB evaluation than the one stored:
    /// refused whatever its issueDate, since it would undo a TCB recovery.
    error CollateralRollback(string kind, uint32 storedEvaluationNumber, uint32 offeredEvaluationNumber);
    error BadSignatureLength(uint256 length);

    event CertificateStored(CaRole indexed role, bytes32 subjectHash, uint64 notBefore, uint64 notAfter);
    event CrlStored(CaRole indexed issuer, uint64 thisUpdate, uint64 nextUpdate, uint256 revokedCount);
    event TcbInfoStored(uint8 indexed tee, bytes6 indexed fmspc, uint64 issueDate, uint64 nextUpdate, address data);
    event QeIdentityStored(uint8 indexed id, uint64 issueDate, uint64 nextUpdate, address data);

    /// @notice sha256 of the pinned Intel SGX Root CA certificate (DER), fixed at deployment.
    function rootCertHash() external view returns (bytes32);

    /// @notice Stores the root certificate; its sha256 must equal {rootCertHash} and it must be self-signed.
    function uploadRootCertificate(bytes calldata der) external;

    /// @notice Stores an intermediate (PCK Platform CA, PCK Processor CA, TCB Signing) signed by the root.
    function uploadCertificate(bytes calldata der) external;

    /// @notice Stores a CRL issued by the root or a PCK CA, replacing an older one from the same issuer.
    function uploadCrl(bytes calldata der) external;

    /// @notice Stores TCB info (the exact signed JSON body) signed by the TCB Signing key (64-byte r||s).
    /// Replaces the stored one for its (tee, fmspc) only with a higher tcbEvaluationDataNumber, or the
    /// same number and a later issueDate (else `CollateralRollback` / `NotNewer`).
    function uploadTcbInfo(bytes calldata tcbInfoJson, bytes calldata signature) external;

    /// @notice Stores a QE identity (the exact signed JSON body) signed by the TCB Signing key, under
    /// the same replacement rule as TCB info.
    function uploadQeIdentity(bytes calldata qeIdentityJson, bytes calldata signature) external;

    /// @notice The certificate stored for `role`.
    function certificate(CaRole role) external view returns (CaRecord memory);

    /// @notice The CRL currently stored for the issuer `role`.
    function crl(CaRole role) external view returns (CrlRecord memory);

    /// @notice Whether the current CRL of `issuer` lists the serial whose content hash is `serialHash`.
    function isRevoked(CaRole issuer, bytes32 serialHash) external view returns (bool);

    /// @notice The role of the stored CA whose subject Name hashes to `subjectHash`.
    function roleOf(bytes32 subjectHash) external view returns (CaRole);

    /// @notice TCB info for (`tee` 0 SGX / 1 TDX, `fmspc`).
    function tcbInfo(uint8 tee, bytes6 fmspc) external view returns (CollateralRecord memory);

    /// @notice QE identity for `id` 0 QE / 1 TD_QE (what SGX / TDX quotes are checked against).
    function qeIdentity(uint8 id) external view returns (CollateralRecord memory);

    /// @notice Checks, at `block.timestamp`, everything a quote from a PCK certificate (issuer name hash,
    /// serial hash) relies on: CA and root validity, CRLs current, CA and PCK not revoked, TCB signing
    /// certificate valid, TCB info for (`tee`, `fmspc`) and the QE identity current. Reverts with
    /// IQuoteVerifier's collateral errors. `parts` asks for more: QUOTE_COLLATERAL_CA_KEY (1) the CA key,
    /// QUOTE_COLLATERAL_PEM_HASHES (2) the chain's PEM hashes.
    function quoteCollateral(bytes32 pckIssuerHash, bytes32 pckSerialHash, uint8 tee, bytes6 fmspc, uint8 parts)
        external
        view
        returns (QuoteCollateral memory);
}
