// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IQuoteVerifier} from "../../interfaces/IQuoteVerifier.sol";
import {BytesRead} from "../lib/BytesRead.sol";

/// @notice Decodes the packed output of Automata's `verifyAndAttestOnChain` (EVM v1.x):
/// quoteVersion (uint16 BE) | tee (bytes4, 0x00000081 TDX) | tcbStatus (uint8, Automata's order) |
/// fmspc (6) | quote body (384 SGX, 584 TD 1.0, 648 TD 1.5) | abi.encode(string[] advisoryIDs),
/// the last part absent when there are no advisories. Layout: docs/onchain-dcap.md.
library AutomataOutput {
    error AutomataOutputMalformed(uint256 offset);

    uint256 private constant HEAD = 13;

    struct Decoded {
        uint16 quoteVersion;
        uint32 teeType;
        uint8 automataStatus;
        bytes6 fmspc;
        uint256 bodyLength;
        uint32[] advisoryIds;
    }

    function decode(bytes memory out) internal pure returns (Decoded memory d) {
        if (out.length < HEAD + 384) revert AutomataOutputMalformed(out.length);
        d.quoteVersion = uint16(uint256(BytesRead.bN(out, 0, 2)) >> 240);
        d.teeType = uint32(uint256(BytesRead.bN(out, 2, 4)) >> 224);
        d.automataStatus = uint8(BytesRead.u8(out, 6));
        d.fmspc = bytes6(BytesRead.bN(out, 7, 6));
        if (d.teeType == 0) {
            d.bodyLength = 384;
        } else if (d.teeType == 0x81) {
            // v4 carries TD 1.0; v5 TD 1.0 or 1.5: 584 when the output ends there or an ABI string[]
            // head (0x20) follows, else 648 (the adapter also compares the body with the quote's)
            d.bodyLength = d.quoteVersion == 4 || _fits(out, 584) ? 584 : 648;
            if (!_fits(out, d.bodyLength)) revert AutomataOutputMalformed(HEAD + d.bodyLength);
        } else {
            revert AutomataOutputMalformed(2);
        }
        uint256 rest = HEAD + d.bodyLength;
        if (rest > out.length) revert AutomataOutputMalformed(out.length);
        d.advisoryIds = rest == out.length ? new uint32[](0) : _advisories(out, rest);
    }

    function _fits(bytes memory out, uint256 bodyLength) private pure returns (bool) {
        uint256 rest = HEAD + bodyLength;
        if (rest == out.length) return true;
        return rest + 64 <= out.length && uint256(BytesRead.b32(out, rest)) == 0x20;
    }

    /// @dev abi.encode(string[]) at `at`: offset 0x20, count, `count` offsets, then each string.
    function _advisories(bytes memory out, uint256 at) private pure returns (uint32[] memory ids) {
        uint256 base = at + 32; // the array's head
        if (uint256(BytesRead.b32(out, at)) != 0x20) revert AutomataOutputMalformed(at);
        uint256 n = uint256(BytesRead.b32(out, base));
        if (n > 255 || base + 32 + 96 * n != out.length) revert AutomataOutputMalformed(base);
        ids = new uint32[](n);
        // canonical ABI only: each 14-byte string takes a length word and one data word
        for (uint256 i; i < n; ++i) {
            uint256 off = uint256(BytesRead.b32(out, base + 32 + 32 * i));
            if (off != 32 * n + 64 * i) revert AutomataOutputMalformed(base + 32 + 32 * i);
            uint256 s = base + 32 + off;
            uint256 len = uint256(BytesRead.b32(out, s));
            // "INTEL-SA-" followed by 5 digits
            if (len != 14 || bytes9(BytesRead.bN(out, s + 32, 9)) != "INTEL-SA-") revert AutomataOutputMalformed(s);
            uint32 v;
            for (uint256 j = 9; j < 14; ++j) {
                uint256 c = BytesRead.u8(out, s + 32 + j);
                if (c < 0x30 || c > 0x39) revert AutomataOutputMalformed(s + 32 + j);
                v = v * 10 + uint32(c - 0x30);
            }
            if (uint256(BytesRead.bN(out, s + 46, 18)) != 0) revert AutomataOutputMalformed(s + 46);
            ids[i] = v;
        }
    }

    /// @dev Automata's TCBStatus order (OK, SWHardening, ConfigurationAndSWHardening, Configuration,
    /// OutOfDate, OutOfDateConfiguration, Revoked, Unrecognized) to IQuoteVerifier.TcbStatus.
    function status(uint8 s) internal pure returns (IQuoteVerifier.TcbStatus) {
        if (s == 0) return IQuoteVerifier.TcbStatus.UpToDate;
        if (s == 1) return IQuoteVerifier.TcbStatus.SWHardeningNeeded;
        if (s == 2) return IQuoteVerifier.TcbStatus.ConfigurationAndSWHardeningNeeded;
        if (s == 3) return IQuoteVerifier.TcbStatus.ConfigurationNeeded;
        if (s == 4) return IQuoteVerifier.TcbStatus.OutOfDate;
        if (s == 5) return IQuoteVerifier.TcbStatus.OutOfDateConfigurationNeeded;
        if (s == 6) return IQuoteVerifier.TcbStatus.Revoked;
        revert AutomataOutputMalformed(6);
    }
}
