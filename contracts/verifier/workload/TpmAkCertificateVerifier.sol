// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAlliance} from "../../interfaces/IAlliance.sol";
import {TpmPublic} from "../tpm/TpmPublic.sol";
import {AllianceGoverned} from "../../governance/AllianceGoverned.sol";
import {RsaCertificate} from "./RsaCertificate.sol";

/// @title TpmAkCertificateVerifier
/// @notice Checks a vTPM attestation key's certificate chain onchain: AK certificate → intermediates
/// → a CA certificate pinned by sha256 of its DER (a root, or an issuing CA; pins change by
/// security-critical Alliance proposal), every link sha256WithRSAEncryption, every certificate valid
/// now, and the AK certificate's RSA key equal to the AK's TPMT_PUBLIC. docs/workload.md, "AK certificate chain".
contract TpmAkCertificateVerifier is AllianceGoverned {
    error ChainTooShort(uint256 length);
    error RootNotPinned(bytes32 rootHash);
    error IssuerMismatch(uint256 index);
    error CertificateSignatureInvalid(uint256 index);
    error CertificateNotValidAt(uint256 index, uint64 notBefore, uint64 notAfter, uint256 time);
    error AkKeyMismatch();

    event RootPinned(bytes32 indexed rootHash, bool pinned);

    /// @notice Whether sha256(root DER) is a pinned AK CA root.
    mapping(bytes32 => bool) public rootPinned;

    constructor(IAlliance alliance_, bytes32[] memory roots) AllianceGoverned(alliance_) {
        for (uint256 i = 0; i < roots.length; i++) {
            rootPinned[roots[i]] = true;
            emit RootPinned(roots[i], true);
        }
    }

    /// @notice Alliance (security-critical): pins or unpins an AK CA root (sha256 of its DER).
    function setRootPinned(bytes32 rootHash, bool pinned) external onlyAlliance {
        rootPinned[rootHash] = pinned;
        emit RootPinned(rootHash, pinned);
    }

    /// @notice Verifies `chain` (AK certificate first, a pinned CA certificate last) for the AK `akPublic`
    /// (an RSA TPMT_PUBLIC); returns sha256(akPublic), the akKeyHash TPM quotes report. Reverts otherwise.
    function verifyAkCertificate(bytes calldata akPublic, bytes[] calldata chain) external view returns (bytes32) {
        if (chain.length < 2) revert ChainTooShort(chain.length);
        bytes32 rootHash = sha256(chain[chain.length - 1]);
        if (!rootPinned[rootHash]) revert RootNotPinned(rootHash);
        bytes memory der = chain[0];
        RsaCertificate.Certificate memory c = RsaCertificate.parse(der);
        TpmPublic.AkPublic memory ak = TpmPublic.parse(akPublic);
        if (keccak256(ak.modulus) != keccak256(c.modulus) || uint256(bytes32(ak.exponent) >> (256 - 8 * ak.exponent.length)) != _uint(c.exponent)) {
            revert AkKeyMismatch();
        }
        for (uint256 i = 0; i < chain.length; i++) {
            _checkTime(i, c);
            // The last certificate is trusted because its hash is pinned; its self-signature would add
            // nothing (and costs an RSA-4096 verification for Google's root). So an issuing CA (e.g.
            // Google's AK intermediate) may be pinned directly.
            if (i + 1 == chain.length) break;
            bytes memory issuerDer = chain[i + 1];
            RsaCertificate.Certificate memory issuer = RsaCertificate.parse(issuerDer);
            if (c.issuerHash != issuer.subjectHash) revert IssuerMismatch(i);
            if (!RsaCertificate.signedBy(der, c, issuer.exponent, issuer.modulus)) revert CertificateSignatureInvalid(i);
            (der, c) = (issuerDer, issuer);
        }
        return sha256(akPublic);
    }

    function _checkTime(uint256 i, RsaCertificate.Certificate memory c) private view {
        if (block.timestamp < c.notBefore || block.timestamp > c.notAfter) {
            revert CertificateNotValidAt(i, c.notBefore, c.notAfter, block.timestamp);
        }
    }

    function _uint(bytes memory b) private pure returns (uint256 v) {
        for (uint256 i = 0; i < b.length; i++) v = (v << 8) | uint8(b[i]);
    }
}
