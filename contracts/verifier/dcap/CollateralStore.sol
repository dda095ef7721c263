// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {
    ICollateralStore,
    QUOTE_COLLATERAL_CA_KEY,
    QUOTE_COLLATERAL_PEM_HASHES
} from "../../interfaces/ICollateralStore.sol";
import {ICollateralHashes} from "../../interfaces/ICollateralHashes.sol";
import {CollateralKinds} from "../zk/CollateralKinds.sol";
import {IQuoteVerifier} from "../../interfaces/IQuoteVerifier.sol";
import {X509} from "../lib/X509.sol";
import {X509Crl} from "../lib/X509Crl.sol";
import {EcdsaP256} from "../lib/EcdsaP256.sol";
import {Pem} from "../lib/Pem.sol";
import {DataBlob} from "./DataBlob.sol";
import {TcbInfoParser} from "./TcbInfoParser.sol";
import {QeIdentityParser} from "./QeIdentityParser.sol";
import {CollateralParser} from "./CollateralParser.sol";

/// @title CollateralStore
/// @notice Intel DCAP collateral onchain, fed by anyone and trusted only through the pinned root.
/// Also answers the ZK route's {ICollateralHashes}: the keccak256 of each current item's exact
/// uploaded bytes, recorded at upload (the compact forms cannot give it back).
/// @dev Storage layout and compact forms: docs/onchain-dcap.md; hash kinds: docs/zk-journals.md.
contract CollateralStore is ICollateralStore, ICollateralHashes {
    bytes32 private constant CN_PLATFORM = keccak256("Intel SGX PCK Platform CA");
    bytes32 private constant CN_PROCESSOR = keccak256("Intel SGX PCK Processor CA");
    bytes32 private constant CN_TCB_SIGNING = keccak256("Intel SGX TCB Signing");

    /// @inheritdoc ICollateralStore
    bytes32 public immutable rootCertHash;

    mapping(CaRole => CaRecord) private _certificates;
    mapping(bytes32 subjectHash => CaRole) private _roles;
    mapping(CaRole => CrlRecord) internal _crls;
    mapping(bytes32 key => bool) internal _revoked; // keccak256(issuer role, generation, serial hash)
    mapping(bytes32 key => CollateralRecord) private _tcbInfos; // keccak256(tee, fmspc)
    mapping(uint8 id => CollateralRecord) private _qeIdentities; // by the identity's id: _qeIdentityKey
    mapping(bytes32 kind => mapping(bytes6 fmspc => bytes32)) private _collateralHashes;

    /// @dev What a quote needs of the certificates and CRLs above its PCK certificate, folded into one
    /// slot per PCK CA role when any of them is uploaded: every one present and unrevoked (`ok`), the
    /// latest start and earliest end of their windows, the PCK CRL generation. A quote reads this slot
    /// instead of five; when it does not vouch (missing, revoked, outside the window) the quote takes
    /// the item-by-item checks, which revert with the precise error. docs/onchain-dcap.md.
    struct ChainSummary {
        uint64 notBefore;
        uint64 notAfter;
        uint64 generation;
        bool ok;
    }

    mapping(CaRole pckCa => ChainSummary) private _chainSummaries;

    /// @notice The stateless JSON reader uploads go through.
    CollateralParser public immutable parser;

    /// @param rootCertHash_ sha256 of the Intel SGX Root CA certificate's DER.
    /// @param parser_ a deployed CollateralParser.
    constructor(bytes32 rootCertHash_, CollateralParser parser_) {
        rootCertHash = rootCertHash_;
        parser = parser_;
    }

    /// @inheritdoc ICollateralStore
    function uploadRootCertificate(bytes calldata der) external {
        bytes32 h = sha256(der);
        if (h != rootCertHash) revert RootHashMismatch(rootCertHash, h);
        bytes memory d = der;
        X509.Certificate memory c = X509.parseP256(d);
        if (c.issuerHash != c.subjectHash) revert NotIssuedByRoot(c.issuerHash);
        if (!X509.signedBy(d, c, c.pubX, c.pubY)) revert SignatureInvalid("root certificate");
        _storeCertificate(CaRole.Root, c, d);
        _setCollateralHash(CollateralKinds.ROOT_CA, bytes6(0), keccak256(d));
    }

    /// @inheritdoc ICollateralStore
    function uploadCertificate(bytes calldata der) external {
        CaRecord storage root = _certificates[CaRole.Root];
        if (root.notAfter == 0) revert RootNotUploaded();
        bytes memory d = der;
        X509.Certificate memory c = X509.parseP256(d);
        if (_roles[c.issuerHash] != CaRole.Root) revert NotIssuedByRoot(c.issuerHash);
        if (!X509.signedBy(d, c, root.pubX, root.pubY)) revert SignatureInvalid("certificate");
        _checkCertTime(c.subjectHash, c.notBefore, c.notAfter);
        CrlRecord storage rootCrl = _crls[CaRole.Root];
        if (rootCrl.generation != 0 && _isRevoked(CaRole.Root, rootCrl.generation, c.serialHash)) {
            revert IQuoteVerifier.CertificateRevoked(c.serialHash);
        }
        bytes32 cn = X509.commonNameHash(d, c.subjectNode);
        CaRole role;
        if (cn == CN_PLATFORM) role = CaRole.PckPlatform;
        else if (cn == CN_PROCESSOR) role = CaRole.PckProcessor;
        else if (cn == CN_TCB_SIGNING) role = CaRole.TcbSigning;
        else revert UnknownCertificateRole(cn);
        _storeCertificate(role, c, d);
        if (role == CaRole.TcbSigning) _setCollateralHash(CollateralKinds.TCB_SIGNING_CA, bytes6(0), keccak256(d));
    }

    /// @inheritdoc ICollateralStore
    function uploadCrl(bytes calldata der) external {
        bytes memory d = der;
        X509Crl.Crl memory c = X509Crl.parse(d);
        CaRole issuer = _roles[c.issuerHash];
        if (issuer != CaRole.Root && issuer != CaRole.PckPlatform && issuer != CaRole.PckProcessor) {
            revert UnknownCrlIssuer(c.issuerHash);
        }
        CaRecord storage ca = _certificates[issuer];
        if (!X509Crl.signedBy(d, c, ca.pubX, ca.pubY)) revert SignatureInvalid("crl");
        CrlRecord storage current = _crls[issuer];
        if (c.thisUpdate <= current.thisUpdate) revert NotNewer("crl", current.thisUpdate, c.thisUpdate);
        uint64 generation = current.generation + 1;
        uint256 count;
        uint256 entry;
        while (true) {
            if (c.revoked == 0) break;
            bytes32 serialHash;
            (entry, serialHash) = X509Crl.nextRevoked(d, c, entry);
            if (entry == 0) break;
            _revoked[_revocationKey(issuer, generation, serialHash)] = true;
            ++count;
        }
        _crls[issuer] = CrlRecord(c.thisUpdate, c.nextUpdate, generation);
        if (issuer == CaRole.Root) _resolveIntermediateRevocation(generation);
        else _refreshChainSummaries();
        emit CrlStored(issuer, c.thisUpdate, c.nextUpdate, count);
        bytes32 kind = issuer == CaRole.Root
            ? CollateralKinds.ROOT_CA_CRL
            : issuer == CaRole.PckPlatform ? CollateralKinds.PCK_CRL_PLATFORM : CollateralKinds.PCK_CRL_PROCESSOR;
        _setCollateralHash(kind, bytes6(0), keccak256(d));
    }

    /// @inheritdoc ICollateralStore
    function uploadTcbInfo(bytes calldata tcbInfoJson, bytes calldata signature) external {
        _checkTcbSignature(tcbInfoJson, signature, "tcb info");
        TcbInfoParser.TcbInfo memory t = parser.parseTcbInfo(tcbInfoJson);
        bytes32 key = _tcbInfoKey(t.tee, t.fmspc);
        _checkReplaces(_tcbInfos[key], "tcb info", t.issueDate, t.data, TcbInfoParser.EVALUATION_NUMBER_AT);
        address data = DataBlob.write(t.data);
        _tcbInfos[key] = CollateralRecord(data, uint48(t.issueDate), uint48(t.nextUpdate));
        emit TcbInfoStored(t.tee, t.fmspc, t.issueDate, t.nextUpdate, data);
        _setCollateralHash(t.tee == TcbInfoParser.TEE_TDX ? CollateralKinds.TCB_INFO_TDX : CollateralKinds.TCB_INFO_SGX, t.fmspc, keccak256(tcbInfoJson));
    }

    /// @inheritdoc ICollateralStore
    function uploadQeIdentity(bytes calldata qeIdentityJson, bytes calldata signature) external {
        _checkTcbSignature(qeIdentityJson, signature, "qe identity");
        QeIdentityParser.QeIdentity memory e = parser.parseQeIdentity(qeIdentityJson);
        _checkReplaces(_qeIdentities[e.id], "qe identity", e.issueDate, e.data, QeIdentityParser.EVALUATION_NUMBER_AT);
        address data = DataBlob.write(e.data);
        _qeIdentities[e.id] = CollateralRecord(data, uint48(e.issueDate), uint48(e.nextUpdate));
        emit QeIdentityStored(e.id, e.issueDate, e.nextUpdate, data);
        _setCollateralHash(e.id == QeIdentityParser.ID_TD_QE ? CollateralKinds.QE_IDENTITY_TDX : CollateralKinds.QE_IDENTITY_SGX, bytes6(0), keccak256(qeIdentityJson));
    }

    /// @inheritdoc ICollateralHashes
    /// @dev Answers for the item currently held, whatever its validity window: the zk program checked
    /// validity at the journal's timestamp, and the verifier bounds that timestamp's age.
    function collateralHash(bytes32 kind, bytes6 fmspc) external view returns (bytes32) {
        return _collateralHashes[kind][fmspc];
    }

    /// @inheritdoc ICollateralStore
    function certificate(CaRole role) external view returns (CaRecord memory) {
        return _certificates[role];
    }

    /// @inheritdoc ICollateralStore
    function crl(CaRole role) external view returns (CrlRecord memory) {
        return _crls[role];
    }

    /// @inheritdoc ICollateralStore
    function isRevoked(CaRole issuer, bytes32 serialHash) external view returns (bool) {
        uint64 generation = _crls[issuer].generation;
        return generation != 0 && _isRevoked(issuer, generation, serialHash);
    }

    /// @inheritdoc ICollateralStore
    function roleOf(bytes32 subjectHash) external view returns (CaRole) {
        return _roles[subjectHash];
    }

    /// @inheritdoc ICollateralStore
    function tcbInfo(uint8 tee, bytes6 fmspc) external view returns (CollateralRecord memory) {
        return _tcbInfos[_tcbInfoKey(tee, fmspc)];
    }

    /// @inheritdoc ICollateralStore
    function qeIdentity(uint8 id) external view returns (CollateralRecord memory) {
        return _qeIdentities[id];
    }

    /// @inheritdoc ICollateralStore
    function quoteCollateral(bytes32 pckIssuerHash, bytes32 pckSerialHash, uint8 tee, bytes6 fmspc, uint8 parts)
        external
        view
        returns (QuoteCollateral memory out)
    {
        CaRole role = _roles[pckIssuerHash];
        if (role != CaRole.PckPlatform && role != CaRole.PckProcessor) {
            revert IQuoteVerifier.UnknownPckIssuer(pckIssuerHash);
        }
        ChainSummary memory sum = _chainSummaries[role];
        uint64 expiry;
        uint64 pckGeneration;
        if (sum.ok && block.timestamp >= sum.notBefore && block.timestamp <= sum.notAfter) {
            (expiry, pckGeneration) = (sum.notAfter, sum.generation);
        } else {
            (expiry, pckGeneration) = _checkChainItems(role);
        }
        if (_isRevoked(role, pckGeneration, pckSerialHash)) revert IQuoteVerifier.CertificateRevoked(pckSerialHash);

        CollateralRecord memory t = _tcbInfos[_tcbInfoKey(tee, fmspc)];
        expiry = _checkCollateral(t, "tcb info", _tcbInfoKey(tee, fmspc), expiry);
        uint8 qeKey = _qeIdentityKey(tee);
        CollateralRecord memory q = _qeIdentities[qeKey];
        expiry = _checkCollateral(q, "qe identity", bytes32(uint256(qeKey)), expiry);
        out.tcbInfo = t.data;
        out.qeIdentity = q.data;
        out.expiry = expiry;
        CaRecord storage ca = _certificates[role];
        if (parts & QUOTE_COLLATERAL_PEM_HASHES != 0) {
            CaRecord storage root = _certificates[CaRole.Root];
            (out.caPemHash, out.caPemLength) = (ca.pemHash, ca.pemLength);
            (out.rootPemHash, out.rootPemLength) = (root.pemHash, root.pemLength);
        }
        if (parts & QUOTE_COLLATERAL_CA_KEY != 0) {
            out.pckCaX = ca.pubX;
            out.pckCaY = ca.pubY;
        }
    }

    /// @dev The item-by-item form of the chain summary's check: reverts naming the first item missing,
    /// outside its window or revoked; returns the earliest end and the PCK CRL generation.
    function _checkChainItems(CaRole role) private view returns (uint64 expiry, uint64 pckGeneration) {
        expiry = type(uint64).max;
        (, expiry) = _currentCrl(CaRole.Root, "root ca crl", expiry);
        expiry = _checkStoredCert(CaRole.Root, expiry);
        expiry = _checkStoredCert(role, expiry);
        expiry = _checkStoredCert(CaRole.TcbSigning, expiry);
        (pckGeneration, expiry) = _currentCrl(role, "pck crl", expiry);
    }

    /// @dev Recomputes both chain summaries from the records (after any certificate or CRL upload).
    function _refreshChainSummaries() internal {
        CrlRecord memory rootCrl = _crls[CaRole.Root];
        CaRecord storage root = _certificates[CaRole.Root];
        CaRecord storage tcb = _certificates[CaRole.TcbSigning];
        for (uint256 r = uint256(CaRole.PckPlatform); r <= uint256(CaRole.PckProcessor); ++r) {
            CaRecord storage ca = _certificates[CaRole(r)];
            CrlRecord memory pckCrl = _crls[CaRole(r)];
            ChainSummary memory sum = ChainSummary(0, type(uint64).max, pckCrl.generation, true);
            sum.ok = rootCrl.generation != 0 && pckCrl.generation != 0 && root.notAfter != 0 && ca.notAfter != 0
                && tcb.notAfter != 0 && !root.revoked && !ca.revoked && !tcb.revoked;
            uint64[5] memory starts = [rootCrl.thisUpdate, root.notBefore, ca.notBefore, tcb.notBefore, pckCrl.thisUpdate];
            uint64[5] memory ends = [rootCrl.nextUpdate, root.notAfter, ca.notAfter, tcb.notAfter, pckCrl.nextUpdate];
            for (uint256 i; i < 5; ++i) {
                if (starts[i] > sum.notBefore) sum.notBefore = starts[i];
                if (ends[i] < sum.notAfter) sum.notAfter = ends[i];
            }
            _chainSummaries[CaRole(r)] = sum;
        }
    }

    /// @dev Resolves the intermediates' revocation against root CRL `generation` once, at upload,
    /// instead of on every quote.
    function _resolveIntermediateRevocation(uint64 generation) internal {
        for (uint256 r = uint256(CaRole.PckPlatform); r <= uint256(CaRole.TcbSigning); ++r) {
            CaRecord storage ca = _certificates[CaRole(r)];
            if (ca.notAfter != 0) ca.revoked = _isRevoked(CaRole.Root, generation, ca.serialHash);
        }
        _refreshChainSummaries();
    }

    function _storeCertificate(CaRole role, X509.Certificate memory c, bytes memory der) private {
        CaRecord storage current = _certificates[role];
        if (c.notBefore <= current.notBefore) revert NotNewer("certificate", current.notBefore, c.notBefore);
        bytes memory pem = Pem.encode(der);
        _certificates[role] = CaRecord(c.notBefore, c.notAfter, uint64(pem.length), false, keccak256(pem), c.serialHash, c.pubX, c.pubY);
        _roles[c.subjectHash] = role;
        _refreshChainSummaries();
        emit CertificateStored(role, c.subjectHash, c.notBefore, c.notAfter);
    }

    function _setCollateralHash(bytes32 kind, bytes6 fmspc, bytes32 hash) private {
        _collateralHashes[kind][fmspc] = hash;
        emit CollateralHashStored(kind, fmspc, hash);
    }

    /// @dev Orders TCB info and QE identity by (tcbEvaluationDataNumber, issueDate). The evaluation
    /// comes first because Intel keeps reissuing an older evaluation after a TCB recovery: such an
    /// item is validly signed and may be issued later than the stored one, yet storing it would make
    /// OutOfDate levels UpToDate again and lift Revoked ones. The stored number is read back from the
    /// stored compact form rather than kept in the record, so the record stays one slot and quote
    /// verification reads nothing more; only a replacing upload pays for the code read.
    function _checkReplaces(
        CollateralRecord storage current,
        string memory kind,
        uint64 issueDate,
        bytes memory compact,
        uint256 evaluationAt
    ) private view {
        address stored = current.data;
        uint48 storedIssueDate = current.issueDate;
        uint32 offered;
        uint32 have;
        assembly ("memory-safe") {
            offered := shr(224, mload(add(add(compact, 32), evaluationAt)))
            if stored {
                // The blob's code is a STOP byte followed by the compact form.
                extcodecopy(stored, 0, add(evaluationAt, 1), 4)
                have := shr(224, mload(0))
            }
        }
        if (offered < have) revert CollateralRollback(kind, have, offered);
        if (offered == have && issueDate <= storedIssueDate) revert NotNewer(kind, storedIssueDate, issueDate);
    }

    function _checkTcbSignature(bytes calldata json, bytes calldata signature, string memory item) private view {
        if (signature.length != 64) revert BadSignatureLength(signature.length);
        CaRecord storage signer = _certificates[CaRole.TcbSigning];
        if (signer.notAfter == 0) revert IQuoteVerifier.CollateralMissing("tcb signing certificate", 0);
        if (!EcdsaP256.verify(sha256(json), bytes32(signature[0:32]), bytes32(signature[32:64]), signer.pubX, signer.pubY))
        {
            revert SignatureInvalid(item);
        }
    }

    function _currentCrl(CaRole issuer, string memory kind, uint64 expiry) private view returns (uint64, uint64) {
        CrlRecord memory c = _crls[issuer];
        if (c.generation == 0) revert IQuoteVerifier.CollateralMissing(kind, bytes32(uint256(issuer)));
        if (block.timestamp < c.thisUpdate || block.timestamp > c.nextUpdate) {
            revert IQuoteVerifier.CollateralNotValidAt(kind, c.thisUpdate, c.nextUpdate, block.timestamp);
        }
        return (c.generation, c.nextUpdate < expiry ? c.nextUpdate : expiry);
    }

    /// @dev Checks the stored certificate of `role` is present, valid now and not revoked by the
    /// current root CRL.
    function _checkStoredCert(CaRole role, uint64 expiry) private view returns (uint64) {
        CaRecord storage c = _certificates[role];
        uint64 nb = c.notBefore;
        uint64 na = c.notAfter;
        if (na == 0) revert IQuoteVerifier.CollateralMissing("certificate", bytes32(uint256(role)));
        _checkCertTime(bytes32(uint256(role)), nb, na);
        if (c.revoked) revert IQuoteVerifier.CertificateRevoked(c.serialHash);
        return na < expiry ? na : expiry;
    }

    function _checkCertTime(bytes32 subject, uint64 nb, uint64 na) private view {
        if (block.timestamp < nb || block.timestamp > na) {
            revert IQuoteVerifier.CertificateNotValidAt(subject, nb, na, block.timestamp);
        }
    }

    function _checkCollateral(CollateralRecord memory r, string memory kind, bytes32 key, uint64 expiry)
        private
        view
        returns (uint64)
    {
        if (r.data == address(0)) revert IQuoteVerifier.CollateralMissing(kind, key);
        if (block.timestamp < r.issueDate || block.timestamp > r.nextUpdate) {
            revert IQuoteVerifier.CollateralNotValidAt(kind, r.issueDate, r.nextUpdate, block.timestamp);
        }
        return r.nextUpdate < expiry ? uint64(r.nextUpdate) : expiry;
    }

    function _isRevoked(CaRole issuer, uint64 generation, bytes32 serialHash) private view returns (bool) {
        return _revoked[_revocationKey(issuer, generation, serialHash)];
    }

    function _revocationKey(CaRole issuer, uint64 generation, bytes32 serialHash) internal pure returns (bytes32) {
        return keccak256(abi.encode(issuer, generation, serialHash));
    }

    /// @dev The key a quote of TEE `tee` (TcbInfoParser's numbering) finds its QE identity under: the
    /// identity's `id`, which uploads store it by. TDX quotes are signed by the TD QE, SGX ones by the
    /// QE; the two numberings agree (0, 1) but only this function relates them.
    function _qeIdentityKey(uint8 tee) private pure returns (uint8) {
        return tee == TcbInfoParser.TEE_TDX ? QeIdentityParser.ID_TD_QE : QeIdentityParser.ID_QE;
    }

    function _tcbInfoKey(uint8 tee, bytes6 fmspc) private pure returns (bytes32) {
        return keccak256(abi.encodePacked(tee, fmspc));
    }
}
