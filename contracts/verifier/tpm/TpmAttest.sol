// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ITpmQuoteVerifier} from "../../interfaces/ITpmQuoteVerifier.sol";
import {TpmReader} from "./TpmReader.sol";

/// @title TpmAttest
/// @notice Parses a TPMS_ATTEST of type TPM_ST_ATTEST_QUOTE (TPM 2.0 Part 2, 10.12.12):
/// magic, type, qualifiedSigner, extraData, clockInfo, firmwareVersion, then TPMS_QUOTE_INFO
/// (TPML_PCR_SELECTION, pcrDigest). Layout: docs/tpm-onchain.md.
library TpmAttest {
    using TpmReader for bytes;

    uint32 internal constant TPM_GENERATED_VALUE = 0xff544347;
    uint16 internal constant TPM_ST_ATTEST_QUOTE = 0x8018;

    struct Selection {
        uint16 hashAlg;
        uint32 pcrMask;
    }

    struct Quote {
        bytes qualifiedSigner;
        bytes extraData;
        uint64 clock;
        uint32 resetCount;
        uint32 restartCount;
        bool safe;
        uint64 firmwareVersion;
        Selection[] selection;
        bytes pcrDigest;
    }

    ITpmQuoteVerifier.TpmStructure private constant S = ITpmQuoteVerifier.TpmStructure.Attest;

    function parse(bytes calldata b) internal pure returns (Quote memory q) {
        uint256 o;
        uint32 magic;
        uint16 attestType;
        (magic, o) = b.u32(0, S);
        if (magic != TPM_GENERATED_VALUE) revert ITpmQuoteVerifier.TpmBadMagic(magic);
        (attestType, o) = b.u16(o, S);
        if (attestType != TPM_ST_ATTEST_QUOTE) revert ITpmQuoteVerifier.TpmNotAQuote(attestType);
        (q.qualifiedSigner, o) = b.tpm2b(o, S);
        (q.extraData, o) = b.tpm2b(o, S);
        (q.clock, o) = b.u64(o, S);
        (q.resetCount, o) = b.u32(o, S);
        (q.restartCount, o) = b.u32(o, S);
        uint8 safe;
        (safe, o) = b.u8(o, S);
        q.safe = safe != 0;
        (q.firmwareVersion, o) = b.u64(o, S);
        uint32 count;
        (count, o) = b.u32(o, S);
        // Each selection takes at least 3 bytes: bound the count by what is left before allocating.
        if (uint256(count) * 3 > b.length - o) revert ITpmQuoteVerifier.TpmTruncated(S, o);
        q.selection = new Selection[](count);
        for (uint256 i = 0; i < count; i++) {
            uint8 size;
            (q.selection[i].hashAlg, o) = b.u16(o, S);
            (size, o) = b.u8(o, S);
            if (size > 4) revert ITpmQuoteVerifier.TpmBadPcrSelection(i, size);
            b.need(o, size, S);
            uint32 mask;
            for (uint256 k = 0; k < size; k++) mask |= uint32(uint8(b[o + k])) << uint32(8 * k);
            q.selection[i].pcrMask = mask;
            o += size;
        }
        (q.pcrDigest, o) = b.tpm2b(o, S);
        b.end(o, S);
    }
}
