// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice Calendar times to unix seconds: DER UTCTime / GeneralizedTime (X.509, CRLs) and the
/// ISO 8601 `YYYY-MM-DDThh:mm:ssZ` strings of Intel's JSON collateral. Strict: UTC ("Z") only,
/// no fractions, every field range-checked.
library Asn1Time {
    error BadTime(uint256 offset);

    function _digits(bytes memory s, uint256 offset, uint256 n) private pure returns (uint256 v) {
        if (offset + n > s.length) revert BadTime(offset);
        for (uint256 i; i < n; ++i) {
            uint8 c = uint8(s[offset + i]);
            if (c < 0x30 || c > 0x39) revert BadTime(offset + i);
            v = v * 10 + (c - 0x30);
        }
    }

    /// @dev Days from 1970-01-01 to the civil date (proleptic Gregorian), the classic era algorithm.
    function daysFromCivil(uint256 y, uint256 m, uint256 d) internal pure returns (uint256) {
        if (m <= 2) y -= 1;
        uint256 era = y / 400;
        uint256 yoe = y - era * 400;
        uint256 mp = m > 2 ? m - 3 : m + 9;
        uint256 doy = (153 * mp + 2) / 5 + d - 1;
        uint256 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
    }

    function _toUnix(uint256 y, uint256 mo, uint256 d, uint256 h, uint256 mi, uint256 s, uint256 offset)
        private
        pure
        returns (uint256)
    {
        if (y < 1970 || mo == 0 || mo > 12 || d == 0 || d > 31 || h > 23 || mi > 59 || s > 59) revert BadTime(offset);
        return daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    }

    /// @dev The content of a UTCTime (tag 0x17, 13 bytes) or GeneralizedTime (0x18, 15 bytes).
    function derTime(bytes memory der, uint8 tag, uint256 offset, uint256 len) internal pure returns (uint256) {
        uint256 y;
        uint256 p = offset;
        if (tag == 0x17 && len == 13) {
            y = _digits(der, p, 2);
            y += y < 50 ? 2000 : 1900; // RFC 5280 4.1.2.5.1
            p += 2;
        } else if (tag == 0x18 && len == 15) {
            y = _digits(der, p, 4);
            p += 4;
        } else {
            revert BadTime(offset);
        }
        if (der[p + 10] != "Z") revert BadTime(p + 10);
        return _toUnix(
            y, _digits(der, p, 2), _digits(der, p + 2, 2), _digits(der, p + 4, 2), _digits(der, p + 6, 2),
            _digits(der, p + 8, 2), offset
        );
    }

    /// @dev `YYYY-MM-DDThh:mm:ssZ` at `offset` (exactly 20 bytes).
    function isoTime(bytes memory s, uint256 offset, uint256 len) internal pure returns (uint256) {
        if (len != 20 || offset + 20 > s.length) revert BadTime(offset);
        if (
            s[offset + 4] != "-" || s[offset + 7] != "-" || s[offset + 10] != "T" || s[offset + 13] != ":"
                || s[offset + 16] != ":" || s[offset + 19] != "Z"
        ) revert BadTime(offset);
        return _toUnix(
            _digits(s, offset, 4), _digits(s, offset + 5, 2), _digits(s, offset + 8, 2), _digits(s, offset + 11, 2),
            _digits(s, offset + 14, 2), _digits(s, offset + 17, 2), offset
        );
    }
}
