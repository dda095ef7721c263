// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAlliance} from "../interfaces/IAlliance.sol";
import {IHardwareRegistry} from "../interfaces/IHardwareRegistry.sol";
import {IQuoteVerifier} from "../interfaces/IQuoteVerifier.sol";
import {ITpmQuoteVerifier} from "../interfaces/ITpmQuoteVerifier.sol";
import {IWorkloadVerifier} from "../interfaces/IWorkloadVerifier.sol";
import {IZkAttestationVerifier} from "../interfaces/IZkAttestationVerifier.sol";
import {AllianceGoverned} from "../governance/AllianceGoverned.sol";
import {Measurement} from "./workload/Measurement.sol";
import {TpmBinding} from "./workload/TpmBinding.sol";

/// @title WorkloadVerifier
/// @notice TEE evidence + a TPM quote bound to it → one VerifiedWorkload (docs/workload.md). The
/// verifier addresses change only through a security-critical Alliance proposal.
contract WorkloadVerifier is IWorkloadVerifier, AllianceGoverned {
    uint32 internal constant INTEL_TEE_TDX = 0x81;
    uint8 internal constant KIND_INTEL_PPID = 1;
    uint8 internal constant KIND_AMD_CHIP_ID = 2;
    uint16 internal constant BODY_SGX = 1;
    // TD report body (1.0 and 1.5 share the prefix): MRTD at 136, RTMR0..2 at 328, report data at 520
    // (docs/intel-quote.md).
    uint256 internal constant TD_MRTD = 136;
    uint256 internal constant TD_RTMR0 = 328;
    uint256 internal constant TD_END_RTMR2 = 472;
    uint256 internal constant TD_REPORT_DATA = 520;
    uint256 internal constant TD10_LENGTH = 584;

    /// @notice The HardwareRegistry whose salt platform keys use.
    IHardwareRegistry public immutable hardwareRegistry;
    /// @notice The registry's public salt (fixed per deployment).
    bytes32 public immutable salt;
    /// @notice The DCAP quote verifier (our DcapQuoteVerifier or an adapter).
    IQuoteVerifier public quoteVerifier;
    /// @notice The ZK attestation verifier (zero: ZK routes disabled).
    IZkAttestationVerifier public zkVerifier;

    constructor(IAlliance alliance_, IHardwareRegistry registry, IQuoteVerifier quoteVerifier_, IZkAttestationVerifier zk)
        AllianceGoverned(alliance_)
    {
        hardwareRegistry = registry;
        salt = registry.salt();
        quoteVerifier = quoteVerifier_;
        zkVerifier = zk;
        emit QuoteVerifierSet(address(quoteVerifier_));
        emit ZkVerifierSet(address(zk));
    }

    /// @inheritdoc IWorkloadVerifier
    function verifyWorkload(TeeEvidence calldata tee, TpmEvidence calldata tpm, bytes32 bindingHash)
        external
        returns (VerifiedWorkload memory w)
    {
        if (tee.route == EvidenceRoute.DcapQuote) _fromDcap(w, tee.payload);
        else if (tee.route == EvidenceRoute.ZkDcapJournal) _fromPocDcapJournal(w, tee.payload);
        else _fromSnpJournal(w, tee.payload);

        // The cheap binding check first, so evidence made for another message fails as such.
        if (w.reportData.length != 64 || bytes32(w.reportData) != bindingHash) {
            revert ReportDataMismatch(bindingHash, sha256(tpm.akPublic), w.reportData);
        }
        ITpmQuoteVerifier.TpmQuoteResult memory t = TpmBinding.verify(tpm, bindingHash);
        if (t.banks.length != 1) revert PcrBankCount(t.banks.length);
        w.akKeyHash = t.akKeyHash;
        if (_word(w.reportData, 32) != t.akKeyHash) revert ReportDataMismatch(bindingHash, t.akKeyHash, w.reportData);
        w.pcrHashAlg = t.banks[0].hashAlg;
        w.pcrMask = t.banks[0].pcrMask;
        w.pcrValues = t.banks[0].values;
        w.platformKey = keccak256(abi.encode(salt, w.hardwareKind, w.hardwareId));
        w.measurementHash =
            Measurement.hash(w.teeType, keccak256(w.teeRegisters), w.pcrHashAlg, w.pcrMask, keccak256(w.pcrValues));
    }

    /// @inheritdoc IWorkloadVerifier
    function verifyTpmQuote(TpmEvidence calldata tpm, bytes32 qualifying)
        external
        view
        returns (bytes32 akKeyHash, uint16 pcrHashAlg, uint32 pcrMask, bytes32 pcrValuesHash)
    {
        ITpmQuoteVerifier.TpmQuoteResult memory t = TpmBinding.verify(tpm, qualifying);
        if (t.banks.length != 1) revert PcrBankCount(t.banks.length);
        ITpmQuoteVerifier.PcrBank memory b = t.banks[0];
        return (t.akKeyHash, b.hashAlg, b.pcrMask, keccak256(b.values));
    }

    /// @inheritdoc IWorkloadVerifier
    function setQuoteVerifier(address verifier) external onlyAlliance {
        if (verifier == address(0)) revert ZeroAddress();
        quoteVerifier = IQuoteVerifier(verifier);
        emit QuoteVerifierSet(verifier);
    }

    /// @inheritdoc IWorkloadVerifier
    function setZkVerifier(IZkAttestationVerifier verifier) external onlyAlliance {
        zkVerifier = verifier;
        emit ZkVerifierSet(address(verifier));
    }

    /// @inheritdoc IWorkloadVerifier
    function measurementHash(
        TeeType teeType,
        bytes32 teeRegistersHash,
        uint16 pcrHashAlg,
        uint32 pcrMask,
        bytes32 pcrValuesHash
    ) external pure returns (bytes32) {
        return Measurement.hash(teeType, teeRegistersHash, pcrHashAlg, pcrMask, pcrValuesHash);
    }

    /// @inheritdoc IWorkloadVerifier
    function decodeZkPayload(bytes calldata payload)
        external
        pure
        returns (IZkAttestationVerifier.ZkVm zkvm, bytes32 programId, bytes memory journal, bytes memory seal)
    {
        return abi.decode(payload, (IZkAttestationVerifier.ZkVm, bytes32, bytes, bytes));
    }

    function _fromDcap(VerifiedWorkload memory w, bytes calldata quote) private {
        if (address(quoteVerifier) == address(0)) revert RouteDisabled(EvidenceRoute.DcapQuote);
        IQuoteVerifier.VerifiedQuote memory q = quoteVerifier.verifyQuote(quote);
        if (q.teeType != INTEL_TEE_TDX || (q.bodyType != 2 && q.bodyType != 3)) revert UnsupportedTee(q.teeType, q.bodyType);
        bytes memory body = q.reportBody;
        if (body.length < TD_END_RTMR2) revert ReportBodyTooShort(body.length, TD_END_RTMR2);
        w.teeType = TeeType.Tdx;
        w.tcbStatus = uint8(q.tcbStatus);
        w.reportData = q.reportData;
        w.teeRegisters = _tdxRegisters(body);
        w.hardwareKind = KIND_INTEL_PPID;
        w.hardwareId = abi.encodePacked(q.ppid);
        w.evidenceTime = uint64(block.timestamp);
    }

    /// @dev Our DCAP program's journal (docs/zk-journals.md): the quote verified in a zkVM, its PPID
    /// taken from the PCK certificate by the program, trusted because the program ID is allowlisted.
    function _fromPocDcapJournal(VerifiedWorkload memory w, bytes calldata payload) private view {
        (IZkAttestationVerifier.ZkVm zkvm, bytes32 programId, bytes memory journal, bytes memory seal) =
            _zkPayload(payload, EvidenceRoute.ZkDcapJournal);
        IZkAttestationVerifier.PocDcapZkResult memory r = zkVerifier.verifyPocDcapJournal(zkvm, programId, journal, seal);
        IZkAttestationVerifier.DcapZkResult memory d = r.dcap;
        if (uint32(d.teeType) != INTEL_TEE_TDX) revert UnsupportedTee(uint32(d.teeType), BODY_SGX);
        bytes memory body = d.quoteBody;
        if (body.length < TD10_LENGTH) revert ReportBodyTooShort(body.length, TD10_LENGTH);
        w.teeType = TeeType.Tdx;
        w.tcbStatus = _quoteVerifierTcbStatus(d.tcbStatus);
        w.reportData = _slice(body, TD_REPORT_DATA, 64);
        w.teeRegisters = _tdxRegisters(body);
        w.hardwareKind = KIND_INTEL_PPID;
        w.hardwareId = abi.encodePacked(r.ppid);
        w.evidenceTime = d.timestamp;
    }

    function _fromSnpJournal(VerifiedWorkload memory w, bytes calldata payload) private view {
        (IZkAttestationVerifier.ZkVm zkvm, bytes32 programId, bytes memory journal, bytes memory seal) =
            _zkPayload(payload, EvidenceRoute.ZkSnpJournal);
        IZkAttestationVerifier.SnpZkResult memory r = zkVerifier.verifySnpJournal(zkvm, programId, journal, seal);
        w.teeType = TeeType.SevSnp;
        w.reportData = r.reportData;
        w.teeRegisters = r.measurement;
        w.hardwareKind = KIND_AMD_CHIP_ID;
        w.hardwareId = r.chipId;
        w.evidenceTime = r.timestamp;
    }

    /// @dev MRTD || RTMR0 || RTMR1 || RTMR2 (RTMR3 left out: docs/workload.md).
    function _tdxRegisters(bytes memory body) private pure returns (bytes memory) {
        return bytes.concat(_slice(body, TD_MRTD, 48), _slice(body, TD_RTMR0, TD_END_RTMR2 - TD_RTMR0));
    }

    /// @dev Automata's TCB status codes swap IQuoteVerifier.TcbStatus's 2 and 3 (ConfigurationAndSWHardeningNeeded
    /// / ConfigurationNeeded); VerifiedWorkload.tcbStatus is IQuoteVerifier's on every TDX route. Revoked and
    /// Unrecognized (6, 7) never get here: the ZK verifier refuses them.
    function _quoteVerifierTcbStatus(uint8 automata) private pure returns (uint8) {
        if (automata == 2) return 3;
        if (automata == 3) return 2;
        return automata;
    }

    /// @dev The ZK route's payload, decoded through the self-call so the ABI decoder's empty revert
    /// becomes EvidenceMalformed(route); the route must be enabled.
    function _zkPayload(bytes calldata payload, EvidenceRoute route)
        private
        view
        returns (IZkAttestationVerifier.ZkVm, bytes32, bytes memory, bytes memory)
    {
        if (address(zkVerifier) == address(0)) revert RouteDisabled(route);
        try this.decodeZkPayload(payload) returns (
            IZkAttestationVerifier.ZkVm zkvm, bytes32 programId, bytes memory journal, bytes memory seal
        ) {
            return (zkvm, programId, journal, seal);
        } catch {
            revert EvidenceMalformed(route);
        }
    }

    function _slice(bytes memory b, uint256 start, uint256 len) private pure returns (bytes memory out) {
        out = new bytes(len);
        assembly ("memory-safe") {
            mcopy(add(out, 32), add(add(b, 32), start), len)
        }
    }

    function _word(bytes memory b, uint256 offset) private pure returns (bytes32 v) {
        assembly ("memory-safe") {
            v := mload(add(add(b, 32), offset))
        }
    }
}
