// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAlliance} from "../../interfaces/IAlliance.sol";
import {AllianceGoverned} from "../../governance/AllianceGoverned.sol";
import {IZkAttestationVerifier} from "../../interfaces/IZkAttestationVerifier.sol";
import {IRiscZeroVerifier} from "../../interfaces/IRiscZeroVerifier.sol";
import {ISP1Verifier} from "../../interfaces/ISP1Verifier.sol";
import {ICollateralHashes} from "../../interfaces/ICollateralHashes.sol";
import {CollateralKinds} from "./CollateralKinds.sol";
import {DcapJournal} from "./DcapJournal.sol";
import {PocDcapJournal} from "./PocDcapJournal.sol";
import {SnpJournal} from "./SnpJournal.sol";

/// @title ZkAttestationVerifier
/// @notice Routes zk proofs to the RiscZero verifier (router) or the SP1 verifier (gateway), accepts
/// only allowlisted programs per zkVM and journal kind, and checks what the journal says: time
/// window, DCAP collateral hashes against the collateral store (Automata's journal and ours alike),
/// SEV-SNP ARK against pinned hashes.
/// Every change is an Alliance proposal (AllianceGoverned; the class table reserves them for
/// security-critical proposals: no entry means SecurityCritical).
/// No prover runs onchain: real proofs come from RiscZero / SP1 provers.
contract ZkAttestationVerifier is IZkAttestationVerifier, AllianceGoverned {
    /// @dev TCB statuses Automata's program writes that are never acceptable: Revoked, Unrecognized.
    uint8 private constant TCB_REVOKED = 6;
    uint8 private constant TCB_UNRECOGNIZED = 7;

    /// @notice RiscZero verifier router proofs are routed to (set at deployment).
    IRiscZeroVerifier public immutable riscZeroVerifier;
    /// @notice SP1 verifier gateway proofs are routed to (set at deployment).
    ISP1Verifier public immutable sp1Verifier;
    /// @notice Collateral store DCAP journals' collateral hashes are checked against.
    ICollateralHashes public collateralStore;
    /// @notice Maximum age, in seconds, of a journal's timestamp.
    uint64 public maxJournalAge;

    mapping(ZkVm => mapping(bytes32 => JournalKind)) private _programs;
    mapping(bytes32 => bool) private _arks;

    /// @param alliance_ the Alliance, the only caller that may change programs, pinned ARKs, age and store.
    /// @param riscZero RiscZero verifier router of this chain (deployment parameter).
    /// @param sp1 SP1 verifier gateway of this chain (deployment parameter).
    constructor(IAlliance alliance_, IRiscZeroVerifier riscZero, ISP1Verifier sp1, ICollateralHashes store, uint64 maxAge)
        AllianceGoverned(alliance_)
    {
        if (address(riscZero) == address(0) || address(sp1) == address(0)) revert ZeroAddress();
        riscZeroVerifier = riscZero;
        sp1Verifier = sp1;
        _setCollateralStore(address(store));
        _setMaxJournalAge(maxAge);
    }

    /// @inheritdoc IZkAttestationVerifier
    function verifyDcapJournal(ZkVm zkvm, bytes32 programId, bytes calldata journal, bytes calldata seal)
        external
        view
        returns (DcapZkResult memory r)
    {
        _verifyProof(zkvm, programId, JournalKind.Dcap, journal, seal);
        DcapJournal.CollateralHashes memory h;
        (r, h) = DcapJournal.decode(journal);
        _checkDcap(r, h);
    }

    /// @inheritdoc IZkAttestationVerifier
    function verifyPocDcapJournal(ZkVm zkvm, bytes32 programId, bytes calldata journal, bytes calldata seal)
        external
        view
        returns (PocDcapZkResult memory r)
    {
        _verifyProof(zkvm, programId, JournalKind.PocDcap, journal, seal);
        DcapJournal.CollateralHashes memory h;
        (r, h) = PocDcapJournal.decode(journal);
        _checkDcap(r.dcap, h);
    }

    /// @inheritdoc IZkAttestationVerifier
    function verifySnpJournal(ZkVm zkvm, bytes32 programId, bytes calldata journal, bytes calldata seal)
        external
        view
        returns (SnpZkResult memory r)
    {
        _verifyProof(zkvm, programId, JournalKind.Snp, journal, seal);
        r = SnpJournal.decode(journal);
        _checkTime(r.timestamp);
        if (!_arks[r.arkHash]) revert ArkNotPinned(r.arkHash);
    }

    /// @inheritdoc IZkAttestationVerifier
    function setProgram(ZkVm zkvm, bytes32 programId, JournalKind kind) external onlyAlliance {
        _programs[zkvm][programId] = kind;
        emit ProgramSet(zkvm, programId, kind);
    }

    /// @inheritdoc IZkAttestationVerifier
    function setArkPinned(bytes32 arkHash, bool pinned) external onlyAlliance {
        _arks[arkHash] = pinned;
        emit ArkPinned(arkHash, pinned);
    }

    /// @inheritdoc IZkAttestationVerifier
    function setMaxJournalAge(uint64 maxAge) external onlyAlliance {
        _setMaxJournalAge(maxAge);
    }

    /// @inheritdoc IZkAttestationVerifier
    function setCollateralStore(address store) external onlyAlliance {
        _setCollateralStore(store);
    }

    /// @inheritdoc IZkAttestationVerifier
    function programKind(ZkVm zkvm, bytes32 programId) external view returns (JournalKind) {
        return _programs[zkvm][programId];
    }

    /// @inheritdoc IZkAttestationVerifier
    function arkPinned(bytes32 arkHash) external view returns (bool) {
        return _arks[arkHash];
    }

    /// @dev RiscZero binds the journal by its sha256; SP1 takes the public values themselves.
    /// Both verifiers revert on an invalid proof, and that revert is passed through.
    function _verifyProof(ZkVm zkvm, bytes32 programId, JournalKind kind, bytes calldata journal, bytes calldata seal)
        private
        view
    {
        if (_programs[zkvm][programId] != kind) revert ProgramNotAllowed(zkvm, programId, kind);
        if (zkvm == ZkVm.RiscZero) riscZeroVerifier.verify(seal, programId, sha256(journal));
        else sp1Verifier.verifyProof(programId, journal, seal);
    }

    /// @dev What both DCAP journals are checked for: TCB status, time window, the six collateral hashes.
    function _checkDcap(DcapZkResult memory r, DcapJournal.CollateralHashes memory h) private view {
        if (r.tcbStatus == TCB_REVOKED || r.tcbStatus >= TCB_UNRECOGNIZED) revert TcbStatusRejected(r.tcbStatus);
        _checkTime(r.timestamp);
        bool tdx = r.teeType == DcapJournal.TDX_TEE;
        _checkCollateral(tdx ? CollateralKinds.TCB_INFO_TDX : CollateralKinds.TCB_INFO_SGX, r.fmspc, h.tcbInfo);
        _checkCollateral(tdx ? CollateralKinds.QE_IDENTITY_TDX : CollateralKinds.QE_IDENTITY_SGX, bytes6(0), h.qeIdentity);
        _checkCollateral(CollateralKinds.ROOT_CA, bytes6(0), h.rootCa);
        _checkCollateral(CollateralKinds.TCB_SIGNING_CA, bytes6(0), h.tcbSigning);
        _checkCollateral(CollateralKinds.ROOT_CA_CRL, bytes6(0), h.rootCaCrl);
        _checkPckCrl(h.pckCrl);
    }

    function _checkTime(uint64 timestamp) private view {
        if (timestamp > block.timestamp) revert JournalFromTheFuture(timestamp, block.timestamp);
        if (block.timestamp - timestamp > maxJournalAge) revert JournalTooOld(timestamp, block.timestamp, maxJournalAge);
    }

    function _checkCollateral(bytes32 kind, bytes6 fmspc, bytes32 journalHash) private view {
        bytes32 expected = collateralStore.collateralHash(kind, fmspc);
        if (expected == bytes32(0)) revert CollateralUnknown(kind);
        if (expected != journalHash) revert CollateralHashMismatch(kind, expected, journalHash);
    }

    /// @dev The quote's PCK chain may end in the Platform or the Processor CA: either CRL may match.
    /// A mismatch names the platform CRL, or the processor CRL when the store holds only that one.
    function _checkPckCrl(bytes32 journalHash) private view {
        bytes32 platform = collateralStore.collateralHash(CollateralKinds.PCK_CRL_PLATFORM, bytes6(0));
        bytes32 processor = collateralStore.collateralHash(CollateralKinds.PCK_CRL_PROCESSOR, bytes6(0));
        if (platform == bytes32(0) && processor == bytes32(0)) revert CollateralUnknown(CollateralKinds.PCK_CRL_PLATFORM);
        if (journalHash == bytes32(0) || (journalHash != platform && journalHash != processor)) {
            if (platform == bytes32(0)) revert CollateralHashMismatch(CollateralKinds.PCK_CRL_PROCESSOR, processor, journalHash);
            revert CollateralHashMismatch(CollateralKinds.PCK_CRL_PLATFORM, platform, journalHash);
        }
    }

    /// @dev The constructor and {setCollateralStore}: a zero store is refused.
    function _setCollateralStore(address store) private {
        if (store == address(0)) revert ZeroAddress();
        collateralStore = ICollateralHashes(store);
        emit CollateralStoreSet(store);
    }

    /// @dev The constructor and {setMaxJournalAge}.
    function _setMaxJournalAge(uint64 maxAge) private {
        maxJournalAge = maxAge;
        emit MaxJournalAgeSet(maxAge);
    }
}
