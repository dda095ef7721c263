// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IQuoteVerifier} from "../../interfaces/IQuoteVerifier.sol";
import {
    ICollateralStore,
    QUOTE_COLLATERAL_CA_KEY,
    QUOTE_COLLATERAL_PEM_HASHES
} from "../../interfaces/ICollateralStore.sol";
import {BytesRead} from "../lib/BytesRead.sol";
import {EcdsaP256} from "../lib/EcdsaP256.sol";
import {Pem} from "../lib/Pem.sol";
import {X509} from "../lib/X509.sol";
import {QuoteParser} from "./QuoteParser.sol";
import {PckCertificate} from "./PckCertificate.sol";
import {TcbEvaluation} from "./TcbEvaluation.sol";
import {TcbInfoParser} from "./TcbInfoParser.sol";
import {DataBlob} from "./DataBlob.sol";

/// @title DcapQuoteVerifier
/// @notice Full Intel DCAP verification onchain (SGX v3, TDX v4 / v5) against the collateral in a
/// {ICollateralStore}, with a platform cache keyed by PCK-certificate hash so repeat quotes skip X.509
/// work. Output and cache layouts: docs/onchain-dcap.md.
contract DcapQuoteVerifier is IQuoteVerifier {
    /// @notice A PCK certificate that verified once: what later quotes from it need.
    struct Platform {
        bytes16 ppid;
        bytes16 cpuSvn;
        bytes6 fmspc;
        bytes2 pceId;
        uint16 pceSvn;
        uint64 notBefore;
        uint64 notAfter;
        bytes32 issuerHash;
        bytes32 serialHash;
        bytes32 pubX;
        bytes32 pubY;
        /// keccak256 of the QE report and its signature (448 bytes) that verified under this key on
        /// first sight: a later quote carrying the same bytes skips that P-256 check, as the SDK's
        /// cache does (keyed by signature and report, so a changed signature is checked again).
        bytes32 qeReportHash;
    }

    /// @dev What the certification data left to check once the collateral is known: the chain
    /// after the leaf (uncompressed quotes) and, for a first-seen certificate, its signature.
    struct PendingSignature {
        bytes32 tbsHash;
        bytes32 r;
        bytes32 s;
        uint256 chainAt; // offset just past the leaf block, 0 for a compressed quote
        uint256 chainEnd;
    }

    /// @notice Where the collateral comes from.
    ICollateralStore public immutable collateralStore;

    /// @dev A cached platform is the code of a data contract at a CREATE2 address of this verifier with
    /// salt `pckCertHash` and this constant init code, which copies its code from {pendingPlatformCode}
    /// (transient storage written just before): one cold code read per later quote instead of six
    /// storage slots, and about half the gas of six SSTOREs on first sight. docs/onchain-dcap.md.
    /// PUSH4 sel PUSH0 MSTORE PUSH0 PUSH0 PUSH1 4 PUSH1 28 CALLER GAS STATICCALL POP
    /// RETURNDATASIZE PUSH0 PUSH0 RETURNDATACOPY RETURNDATASIZE PUSH0 RETURN
    bytes private constant PLATFORM_INIT = hex"633a6cfc645f525f5f6004601c335afa503d5f5f3e3d5ff3";
    bytes32 private constant PLATFORM_INIT_HASH = keccak256(PLATFORM_INIT);
    /// @dev Record code length: a STOP byte, then the packed record (docs/onchain-dcap.md).
    uint256 private constant RECORD_LEN = 219;

    constructor(ICollateralStore store) {
        collateralStore = store;
    }

    /// @notice The cached platform of a PCK certificate (all zero when not cached).
    function platform(bytes32 pckCertHash) external view returns (Platform memory) {
        return _loadPlatform(pckCertHash);
    }

    /// @notice The code of the platform record being cached (read by its data contract's init code
    /// during {verifyQuote}; empty at any other time). Raw bytes, not ABI-encoded.
    function pendingPlatformCode() external view {
        assembly ("memory-safe") {
            let n := tload(7)
            for { let i := 0 } lt(i, 7) { i := add(i, 1) } { mstore(mul(i, 32), tload(i)) }
            return(0, n)
        }
    }

    /// @notice Where the record of `pckCertHash` lives (no code there: not cached).
    function platformRecordAddress(bytes32 pckCertHash) public view returns (address a) {
        bytes32 initHash = PLATFORM_INIT_HASH;
        assembly ("memory-safe") {
            // keccak256(0xff ++ this ++ salt ++ keccak256(init))[12:], built in scratch and free memory
            let m := mload(0x40)
            mstore(m, or(shl(160, 0xff), address()))
            mstore(add(m, 32), pckCertHash)
            mstore(add(m, 64), initHash)
            a := and(keccak256(add(m, 11), 85), 0xffffffffffffffffffffffffffffffffffffffff)
        }
    }

    function _loadPlatform(bytes32 certHash) private view returns (Platform memory plat) {
        address a = platformRecordAddress(certHash);
        // STOP | ppid 16 | cpuSvn 16 | fmspc 6 | pceId 2 | pceSvn 2 | notBefore 8 | notAfter 8 | issuerHash 32
        // | serialHash 32 | pubX 32 | pubY 32 | qeReportHash 32; no code there reads as zeros (not cached)
        uint256 w0;
        uint256 w1;
        assembly ("memory-safe") {
            let m := mload(0x40)
            extcodecopy(a, m, 1, 218)
            w0 := mload(m)
            w1 := mload(add(m, 32))
            mstore(add(plat, 224), mload(add(m, 58))) // issuerHash
            mstore(add(plat, 256), mload(add(m, 90))) // serialHash
            mstore(add(plat, 288), mload(add(m, 122))) // pubX
            mstore(add(plat, 320), mload(add(m, 154))) // pubY
            mstore(add(plat, 352), mload(add(m, 186))) // qeReportHash
        }
        plat.ppid = bytes16(bytes32(w0));
        plat.cpuSvn = bytes16(bytes32(w0 << 128));
        plat.fmspc = bytes6(bytes32(w1));
        plat.pceId = bytes2(bytes32(w1 << 48));
        plat.pceSvn = uint16(w1 >> 176);
        plat.notBefore = uint64(w1 >> 112);
        plat.notAfter = uint64(w1 >> 48);
    }

    function _storePlatform(bytes32 certHash, Platform memory p) private {
        bytes memory rec = abi.encodePacked(
            bytes1(0), p.ppid, p.cpuSvn, p.fmspc, p.pceId, p.pceSvn, p.notBefore, p.notAfter, p.issuerHash,
            p.serialHash, p.pubX, p.pubY, p.qeReportHash
        );
        bytes memory init = PLATFORM_INIT;
        address a;
        assembly ("memory-safe") {
            for { let i := 0 } lt(i, 7) { i := add(i, 1) } { tstore(i, mload(add(add(rec, 32), mul(i, 32)))) }
            tstore(7, RECORD_LEN)
            a := create2(0, add(init, 32), mload(init), certHash)
            for { let i := 0 } lt(i, 8) { i := add(i, 1) } { tstore(i, 0) }
        }
        if (a == address(0) || a.code.length != RECORD_LEN) revert PlatformCacheFailed(certHash);
    }

    /// @inheritdoc IQuoteVerifier
    function verifyQuote(bytes calldata quote) external returns (VerifiedQuote memory out) {
        bytes memory q = quote;
        QuoteParser.Quote memory r = QuoteParser.parse(q);
        (bytes32 certHash, Platform memory plat, PendingSignature memory pending) = _platform(q, r);
        ICollateralStore.QuoteCollateral memory c = _collateral(q, r, plat, certHash, pending);
        TcbEvaluation.Verdict memory v = _verify(q, r, plat, c);
        if (pending.r != 0) {
            _storePlatform(certHash, plat);
            emit PlatformCached(certHash, plat.ppid, plat.fmspc);
        }
        out = _output(q, r, plat, v, certHash, c.expiry < plat.notAfter ? c.expiry : plat.notAfter);
    }

    /// @dev Collateral current at `block.timestamp`, the PCK certificate valid and (first seen) signed
    /// by its CA.
    function _collateral(
        bytes memory q,
        QuoteParser.Quote memory r,
        Platform memory plat,
        bytes32 certHash,
        PendingSignature memory pending
    ) private view returns (ICollateralStore.QuoteCollateral memory c) {
        bool firstSeen = pending.r != 0;
        uint8 parts = (firstSeen ? QUOTE_COLLATERAL_CA_KEY : 0) | (pending.chainAt != 0 ? QUOTE_COLLATERAL_PEM_HASHES : 0);
        // The store numbers TEEs as TCB info does (its `id`), not as the quote header does.
        uint8 tee = r.teeType == QuoteParser.TEE_TDX ? TcbInfoParser.TEE_TDX : TcbInfoParser.TEE_SGX;
        c = collateralStore.quoteCollateral(plat.issuerHash, plat.serialHash, tee, plat.fmspc, parts);
        if (block.timestamp < plat.notBefore || block.timestamp > plat.notAfter) {
            revert CertificateNotValidAt(certHash, plat.notBefore, plat.notAfter, block.timestamp);
        }
        if (firstSeen && !EcdsaP256.verify(pending.tbsHash, pending.r, pending.s, c.pckCaX, c.pckCaY)) {
            revert CertificateSignatureInvalid(certHash);
        }
        if (pending.chainAt != 0) _checkChain(q, pending, c);
    }

    /// @dev After the leaf: exactly the stored PCK CA and root blocks, then only NUL padding.
    function _checkChain(bytes memory q, PendingSignature memory pending, ICollateralStore.QuoteCollateral memory c)
        private
        pure
    {
        uint256 p = pending.chainAt;
        uint256 rootAt = p + c.caPemLength;
        uint256 end = rootAt + c.rootPemLength;
        if (end > pending.chainEnd || BytesRead.keccak(q, p, c.caPemLength) != c.caPemHash) revert PckChainMismatch(p);
        if (BytesRead.keccak(q, rootAt, c.rootPemLength) != c.rootPemHash) revert PckChainMismatch(rootAt);
        if (!BytesRead.isZero(q, end, pending.chainEnd - end)) revert PckChainMismatch(end);
    }

    /// @dev QE report signature and binding, QE identity, quote signature, TCB levels, attributes.
    function _verify(
        bytes memory q,
        QuoteParser.Quote memory r,
        Platform memory plat,
        ICollateralStore.QuoteCollateral memory c
    ) private view returns (TcbEvaluation.Verdict memory v) {
        _checkQeReportSignature(q, r, plat);
        bytes32 binding = sha256(abi.encodePacked(r.keyX, r.keyY, BytesRead.slice(q, r.qeAuthOffset, r.qeAuthLength)));
        if (binding != BytesRead.b32(q, r.qeReportOffset + 320)) revert QeReportBindingMismatch();

        bytes memory qeBlob = DataBlob.read(c.qeIdentity);
        (uint8 qeStatus, uint256 qeAdvAt, uint256 qeAdvCount) = TcbEvaluation.qeIdentity(q, r.qeReportOffset, qeBlob);

        bytes32 h = BytesRead.sha256Range(q, 0, r.bodyOffset + r.bodyLength);
        if (!EcdsaP256.verify(h, r.sigR, r.sigS, r.keyX, r.keyY)) revert QuoteSignatureInvalid();

        v = _evaluate(q, r, plat, DataBlob.read(c.tcbInfo), r.teeType == QuoteParser.TEE_TDX);
        TcbEvaluation.addAdvisories(qeBlob, qeAdvAt, qeAdvCount, v);
        v.status = TcbEvaluation.converge(v.status, qeStatus);
        if (v.status == uint8(TcbStatus.Revoked)) revert TcbStatusRevoked();
        _checkAttributes(q, r);
    }

    /// @dev The quote's PCK certificate: its cache key, its platform (cached, or parsed and pending its
    /// signature check) and what of the certification data is left to check. Three forms (QuoteParser):
    /// the PEM chain (Intel's), the cached key (0x0100), the leaf DER (0x0101).
    /// @dev The QE report is signed by the PCK key (skipped for the exact report and signature that
    /// verified under this key before); records their hash for the cache.
    function _checkQeReportSignature(bytes memory q, QuoteParser.Quote memory r, Platform memory plat) private view {
        bytes32 qeHash = BytesRead.keccak(q, r.qeReportOffset, 448); // report || signature
        if (
            qeHash != plat.qeReportHash
                && !EcdsaP256.verify(BytesRead.sha256Range(q, r.qeReportOffset, 384), r.qeSigR, r.qeSigS, plat.pubX, plat.pubY)
        ) {
            revert QeReportSignatureInvalid();
        }
        plat.qeReportHash = qeHash;
    }

    function _platform(bytes memory q, QuoteParser.Quote memory r)
        private
        view
        returns (bytes32 certHash, Platform memory plat, PendingSignature memory pending)
    {
        bytes memory der;
        if (r.certType == QuoteParser.CERT_CACHED_PCK) {
            certHash = BytesRead.b32(q, r.certOffset);
            plat = _loadPlatform(certHash);
            if (plat.notAfter == 0) revert PlatformNotCached(certHash);
            return (certHash, plat, pending);
        } else if (r.certType == QuoteParser.CERT_PCK_LEAF_DER) {
            // The leaf only: the chain above it is the stored one. The cache key is the same as for
            // the PEM form (keccak256 of the canonical block), so every form finds the same platform.
            der = BytesRead.slice(q, r.certOffset, r.certLength);
            certHash = Pem.encodedHash(der);
            plat = _loadPlatform(certHash);
            if (plat.notAfter != 0) return (certHash, plat, pending);
        } else {
            uint256 chainEnd = r.certOffset + r.certLength;
            (pending.chainAt, pending.chainEnd) = (0, chainEnd);
            // A cached leaf is found without reading its block: the length its DER header implies is
            // trusted only when the block of that length hashes to a platform already verified.
            uint256 hint = Pem.blockLengthHint(q, r.certOffset, chainEnd);
            if (hint != 0) {
                certHash = BytesRead.keccak(q, r.certOffset, hint);
                plat = _loadPlatform(certHash);
                if (plat.notAfter != 0) {
                    pending.chainAt = r.certOffset + hint;
                    return (certHash, plat, pending);
                }
            }
            (bytes memory b64, uint256 leafEnd) = Pem.readBlock(q, r.certOffset, chainEnd);
            certHash = BytesRead.keccak(q, r.certOffset, leafEnd - r.certOffset);
            pending.chainAt = leafEnd;
            der = Pem.decode(b64);
        }
        X509.Certificate memory cert = X509.parseP256(der);
        PckCertificate.PckIdentity memory id = PckCertificate.identity(der, cert);
        plat = Platform(
            id.ppid, id.cpuSvn, id.fmspc, id.pceId, id.pceSvn, cert.notBefore, cert.notAfter, cert.issuerHash,
            cert.serialHash, cert.pubX, cert.pubY, 0
        );
        pending.tbsHash = BytesRead.sha256Range(der, cert.tbsOffset, cert.tbsLength);
        (pending.r, pending.s) = (cert.sigR, cert.sigS);
        if (pending.r == 0) revert CertificateSignatureInvalid(certHash);
    }

    function _evaluate(bytes memory q, QuoteParser.Quote memory r, Platform memory plat, bytes memory tcb, bool tdx)
        private
        pure
        returns (TcbEvaluation.Verdict memory v)
    {
        bytes2 tcbPceId = bytes2(BytesRead.bN(tcb, 2, 2));
        if (tcbPceId != plat.pceId) revert PceIdMismatch(plat.pceId, tcbPceId);
        v.advisories = new uint32[](16); // grows when a level lists more
        bytes16 teeTcbSvn = tdx ? bytes16(BytesRead.bN(q, r.bodyOffset, 16)) : bytes16(0);
        v.status = TcbEvaluation.platformLevel(tcb, plat.cpuSvn, plat.pceSvn, teeTcbSvn, tdx, v);
        if (tdx) v.status = TcbEvaluation.converge(v.status, TcbEvaluation.tdxModule(tcb, q, r.bodyOffset, v));
    }

    /// @dev Debug enclaves and TDs are refused; TD attributes must have no reserved bit set and
    /// SEPT_VE_DISABLE on; a TD 1.5 report must not name a service TD.
    function _checkAttributes(bytes memory q, QuoteParser.Quote memory r) private pure {
        uint256 b = r.bodyOffset;
        if (r.bodyType == 1) {
            if (BytesRead.u8(q, b + 48) & 0x02 != 0) revert DebugModeEnabled();
            return;
        }
        bytes8 a = bytes8(BytesRead.bN(q, b + 120, 8));
        if (a[0] != 0) revert DebugModeEnabled(); // TUD
        if (
            a[1] != 0 || a[2] != 0 || uint8(a[3]) & 0x2f != 0 || uint8(a[3]) & 0x10 == 0 || a[4] != 0 || a[5] != 0
                || a[6] != 0 || uint8(a[7]) & 0x7f != 0
        ) revert TdAttributesInvalid(a);
        if (r.bodyType == 3 && !BytesRead.isZero(q, b + 600, 48)) revert MrServiceTdNotZero();
    }

    function _output(
        bytes memory q,
        QuoteParser.Quote memory r,
        Platform memory plat,
        TcbEvaluation.Verdict memory v,
        bytes32 certHash,
        uint64 expiry
    ) private view returns (VerifiedQuote memory out) {
        uint32[] memory adv = v.advisories;
        uint256 n = v.count;
        assembly ("memory-safe") {
            mstore(adv, n)
        }
        out.teeType = r.teeType;
        out.quoteVersion = r.version;
        out.bodyType = r.bodyType;
        out.tcbStatus = TcbStatus(v.status);
        out.advisoryIds = adv;
        out.ppid = plat.ppid;
        out.fmspc = plat.fmspc;
        out.pckCertHash = certHash;
        out.collateralExpiry = expiry;
        out.reportData = BytesRead.slice(q, r.bodyOffset + (r.bodyType == 1 ? 320 : 520), 64);
        out.reportBody = BytesRead.slice(q, r.bodyOffset, r.bodyLength);
    }
}
