// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IQuoteVerifier} from "../../interfaces/IQuoteVerifier.sol";
import {BytesRead} from "../lib/BytesRead.sol";

/// @notice Policy checks over the compact collateral forms (docs/onchain-dcap.md): the QE identity
/// policy and QE TCB level, the platform TCB level, and the status merge Intel's QVL applies.
library TcbEvaluation {
    struct Verdict {
        uint8 status;
        uint32[] advisories;
        uint256 count;
    }

    // QE report (SGX enclave report) field offsets
    uint256 private constant R_MISCSELECT = 16;
    uint256 private constant R_ATTRIBUTES = 48;
    uint256 private constant R_MRSIGNER = 128;
    uint256 private constant R_ISVPRODID = 256;
    uint256 private constant R_ISVSVN = 258;

    // compact QE identity offsets
    uint256 private constant Q_MISC = 6;
    uint256 private constant Q_MISC_MASK = 10;
    uint256 private constant Q_ATTR = 14;
    uint256 private constant Q_ATTR_MASK = 30;
    uint256 private constant Q_MRSIGNER = 46;
    uint256 private constant Q_ISVPRODID = 78;
    uint256 private constant Q_COUNT = 80;
    uint256 private constant Q_LEVELS = 81;

    /// @dev Checks the QE report at `qe` (offset into `quote`) against the identity `id`; returns the
    /// QE's TCB status and where its advisories sit in `id` (added later: the platform's come first).
    function qeIdentity(bytes memory quote, uint256 qe, bytes memory id)
        internal
        pure
        returns (uint8 status, uint256 advisoriesAt, uint256 advisoryCount)
    {
        if (BytesRead.b32(quote, qe + R_MRSIGNER) != BytesRead.b32(id, Q_MRSIGNER)) {
            revert IQuoteVerifier.QeIdentityMismatch("mrsigner");
        }
        if (BytesRead.u16le(quote, qe + R_ISVPRODID) != _u16be(id, Q_ISVPRODID)) {
            revert IQuoteVerifier.QeIdentityMismatch("isvprodid");
        }
        if (BytesRead.u8(quote, qe + R_ATTRIBUTES) & 0x02 != 0) revert IQuoteVerifier.DebugModeEnabled();
        bytes32 mask = BytesRead.bN(id, Q_MISC_MASK, 4);
        if (BytesRead.bN(quote, qe + R_MISCSELECT, 4) & mask != BytesRead.bN(id, Q_MISC, 4) & mask) {
            revert IQuoteVerifier.QeIdentityMismatch("miscselect");
        }
        mask = BytesRead.bN(id, Q_ATTR_MASK, 16);
        if (BytesRead.bN(quote, qe + R_ATTRIBUTES, 16) & mask != BytesRead.bN(id, Q_ATTR, 16) & mask) {
            revert IQuoteVerifier.QeIdentityMismatch("attributes");
        }
        uint256 isvSvn = BytesRead.u16le(quote, qe + R_ISVSVN);
        uint256 n = BytesRead.u8(id, Q_COUNT);
        uint256 p = Q_LEVELS;
        for (uint256 i; i < n; ++i) {
            uint256 count = BytesRead.u8(id, p + 3);
            if (isvSvn >= _u16be(id, p)) return (uint8(BytesRead.u8(id, p + 2)), p + 4, count);
            p += 4 + 4 * count;
        }
        revert IQuoteVerifier.QeTcbLevelNotFound(uint16(isvSvn));
    }

    /// @dev The first TCB level (in Intel's order) whose every SGX component, PCESVN and (for TDX)
    /// TEE_TCB_SVN component is at or below the platform's; appends its advisories to `v`. With a TDX
    /// module version (TEE_TCB_SVN[1] > 0) the first two TDX components belong to the module and are
    /// judged by its identity instead (Intel QVL).
    function platformLevel(bytes memory tcb, bytes16 cpuSvn, uint16 pceSvn, bytes16 teeTcbSvn, bool tdx, Verdict memory v)
        internal
        pure
        returns (uint8)
    {
        uint256 n = BytesRead.u8(tcb, 8);
        uint256 p = 11;
        uint256 from = uint8(teeTcbSvn[1]) > 0 ? 2 : 0;
        for (uint256 i; i < n; ++i) {
            uint256 count = BytesRead.u8(tcb, p + 35);
            if (
                pceSvn >= _u16be(tcb, p + 16) && _atLeast(cpuSvn, bytes16(BytesRead.bN(tcb, p, 16)), 0)
                    && (!tdx || _atLeast(teeTcbSvn, bytes16(BytesRead.bN(tcb, p + 18, 16)), from))
            ) {
                addAdvisories(tcb, p + 36, count, v);
                return uint8(BytesRead.u8(tcb, p + 34));
            }
            p += 36 + 4 * count;
        }
        revert IQuoteVerifier.TcbLevelNotFound();
    }

    /// @dev Every byte of `a` from index `from` (0 or 2) on >= the same byte of `b`, all 16 lanes at
    /// once: (a | 0x80) - (b & 0x7f) per byte never borrows across bytes and leaves the lane's high bit
    /// set iff a's low 7 bits >= b's; the high bits themselves decide where they differ.
    function _atLeast(bytes16 a, bytes16 b, uint256 from) private pure returns (bool r) {
        assembly ("memory-safe") {
            let h := 0x8080808080808080808080808080808000000000000000000000000000000000
            let low := sub(or(a, h), and(b, not(h)))
            let hiA := and(a, h)
            let hiB := and(b, h)
            let ge := or(and(hiA, not(hiB)), and(not(xor(hiA, hiB)), low))
            let want := h
            if from { want := and(h, shr(16, not(0))) }
            r := eq(and(ge, want), want)
        }
    }

    /// @dev TDX module identity (Intel QVL): with a module version (TEE_TCB_SVN[1]) > 0 the identity
    /// `TDX_nn` must exist and gives the signer, attributes and the module's TCB level from
    /// TEE_TCB_SVN[0]; otherwise `tdxModule` gives signer and attributes and there is no module level.
    /// MRSIGNERSEAM must equal the signer, SEAMATTRIBUTES must be zero and equal the attributes.
    /// Returns the module status (0xff without a module level) and appends its advisories after the
    /// platform's (call after {platformLevel}).
    function tdxModule(bytes memory tcb, bytes memory quote, uint256 body, Verdict memory v) internal pure returns (uint8) {
        uint256 m = _u16be(tcb, 9);
        if (m == 0) revert IQuoteVerifier.TdxModuleMismatch("no module section");
        uint8 svn = uint8(BytesRead.u8(quote, body));
        uint8 version = uint8(BytesRead.u8(quote, body + 1));
        uint256 signerAt = m;
        uint256 levelsAt;
        if (version > 0) {
            uint256 n = BytesRead.u8(tcb, m + 64);
            uint256 p = m + 65;
            for (uint256 i; i < n; ++i) {
                uint256 levels = BytesRead.u8(tcb, p + 65);
                if (BytesRead.u8(tcb, p) == version) {
                    signerAt = p + 1;
                    levelsAt = p + 65;
                    break;
                }
                p += 66;
                for (uint256 j; j < levels; ++j) p += 3 + 4 * BytesRead.u8(tcb, p + 2);
            }
            if (levelsAt == 0) revert IQuoteVerifier.TdxModuleIdentityNotFound(version);
        }
        // MRSIGNERSEAM at body+64 (48 bytes), SEAMATTRIBUTES at body+112 (8 bytes)
        if (
            BytesRead.b32(quote, body + 64) != BytesRead.b32(tcb, signerAt)
                || BytesRead.bN(quote, body + 96, 16) != BytesRead.bN(tcb, signerAt + 32, 16)
        ) revert IQuoteVerifier.TdxModuleMismatch("mrsigner");
        bytes32 seamAttributes = BytesRead.bN(quote, body + 112, 8);
        if (seamAttributes != 0 || BytesRead.bN(tcb, signerAt + 48, 8) != 0) {
            revert IQuoteVerifier.TdxModuleMismatch("attributes");
        }
        if (levelsAt == 0) return 0xff;
        uint256 count = BytesRead.u8(tcb, levelsAt);
        uint256 q = levelsAt + 1;
        for (uint256 j; j < count; ++j) {
            uint256 adv = BytesRead.u8(tcb, q + 2);
            if (svn >= BytesRead.u8(tcb, q)) {
                addAdvisories(tcb, q + 3, adv, v);
                return uint8(BytesRead.u8(tcb, q + 1));
            }
            q += 3 + 4 * adv;
        }
        revert IQuoteVerifier.TdxModuleTcbLevelNotFound(svn);
    }

    /// @dev Intel QVL's convergence of the platform status with a QE or TDX module status: an
    /// OutOfDate one makes the platform OutOfDate (keeping ConfigurationNeeded), a Revoked one revokes.
    function converge(uint8 platform, uint8 other) internal pure returns (uint8) {
        if (other == uint8(IQuoteVerifier.TcbStatus.OutOfDate)) {
            if (platform <= uint8(IQuoteVerifier.TcbStatus.SWHardeningNeeded)) return uint8(IQuoteVerifier.TcbStatus.OutOfDate);
            if (platform <= uint8(IQuoteVerifier.TcbStatus.ConfigurationAndSWHardeningNeeded)) {
                return uint8(IQuoteVerifier.TcbStatus.OutOfDateConfigurationNeeded);
            }
        }
        if (other == uint8(IQuoteVerifier.TcbStatus.Revoked)) return other;
        return platform;
    }

    /// @dev Appends the `count` advisory numbers at `blob[p]` to `v`, skipping ones already there.
    function addAdvisories(bytes memory blob, uint256 p, uint256 count, Verdict memory v) internal pure {
        for (uint256 i; i < count; ++i) {
            uint32 a = uint32(uint256(BytesRead.bN(blob, p + 4 * i, 4)) >> 224);
            bool dup;
            for (uint256 j; j < v.count; ++j) {
                if (v.advisories[j] == a) {
                    dup = true;
                    break;
                }
            }
            if (dup) continue;
            if (v.count == v.advisories.length) {
                uint32[] memory grown = new uint32[](2 * v.count + count);
                for (uint256 j; j < v.count; ++j) grown[j] = v.advisories[j];
                v.advisories = grown;
            }
            v.advisories[v.count++] = a;
        }
    }

    function _u16be(bytes memory b, uint256 p) private pure returns (uint256) {
        return uint256(BytesRead.bN(b, p, 2)) >> 240;
    }
}
