// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IQuoteVerifier} from "../../interfaces/IQuoteVerifier.sol";
import {Json} from "../lib/Json.sol";
import {Asn1Time} from "../lib/Asn1Time.sol";

/// @notice Reads the `tcbStatus` strings and `advisoryIDs` arrays shared by TCB info and QE identity
/// JSON into their compact forms: a status byte and `INTEL-SA-nnnnn` numbers (uint32, big-endian).
library TcbStatusCodec {
    error UnknownTcbStatus(uint256 offset);
    error BadAdvisoryId(uint256 offset);

    /// `seen` bits of a TCB level's keys, the same in TCB info, QE identity and TDX module levels:
    /// tcb, tcbDate and tcbStatus are required; advisoryIDs is optional and may appear once.
    uint256 internal constant LEVEL_TCB = 1;
    uint256 internal constant LEVEL_TCB_DATE = 2;
    uint256 internal constant LEVEL_TCB_STATUS = 4;
    uint256 internal constant LEVEL_ADVISORIES = 8;
    uint256 internal constant LEVEL_REQUIRED = LEVEL_TCB | LEVEL_TCB_DATE | LEVEL_TCB_STATUS;
    /// What {levelMember} answers for a second advisoryIDs: each reader refuses it with its own error.
    uint256 internal constant LEVEL_ADVISORIES_REPEATED = 16;

    /// @dev An ISO 8601 date string (`issueDate`, `nextUpdate`) as seconds since the epoch.
    function date(bytes memory s, uint256 p) internal pure returns (uint64 v, uint256 q) {
        uint256 st;
        uint256 len;
        (st, len, q) = Json.str(s, p);
        v = uint64(Asn1Time.isoTime(s, st, len));
    }

    function status(bytes memory s, uint256 p) internal pure returns (uint8 st, uint256 q) {
        bytes32 h;
        uint256 start;
        (h, start, q) = Json.strHash(s, p);
        if (h == keccak256("UpToDate")) return (uint8(IQuoteVerifier.TcbStatus.UpToDate), q);
        if (h == keccak256("SWHardeningNeeded")) return (uint8(IQuoteVerifier.TcbStatus.SWHardeningNeeded), q);
        if (h == keccak256("ConfigurationNeeded")) return (uint8(IQuoteVerifier.TcbStatus.ConfigurationNeeded), q);
        if (h == keccak256("ConfigurationAndSWHardeningNeeded")) {
            return (uint8(IQuoteVerifier.TcbStatus.ConfigurationAndSWHardeningNeeded), q);
        }
        if (h == keccak256("OutOfDate")) return (uint8(IQuoteVerifier.TcbStatus.OutOfDate), q);
        if (h == keccak256("OutOfDateConfigurationNeeded")) {
            return (uint8(IQuoteVerifier.TcbStatus.OutOfDateConfigurationNeeded), q);
        }
        if (h == keccak256("Revoked")) return (uint8(IQuoteVerifier.TcbStatus.Revoked), q);
        revert UnknownTcbStatus(start);
    }

    /// @dev The members a TCB level has besides `tcb`, read alike by the three readers: tcbDate (checked
    /// as a date when `checkDate`), tcbStatus into `out[statusAt]`, advisoryIDs from `out[statusAt + 1]`
    /// on (`next` then moves past them). Returns the key's LEVEL_ bit; for any other key 0, and for a
    /// second advisoryIDs LEVEL_ADVISORIES_REPEATED, without reading the value: the caller reverts with
    /// its own typed error at `q`.
    function levelMember(
        bytes memory s,
        uint256 p,
        bytes32 k,
        bytes memory out,
        uint256 statusAt,
        uint256 next,
        uint256 seen,
        bool checkDate
    ) internal pure returns (uint256 q, uint256 bit, uint256) {
        q = p;
        if (k == keccak256("tcbDate")) {
            uint256 start;
            uint256 len;
            (start, len, q) = Json.str(s, q);
            if (checkDate) Asn1Time.isoTime(s, start, len);
            bit = LEVEL_TCB_DATE;
        } else if (k == keccak256("tcbStatus")) {
            uint8 st;
            (st, q) = status(s, q);
            out[statusAt] = bytes1(st);
            bit = LEVEL_TCB_STATUS;
        } else if (k == keccak256("advisoryIDs")) {
            if (seen & LEVEL_ADVISORIES != 0) return (q, LEVEL_ADVISORIES_REPEATED, next);
            (q, next) = advisories(s, q, out, statusAt + 1);
            bit = LEVEL_ADVISORIES;
        }
        return (q, bit, next);
    }

    /// @dev Parses an advisoryIDs array, appending count (1 byte) then each id (4 bytes) at `out[w]`.
    function advisories(bytes memory s, uint256 p, bytes memory out, uint256 w)
        internal
        pure
        returns (uint256 q, uint256 w2)
    {
        bool again;
        (again, q) = Json.firstItem(s, p);
        uint256 countAt = w++;
        uint256 count;
        while (again) {
            uint256 start;
            uint256 len;
            (start, len, q) = Json.str(s, q);
            // "INTEL-SA-" followed by exactly 5 digits
            if (len != 14 || bytes9(_word(s, start)) != "INTEL-SA-") revert BadAdvisoryId(start);
            uint256 n;
            for (uint256 i = 9; i < 14; ++i) {
                uint8 c = uint8(s[start + i]);
                if (c < 0x30 || c > 0x39) revert BadAdvisoryId(start + i);
                n = n * 10 + (c - 0x30);
            }
            if (count == 255) revert BadAdvisoryId(start);
            out[w] = bytes1(uint8(n >> 24));
            out[w + 1] = bytes1(uint8(n >> 16));
            out[w + 2] = bytes1(uint8(n >> 8));
            out[w + 3] = bytes1(uint8(n));
            w += 4;
            ++count;
            (again, q) = Json.more(s, q, "]");
        }
        out[countAt] = bytes1(uint8(count));
        w2 = w;
    }

    function _word(bytes memory s, uint256 at) private pure returns (bytes32 v) {
        assembly ("memory-safe") {
            v := mload(add(add(s, 32), at))
        }
    }
}
