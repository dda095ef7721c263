// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Json} from "../lib/Json.sol";
import {TcbStatusCodec} from "./TcbStatusCodec.sol";

/// @notice Reads Intel's enclave identity JSON (`id` "QE" or "TD_QE", version 2 or 3) into the compact
/// form the collateral store keeps (docs/onchain-dcap.md, "Compact QE identity"). Strict like
/// {TcbInfoParser}.
library QeIdentityParser {
    error QeIdentityField(string field, uint256 offset);

    uint8 internal constant ID_QE = 0;
    uint8 internal constant ID_TD_QE = 1;
    uint256 internal constant HEADER_LEN = 81;
    uint256 internal constant EVALUATION_NUMBER_AT = 2; // uint32 BE in the compact form

    /// `seen` bits of the top-level keys, one per key in the order {_member} tests them (id = 1 ...
    /// tcbLevels = 2048): all twelve are required.
    uint256 private constant ALL_FIELDS = (1 << 12) - 1;

    struct Cursor {
        uint256 w; // write position in the compact form
        uint256 levels;
        uint256 version;
    }

    struct QeIdentity {
        uint8 id;
        uint64 issueDate;
        uint64 nextUpdate;
        bytes data;
    }

    function parse(bytes memory s) internal pure returns (QeIdentity memory e) {
        bytes memory out = new bytes(s.length);
        Cursor memory c = Cursor(HEADER_LEN, 0, 0);
        uint256 seen;
        (bool has, bytes32 k, uint256 p) = Json.firstKey(s, 0);
        while (has) {
            uint256 bit;
            (p, bit) = _member(s, p, k, out, e, c);
            if (seen & bit != 0) revert QeIdentityField("duplicate key", p);
            seen |= bit;
            (has, k, p) = Json.nextKey(s, p);
        }
        if (Json.ws(s, p) != s.length) revert QeIdentityField("trailing bytes", p);
        if (seen != ALL_FIELDS) revert QeIdentityField("missing field", seen);
        if (c.levels == 0 || c.levels > 255) revert QeIdentityField("tcbLevels", 0);
        if (e.nextUpdate <= e.issueDate) revert QeIdentityField("nextUpdate", 0);
        out[0] = bytes1(e.id);
        out[1] = bytes1(uint8(c.version));
        out[80] = bytes1(uint8(c.levels));
        uint256 w = c.w;
        assembly ("memory-safe") {
            mstore(out, w)
        }
        e.data = out;
    }

    function _member(
        bytes memory s,
        uint256 p,
        bytes32 k,
        bytes memory out,
        QeIdentity memory e,
        Cursor memory c
    ) private pure returns (uint256, uint256 bit) {
        if (k == keccak256("id")) {
            bytes32 h;
            uint256 st;
            (h, st, p) = Json.strHash(s, p);
            if (h == keccak256("QE")) e.id = ID_QE;
            else if (h == keccak256("TD_QE")) e.id = ID_TD_QE;
            else revert QeIdentityField("id", st);
            bit = 1;
        } else if (k == keccak256("version")) {
            (c.version, p) = Json.uintValue(s, p);
            if (c.version != 2 && c.version != 3) revert QeIdentityField("version", p);
            bit = 2;
        } else if (k == keccak256("issueDate")) {
            (e.issueDate, p) = TcbStatusCodec.date(s, p);
            bit = 4;
        } else if (k == keccak256("nextUpdate")) {
            (e.nextUpdate, p) = TcbStatusCodec.date(s, p);
            bit = 8;
        } else if (k == keccak256("tcbEvaluationDataNumber")) {
            uint256 v;
            (v, p) = Json.uintValue(s, p);
            if (v > type(uint32).max) revert QeIdentityField("tcbEvaluationDataNumber", p);
            _put(out, EVALUATION_NUMBER_AT, bytes32(v << 224), 4);
            bit = 16;
        } else if (k == keccak256("miscselect")) {
            p = _hex(s, p, out, 6, 4);
            bit = 32;
        } else if (k == keccak256("miscselectMask")) {
            p = _hex(s, p, out, 10, 4);
            bit = 64;
        } else if (k == keccak256("attributes")) {
            p = _hex(s, p, out, 14, 16);
            bit = 128;
        } else if (k == keccak256("attributesMask")) {
            p = _hex(s, p, out, 30, 16);
            bit = 256;
        } else if (k == keccak256("mrsigner")) {
            p = _hex(s, p, out, 46, 32);
            bit = 512;
        } else if (k == keccak256("isvprodid")) {
            uint256 v;
            (v, p) = Json.uintValue(s, p);
            if (v > type(uint16).max) revert QeIdentityField("isvprodid", p);
            _put(out, 78, bytes32(v << 240), 2);
            bit = 1024;
        } else if (k == keccak256("tcbLevels")) {
            (p, c.w, c.levels) = _levels(s, p, out, c.w);
            bit = 2048;
        } else {
            revert QeIdentityField("unknown key", p);
        }
        return (p, bit);
    }

    function _levels(bytes memory s, uint256 p, bytes memory out, uint256 w)
        private
        pure
        returns (uint256 q, uint256, uint256 count)
    {
        bool has;
        (has, q) = Json.firstItem(s, p);
        while (has) {
            (q, w) = _level(s, q, out, w);
            ++count;
            (has, q) = Json.more(s, q, "]");
        }
        return (q, w, count);
    }

    /// @dev One level: isvsvn (2 bytes), status (1), advisory count (1), advisories (4 each).
    function _level(bytes memory s, uint256 p, bytes memory out, uint256 base) private pure returns (uint256 q, uint256 next) {
        bool has;
        bytes32 k;
        (has, k, q) = Json.firstKey(s, p);
        if (!has) revert QeIdentityField("tcbLevel", q);
        next = base + 4;
        uint256 seen;
        while (has) {
            uint256 bit = TcbStatusCodec.LEVEL_TCB;
            if (k == keccak256("tcb")) {
                q = _isvsvn(s, q, out, base);
            } else {
                (q, bit, next) = TcbStatusCodec.levelMember(s, q, k, out, base + 2, next, seen, true);
                if (bit == 0) revert QeIdentityField("unknown key", q);
                if (bit == TcbStatusCodec.LEVEL_ADVISORIES_REPEATED) revert QeIdentityField("advisoryIDs", q);
            }
            seen |= bit;
            (has, k, q) = Json.nextKey(s, q);
        }
        if (seen & TcbStatusCodec.LEVEL_REQUIRED != TcbStatusCodec.LEVEL_REQUIRED) revert QeIdentityField("tcbLevel", q);
    }

    /// @dev `{"isvsvn": n}`
    function _isvsvn(bytes memory s, uint256 p, bytes memory out, uint256 base) private pure returns (uint256 q) {
        bool empty;
        (q, empty) = Json.open(s, p, "{");
        bytes32 k;
        (k, q) = Json.key(s, q);
        if (empty || k != keccak256("isvsvn")) revert QeIdentityField("tcb", q);
        uint256 v;
        (v, q) = Json.uintValue(s, q);
        if (v > type(uint16).max) revert QeIdentityField("isvsvn", q);
        _put(out, base, bytes32(v << 240), 2);
        q = Json.expect(s, q, "}");
    }

    function _hex(bytes memory s, uint256 p, bytes memory out, uint256 at, uint256 n) private pure returns (uint256 q) {
        bytes32 v;
        (v, q) = Json.hexString(s, p, n);
        _put(out, at, v, n);
    }

    function _put(bytes memory out, uint256 at, bytes32 v, uint256 n) private pure {
        for (uint256 i; i < n; ++i) out[at + i] = v[i];
    }
}
