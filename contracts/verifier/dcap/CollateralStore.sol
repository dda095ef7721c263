// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ICollateralStore} from "../../interfaces/ICollateralStore.sol";
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
/// @dev Storage layout and compact forms: docs/onchain-dcap.md.
contract CollateralStore is ICollateralStore {
    bytes32 private constant CN_PLATFORM = keccak256("Intel SGX PCK Platform CA");
    bytes32 private constant CN_PROCESSOR = keccak256("Intel SGX PCK Processor CA");
    bytes32 private constant CN_TCB_SIGNING = keccak256("Intel SGX TCB Signing");

    /// @inheritdoc ICollateralStore
    bytes32 public immutable rootCertHash;

    mapping(CaRole => CaRecord) private _certificates;
    mapping(bytes32 subjectHash => CaRole) private _roles;
    mapping(CaRole => CrlRecord) private _crls;
    mapping(bytes32 key => bool) private _revoked; // keccak256(issuer role, generation, serial hash)
    mapping(bytes32 key => CollateralRecord) private _tcbInfos; // keccak256(tee, fmspc)
    mapping(uint8 id => CollateralRecord) private _qeIdentities;

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
        X509.Certificate memory c = X509.parse(d);
        if (c.issuerHash != c.subjectHash) revert NotIssuedByRoot(c.issuerHash);
        if (!X509.signedBy(d, c, c.pubX, c.pubY)) revert SignatureInvalid("root certificate");
        _storeCertificate(CaRole.Root, c, d);
    }

    /// @inheritdoc ICollateralStore
    function uploadCertificate(bytes calldata der) external {
        CaRecord storage root = _certificates[CaRole.Root];
        if (root.notAfter == 0) revert RootNotUploaded();
        bytes memory d = der;
        X509.Certificate memory c = X509.parse(d);
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
        emit CrlStored(issuer, c.thisUpdate, c.nextUpdate, count);
    }

    /// @inheritdoc ICollateralStore
    function uploadTcbInfo(bytes calldata tcbInfoJson, bytes calldata signature) external {
        _checkTcbSignature(tcbInfoJson, signature, "tcb info");
        TcbInfoParser.TcbInfo memory t = parser.parseTcbInfo(tcbInfoJson);
        bytes32 key = _tcbInfoKey(t.tee, t.fmspc);
        CollateralRecord storage current = _tcbInfos[key];
        if (t.issueDate <= current.issueDate) revert NotNewer("tcb info", current.issueDate, t.issueDate);
        address data = DataBlob.write(t.data);
        _tcbInfos[key] = CollateralRecord(data, uint48(t.issueDate), uint48(t.nextUpdate));
        emit TcbInfoStored(t.tee, t.fmspc, t.issueDate, t.nextUpdate, data);
    }

    /// @inheritdoc ICollateralStore
    function uploadQeIdentity(bytes calldata qeIdentityJson, bytes calldata signature) external {
        _checkTcbSignature(qeIdentityJson, signature, "qe identity");
        QeIdentityParser.QeIdentity memory e = parser.parseQeIdentity(qeIdentityJson);
        CollateralRecord storage current = _qeIdentities[e.id];
        if (e.issueDate <= current.issueDate) revert NotNewer("qe identity", current.issueDate, e.issueDate);
        address data = DataBlob.write(e.data);
        _qeIdentities[e.id] = CollateralRecord(data, uint48(e.issueDate), uint48(e.nextUpdate));
        emit QeIdentityStored(e.id, e.issueDate, e.nextUpdate, data);
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
    function quoteCollateral(bytes32 pckIssuerHash, bytes32 pckSerialHash, uint8 tee, bytes6 fmspc, bool withCaKey)
        external
        view
        returns (QuoteCollateral memory out)
    {
        CaRole role = _roles[pckIssuerHash];
        if (role != CaRole.PckPlatform && role != CaRole.PckProcessor) {
            revert IQuoteVerifier.UnknownPckIssuer(pckIssuerHash);
        }
        uint64 expiry = type(uint64).max;
        uint64 rootGeneration;
        (rootGeneration, expiry) = _currentCrl(CaRole.Root, "root ca crl", expiry);
        expiry = _checkStoredCert(CaRole.Root, 0, expiry);
        expiry = _checkStoredCert(role, rootGeneration, expiry);
        expiry = _checkStoredCert(CaRole.TcbSigning, rootGeneration, expiry);
        uint64 pckGeneration;
        (pckGeneration, expiry) = _currentCrl(role, "pck crl", expiry);
        if (_isRevoked(role, pckGeneration, pckSerialHash)) revert IQuoteVerifier.CertificateRevoked(pckSerialHash);

        CollateralRecord memory t = _tcbInfos[_tcbInfoKey(tee, fmspc)];
        expiry = _checkCollateral(t, "tcb info", _tcbInfoKey(tee, fmspc), expiry);
        CollateralRecord memory q = _qeIdentities[tee];
        expiry = _checkCollateral(q, "qe identity", bytes32(uint256(tee)), expiry);
        out.tcbInfo = t.data;
        out.qeIdentity = q.data;
        out.expiry = expiry;
        CaRecord storage ca = _certificates[role];
        CaRecord storage root = _certificates[CaRole.Root];
        (out.caPemHash, out.caPemLength) = (ca.pemHash, ca.pemLength);
        (out.rootPemHash, out.rootPemLength) = (root.pemHash, root.pemLength);
        if (withCaKey) {
            out.pckCaX = ca.pubX;
            out.pckCaY = ca.pubY;
        }
    }

    function _storeCertificate(CaRole role, X509.Certificate memory c, bytes memory der) private {
        CaRecord storage current = _certificates[role];
        if (c.notBefore <= current.notBefore) revert NotNewer("certificate", current.notBefore, c.notBefore);
        bytes memory pem = Pem.encode(der);
        _certificates[role] = CaRecord(c.notBefore, c.notAfter, uint64(pem.length), keccak256(pem), c.serialHash, c.pubX, c.pubY);
        _roles[c.subjectHash] = role;
        emit CertificateStored(role, c.subjectHash, c.notBefore, c.notAfter);
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

    /// @dev Checks the stored certificate of `role` is present, valid now and (when `rootGeneration`
    /// is not 0) not revoked by the root CRL.
    function _checkStoredCert(CaRole role, uint64 rootGeneration, uint64 expiry) private view returns (uint64) {
        CaRecord storage c = _certificates[role];
        uint64 nb = c.notBefore;
        uint64 na = c.notAfter;
        if (na == 0) revert IQuoteVerifier.CollateralMissing("certificate", bytes32(uint256(role)));
        _checkCertTime(bytes32(uint256(role)), nb, na);
        if (rootGeneration != 0) {
            bytes32 serialHash = c.serialHash;
            if (_isRevoked(CaRole.Root, rootGeneration, serialHash)) revert IQuoteVerifier.CertificateRevoked(serialHash);
        }
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

    function _revocationKey(CaRole issuer, uint64 generation, bytes32 serialHash) private pure returns (bytes32) {
        return keccak256(abi.encode(issuer, generation, serialHash));
    }

    function _tcbInfoKey(uint8 tee, bytes6 fmspc) private pure returns (bytes32) {
        return keccak256(abi.encodePacked(tee, fmspc));
    }
}
