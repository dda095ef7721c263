// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Json} from "../lib/Json.sol";
import {TcbStatusCodec} from "./TcbStatusCodec.sol";

/// @notice The TDX module part of a TDX TCB info (`tdxModule`, `tdxModuleIdentities`) in compact form
/// (docs/onchain-dcap.md, "TDX module section"): signer, attributes and mask of the default module at
/// [0, 64), the identity count at 64, then each identity `TDX_nn`:
/// version (1) | mrsigner (48) | attributes (8) | attributesMask (8) | level count (1) | levels,
/// a level being isvsvn (1) | status (1) | advisory count (1) | advisories (4 each).
library TdxModuleParser {
    error TdxModuleField(string field, uint256 offset);

    uint256 internal constant COUNT_AT = 64;
    uint256 internal constant IDENTITY_FIXED = 66;

    /// `seen` bits: the signer fields ({_signerField}) of `tdxModule` and of each identity, then an
    /// identity's own keys. All are required.
    uint256 private constant MRSIGNER = 1;
    uint256 private constant ATTRIBUTES = 2;
    uint256 private constant ATTRIBUTES_MASK = 4;
    uint256 private constant SIGNER_FIELDS = MRSIGNER | ATTRIBUTES | ATTRIBUTES_MASK;
    uint256 private constant IDENTITY_ID = 8;
    uint256 private constant IDENTITY_LEVELS = 16;
    uint256 private constant IDENTITY_FIELDS = SIGNER_FIELDS | IDENTITY_ID | IDENTITY_LEVELS;

    /// @dev `{"mrsigner":..,"attributes":..,"attributesMask":..}` into `mod[0:64]`.
    function tdxModule(bytes memory s, uint256 p, bytes memory mod) internal pure returns (uint256 q) {
        bool has;
        bytes32 k;
        (has, k, q) = Json.firstKey(s, p);
        uint256 seen;
        while (has) {
            uint256 bit;
            (q, bit) = _signerField(s, q, k, mod, 0);
            if (bit == 0 || seen & bit != 0) revert TdxModuleField("tdxModule key", q);
            seen |= bit;
            (has, k, q) = Json.nextKey(s, q);
        }
        if (seen != SIGNER_FIELDS) revert TdxModuleField("tdxModule", q);
    }

    /// @dev The identities array, count at `mod[64]`, identities from `mod[65]`; returns the end.
    function identities(bytes memory s, uint256 p, bytes memory mod) internal pure returns (uint256 q, uint256 w) {
        return _array(s, p, mod, COUNT_AT, false, _identity);
    }

    function _identity(bytes memory s, uint256 p, bytes memory mod, uint256 base) private pure returns (uint256 q, uint256 end) {
        bool has;
        bytes32 k;
        (has, k, q) = Json.firstKey(s, p);
        if (!has) revert TdxModuleField("identity", q);
        uint256 seen;
        end = base + IDENTITY_FIXED;
        while (has) {
            uint256 bit;
            if (k == keccak256("id")) {
                q = _id(s, q, mod, base);
                bit = IDENTITY_ID;
            } else if (k == keccak256("tcbLevels")) {
                (q, end) = _levels(s, q, mod, base + IDENTITY_FIXED - 1);
                bit = IDENTITY_LEVELS;
            } else {
                (q, bit) = _signerField(s, q, k, mod, base + 1);
                if (bit == 0) revert TdxModuleField("identity key", q);
            }
            if (seen & bit != 0) revert TdxModuleField("duplicate key", q);
            seen |= bit;
            (has, k, q) = Json.nextKey(s, q);
        }
        if (seen != IDENTITY_FIELDS) revert TdxModuleField("identity", q);
    }

    /// @dev `"TDX_nn"` (nn two hex digits, the module's major version) into `mod[at]`.
    function _id(bytes memory s, uint256 p, bytes memory mod, uint256 at) private pure returns (uint256 q) {
        uint256 st;
        uint256 len;
        (st, len, q) = Json.str(s, p);
        if (len != 6 || s[st] != "T" || s[st + 1] != "D" || s[st + 2] != "X" || s[st + 3] != "_") {
            revert TdxModuleField("id", st);
        }
        mod[at] = bytes1(uint8((_hexDigit(s, st + 4) << 4) | _hexDigit(s, st + 5)));
    }

    function _levels(bytes memory s, uint256 p, bytes memory mod, uint256 countAt) private pure returns (uint256 q, uint256 w) {
        return _array(s, p, mod, countAt, true, _level);
    }

    /// @dev A JSON array of `item`s written from `mod[countAt + 1]`, their count at `mod[countAt]`:
    /// at most 255, and for tcbLevels (`levels`) at least one.
    function _array(
        bytes memory s,
        uint256 p,
        bytes memory mod,
        uint256 countAt,
        bool levels,
        function(bytes memory, uint256, bytes memory, uint256) pure returns (uint256, uint256) item
    ) private pure returns (uint256 q, uint256 w) {
        bool has;
        (has, q) = Json.firstItem(s, p);
        w = countAt + 1;
        uint256 count;
        while (has) {
            (q, w) = item(s, q, mod, w);
            ++count;
            (has, q) = Json.more(s, q, "]");
        }
        if ((levels && count == 0) || count > 255) revert TdxModuleField(levels ? "tcbLevels" : "tdxModuleIdentities", q);
        mod[countAt] = bytes1(uint8(count));
    }

    function _level(bytes memory s, uint256 p, bytes memory mod, uint256 base) private pure returns (uint256 q, uint256 next) {
        bool has;
        bytes32 k;
        (has, k, q) = Json.firstKey(s, p);
        if (!has) revert TdxModuleField("tcbLevel", q);
        next = base + 3;
        uint256 seen;
        while (has) {
            if (k == keccak256("tcb")) {
                bool e2;
                (q, e2) = Json.open(s, q, "{");
                bytes32 k2;
                (k2, q) = Json.key(s, q);
                if (e2 || k2 != keccak256("isvsvn")) revert TdxModuleField("tcb", q);
                uint256 v;
                (v, q) = Json.uintValue(s, q);
                if (v > 255) revert TdxModuleField("isvsvn", q);
                mod[base] = bytes1(uint8(v));
                q = Json.expect(s, q, "}");
                seen |= TcbStatusCodec.LEVEL_TCB;
            } else {
                // Module levels only ever required tcbDate to be a string; kept so (no new refusals).
                uint256 bit;
                (q, bit, next) = TcbStatusCodec.levelMember(s, q, k, mod, base + 1, next, seen, false);
                if (bit == 0) revert TdxModuleField("tcbLevel key", q);
                if (bit == TcbStatusCodec.LEVEL_ADVISORIES_REPEATED) revert TdxModuleField("advisoryIDs", q);
                seen |= bit;
            }
            (has, k, q) = Json.nextKey(s, q);
        }
        if (seen & TcbStatusCodec.LEVEL_REQUIRED != TcbStatusCodec.LEVEL_REQUIRED) revert TdxModuleField("tcbLevel", q);
    }

    /// @dev mrsigner (48 bytes) at base, attributes (8) at base+48, attributesMask (8) at base+56.
    function _signerField(bytes memory s, uint256 p, bytes32 k, bytes memory mod, uint256 base)
        private
        pure
        returns (uint256 q, uint256 bit)
    {
        uint256 at;
        uint256 want;
        if (k == keccak256("mrsigner")) (bit, at, want) = (MRSIGNER, base, 48);
        else if (k == keccak256("attributes")) (bit, at, want) = (ATTRIBUTES, base + 48, 8);
        else if (k == keccak256("attributesMask")) (bit, at, want) = (ATTRIBUTES_MASK, base + 56, 8);
        else return (p, 0);
        uint256 n;
        (q, n) = Json.hexInto(s, p, mod, at);
        if (n != want) revert TdxModuleField("hex length", p);
    }

    function _hexDigit(bytes memory s, uint256 i) private pure returns (uint256) {
        uint8 c = uint8(s[i]);
        if (c >= 0x30 && c <= 0x39) return c - 0x30;
        if (c >= 0x41 && c <= 0x46) return c - 0x37;
        if (c >= 0x61 && c <= 0x66) return c - 0x57;
        revert TdxModuleField("id", i);
    }
}
