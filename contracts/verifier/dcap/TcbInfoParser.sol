// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Json} from "../lib/Json.sol";
import {TcbStatusCodec} from "./TcbStatusCodec.sol";
import {TdxModuleParser} from "./TdxModuleParser.sol";

/// @notice Reads Intel's TCB info JSON (version 3, `id` "SGX" or "TDX", the exact signed body) into the
/// compact form the collateral store keeps (layout: docs/onchain-dcap.md, "Compact TCB info").
/// Strict: unknown keys, missing fields, a wrong component count or an unknown status revert.
/// `tdxModule` and `tdxModuleIdentities` are checked for well-formedness and not kept.
library TcbInfoParser {
    error TcbInfoField(string field, uint256 offset);

    uint8 internal constant TEE_SGX = 0;
    uint8 internal constant TEE_TDX = 1;
    uint256 internal constant HEADER_LEN = 11; // tee, version, pceId(2), evaluation number(4), level count, module offset(2)
    uint256 internal constant EVALUATION_NUMBER_AT = 4; // uint32 BE in the compact form
    uint256 internal constant LEVEL_FIXED_LEN = 36; // 16 sgx + 2 pcesvn + 16 tdx + status + count

    /// `seen` bits of the top-level keys ({_member}): the nine every TCB info has (id = 1 ... tcbLevels
    /// = 256), then the two only a TDX one has and must have the first of.
    uint256 private constant REQUIRED_FIELDS = (1 << 9) - 1;
    uint256 private constant TDX_MODULE = 512;
    uint256 private constant TDX_MODULE_IDENTITIES = 1024;
    /// `seen` bits of a level's `tcb` keys: the SGX components and pcesvn are required.
    uint256 private constant TCB_SGX = 1;
    uint256 private constant TCB_PCESVN = 2;
    uint256 private constant TCB_TDX = 4;
    uint256 private constant TCB_REQUIRED = TCB_SGX | TCB_PCESVN;

    struct TcbInfo {
        uint8 tee;
        bytes6 fmspc;
        uint64 issueDate;
        uint64 nextUpdate;
        bytes data; // compact form
    }

    struct Cursor {
        uint256 w; // write position in the compact form
        uint256 levels;
        uint256 version;
        bool allTdx;
        uint256 modEnd;
        bytes mod; // the TDX module section, appended at the end
    }

    function parse(bytes memory s) internal pure returns (TcbInfo memory t) {
        bytes memory out = new bytes(s.length);
        Cursor memory c = Cursor(HEADER_LEN, 0, 0, false, 0, new bytes(s.length));
        uint256 seen;
        (bool has, bytes32 k, uint256 p) = Json.firstKey(s, 0);
        while (has) {
            uint256 bit;
            (p, bit) = _member(s, p, k, out, t, c);
            if (seen & bit != 0) revert TcbInfoField("duplicate key", p);
            seen |= bit;
            (has, k, p) = Json.nextKey(s, p);
        }
        if (Json.ws(s, p) != s.length) revert TcbInfoField("trailing bytes", p);
        if (seen & REQUIRED_FIELDS != REQUIRED_FIELDS) revert TcbInfoField("missing field", seen);
        if (c.levels == 0 || c.levels > 255) revert TcbInfoField("tcbLevels", 0);
        if (t.tee == TEE_TDX && !c.allTdx) revert TcbInfoField("tdxtcbcomponents", 0);
        if (t.tee == TEE_TDX ? seen & TDX_MODULE == 0 : seen & (TDX_MODULE | TDX_MODULE_IDENTITIES) != 0) {
            revert TcbInfoField("tdxModule", 0);
        }
        if (t.nextUpdate <= t.issueDate) revert TcbInfoField("nextUpdate", 0);
        uint256 w = c.w;
        if (t.tee == TEE_TDX) w = _appendModule(out, w, c.mod, c.modEnd);
        out[0] = bytes1(t.tee);
        out[1] = bytes1(uint8(c.version));
        out[8] = bytes1(uint8(c.levels));
        assembly ("memory-safe") {
            mstore(out, w)
        }
        t.data = out;
    }

    function _member(bytes memory s, uint256 p, bytes32 k, bytes memory out, TcbInfo memory t, Cursor memory c)
        private
        pure
        returns (uint256, uint256 bit)
    {
        if (k == keccak256("id")) {
            uint256 st;
            uint256 len;
            (st, len, p) = Json.str(s, p);
            if (len == 3 && bytes3(_at(s, st)) == "SGX") t.tee = TEE_SGX;
            else if (len == 3 && bytes3(_at(s, st)) == "TDX") t.tee = TEE_TDX;
            else revert TcbInfoField("id", st);
            bit = 1;
        } else if (k == keccak256("version")) {
            (c.version, p) = Json.uintValue(s, p);
            if (c.version != 3) revert TcbInfoField("version", p);
            bit = 2;
        } else if (k == keccak256("issueDate")) {
            (t.issueDate, p) = TcbStatusCodec.date(s, p);
            bit = 4;
        } else if (k == keccak256("nextUpdate")) {
            (t.nextUpdate, p) = TcbStatusCodec.date(s, p);
            bit = 8;
        } else if (k == keccak256("fmspc")) {
            bytes32 v;
            (v, p) = Json.hexString(s, p, 6);
            t.fmspc = bytes6(v);
            bit = 16;
        } else if (k == keccak256("pceId")) {
            bytes32 v;
            (v, p) = Json.hexString(s, p, 2);
            out[2] = v[0];
            out[3] = v[1];
            bit = 32;
        } else if (k == keccak256("tcbType")) {
            uint256 v;
            (v, p) = Json.uintValue(s, p);
            if (v != 0) revert TcbInfoField("tcbType", p);
            bit = 64;
        } else if (k == keccak256("tcbEvaluationDataNumber")) {
            uint256 v;
            (v, p) = Json.uintValue(s, p);
            if (v > type(uint32).max) revert TcbInfoField("tcbEvaluationDataNumber", p);
            for (uint256 i; i < 4; ++i) out[EVALUATION_NUMBER_AT + i] = bytes1(uint8(v >> (24 - 8 * i)));
            bit = 128;
        } else if (k == keccak256("tdxModule")) {
            p = TdxModuleParser.tdxModule(s, p, c.mod);
            bit = TDX_MODULE;
        } else if (k == keccak256("tdxModuleIdentities")) {
            (p, c.modEnd) = TdxModuleParser.identities(s, p, c.mod);
            bit = TDX_MODULE_IDENTITIES;
        } else if (k == keccak256("tcbLevels")) {
            (p, c.w, c.levels, c.allTdx) = _levels(s, p, out, c.w);
            bit = 256;
        } else {
            revert TcbInfoField("unknown key", p);
        }
        return (p, bit);
    }

    /// @dev Appends the TDX module section at `w` and records its offset in the header.
    function _appendModule(bytes memory out, uint256 w, bytes memory mod, uint256 modEnd) private pure returns (uint256) {
        if (modEnd == 0) modEnd = TdxModuleParser.COUNT_AT + 1; // no identities: count 0
        if (w > type(uint16).max || w + modEnd > out.length) revert TcbInfoField("tdxModule", w);
        out[9] = bytes1(uint8(w >> 8));
        out[10] = bytes1(uint8(w));
        for (uint256 i; i < modEnd; ++i) out[w + i] = mod[i];
        return w + modEnd;
    }

    function _levels(bytes memory s, uint256 p, bytes memory out, uint256 w)
        private
        pure
        returns (uint256 q, uint256 w2, uint256 count, bool allTdx)
    {
        bool has;
        (has, q) = Json.firstItem(s, p);
        allTdx = true;
        while (has) {
            bool hasTdx;
            (q, w, hasTdx) = _level(s, q, out, w);
            allTdx = allTdx && hasTdx;
            ++count;
            (has, q) = Json.more(s, q, "]");
        }
        w2 = w;
    }

    function _level(bytes memory s, uint256 p, bytes memory out, uint256 w)
        private
        pure
        returns (uint256 q, uint256, bool hasTdx)
    {
        bool has;
        bytes32 k;
        (has, k, q) = Json.firstKey(s, p);
        if (!has) revert TcbInfoField("tcbLevel", q);
        uint256 seen;
        uint256 base = w;
        w += LEVEL_FIXED_LEN - 1; // advisories are written from the count byte on
        out[w] = 0;
        uint256 afterAdvisories = w + 1;
        while (has) {
            uint256 bit = TcbStatusCodec.LEVEL_TCB;
            if (k == keccak256("tcb")) {
                (q, hasTdx) = _tcb(s, q, out, base);
            } else {
                // status at base + 34, advisories from the count byte at w = base + 35
                (q, bit, afterAdvisories) = TcbStatusCodec.levelMember(s, q, k, out, w - 1, afterAdvisories, seen, true);
                if (bit == 0) revert TcbInfoField("unknown key", q);
                if (bit == TcbStatusCodec.LEVEL_ADVISORIES_REPEATED) revert TcbInfoField("advisoryIDs", q);
            }
            seen |= bit;
            (has, k, q) = Json.nextKey(s, q);
        }
        if (seen & TcbStatusCodec.LEVEL_REQUIRED != TcbStatusCodec.LEVEL_REQUIRED) revert TcbInfoField("tcbLevel", q);
        return (q, afterAdvisories, hasTdx);
    }

    /// @dev `{"sgxtcbcomponents":[16 x {"svn":n,...}], "pcesvn":n, "tdxtcbcomponents":[16 x ...]?}`
    function _tcb(bytes memory s, uint256 p, bytes memory out, uint256 base)
        private
        pure
        returns (uint256 q, bool hasTdx)
    {
        bool has;
        bytes32 k;
        (has, k, q) = Json.firstKey(s, p);
        if (!has) revert TcbInfoField("tcb", q);
        uint256 seen;
        while (has) {
            if (k == keccak256("sgxtcbcomponents")) {
                q = _components(s, q, out, base);
                seen |= TCB_SGX;
            } else if (k == keccak256("pcesvn")) {
                uint256 v;
                (v, q) = Json.uintValue(s, q);
                if (v > type(uint16).max) revert TcbInfoField("pcesvn", q);
                out[base + 16] = bytes1(uint8(v >> 8));
                out[base + 17] = bytes1(uint8(v));
                seen |= TCB_PCESVN;
            } else if (k == keccak256("tdxtcbcomponents")) {
                q = _components(s, q, out, base + 18);
                seen |= TCB_TDX;
            } else {
                revert TcbInfoField("unknown key", q);
            }
            (has, k, q) = Json.nextKey(s, q);
        }
        if (seen & TCB_REQUIRED != TCB_REQUIRED) revert TcbInfoField("tcb", q);
        hasTdx = seen & TCB_TDX != 0;
    }

    function _components(bytes memory s, uint256 p, bytes memory out, uint256 at) private pure returns (uint256 q) {
        bool has;
        (has, q) = Json.firstItem(s, p);
        uint256 n;
        while (has) {
            if (n == 16) revert TcbInfoField("components", q);
            bool hasSvn;
            bool more2;
            bytes32 k;
            (more2, k, q) = Json.firstKey(s, q);
            while (more2) {
                if (k == keccak256("svn")) {
                    uint256 v;
                    (v, q) = Json.uintValue(s, q);
                    if (v > 255 || hasSvn) revert TcbInfoField("svn", q);
                    out[at + n] = bytes1(uint8(v));
                    hasSvn = true;
                } else if (k == keccak256("category") || k == keccak256("type")) {
                    (,, q) = Json.str(s, q);
                } else {
                    revert TcbInfoField("unknown key", q);
                }
                (more2, k, q) = Json.nextKey(s, q);
            }
            if (!hasSvn) revert TcbInfoField("svn", q);
            ++n;
            (has, q) = Json.more(s, q, "]");
        }
        if (n != 16) revert TcbInfoField("components", q);
    }

    function _at(bytes memory s, uint256 i) private pure returns (bytes32 v) {
        assembly ("memory-safe") {
            v := mload(add(add(s, 32), i))
        }
    }
}
