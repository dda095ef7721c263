// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ITpmQuoteVerifier} from "../../interfaces/ITpmQuoteVerifier.sol";
import {TpmAttest} from "./TpmAttest.sol";
import {TpmPublic} from "./TpmPublic.sol";
import {TpmSignature} from "./TpmSignature.sol";

/// @title TpmQuote
/// @notice TPM 2.0 quote verification as an internal library, so a contract (e.g. the CVM registry)
/// can verify a quote without an external call; TpmQuoteVerifier exposes the same logic.
/// Checks: AK is a restricted signing key, signature over sha256(attest), extraData equals the
/// expected qualifying data, PCR digest over the supplied values (docs/tpm-onchain.md).
library TpmQuote {
    function verify(
        bytes calldata akPublic,
        bytes calldata attest,
        bytes calldata signature,
        bytes calldata pcrValues,
        bytes calldata qualifyingData
    ) internal view returns (ITpmQuoteVerifier.TpmQuoteResult memory result) {
        TpmPublic.AkPublic memory ak = TpmPublic.parse(akPublic);
        TpmAttest.Quote memory q = TpmAttest.parse(attest);
        TpmSignature.verify(signature, sha256(attest), ak);

        if (keccak256(q.extraData) != keccak256(qualifyingData)) {
            revert ITpmQuoteVerifier.TpmQualifyingDataMismatch(sha256(qualifyingData), sha256(q.extraData));
        }
        result.banks = _checkPcrs(q, pcrValues);
        result.akKeyHash = sha256(akPublic);
        result.extraData = q.extraData;
        result.clock = q.clock;
        result.resetCount = q.resetCount;
        result.restartCount = q.restartCount;
        result.safe = q.safe;
        result.firmwareVersion = q.firmwareVersion;
        result.qualifiedSigner = q.qualifiedSigner;
    }

    /// @dev pcrDigest = sha256(pcrValues): the selected values bank by bank, ascending index.
    function _checkPcrs(TpmAttest.Quote memory q, bytes calldata pcrValues)
        private
        pure
        returns (ITpmQuoteVerifier.PcrBank[] memory banks)
    {
        if (q.pcrDigest.length != 32) {
            revert ITpmQuoteVerifier.TpmUnsupportedAlgorithm(ITpmQuoteVerifier.TpmStructure.Attest, uint16(q.pcrDigest.length));
        }
        banks = new ITpmQuoteVerifier.PcrBank[](q.selection.length);
        uint256 o;
        for (uint256 i = 0; i < q.selection.length; i++) {
            uint256 n = _popcount(q.selection[i].pcrMask) * _digestSize(q.selection[i].hashAlg);
            if (o + n > pcrValues.length) revert ITpmQuoteVerifier.TpmPcrValuesLength(o + n, pcrValues.length);
            banks[i] = ITpmQuoteVerifier.PcrBank({
                hashAlg: q.selection[i].hashAlg,
                pcrMask: q.selection[i].pcrMask,
                values: pcrValues[o:o + n]
            });
            o += n;
        }
        if (o != pcrValues.length) revert ITpmQuoteVerifier.TpmPcrValuesLength(o, pcrValues.length);
        bytes32 computed = sha256(pcrValues);
        bytes32 quoted = bytes32(q.pcrDigest);
        if (computed != quoted) revert ITpmQuoteVerifier.TpmPcrDigestMismatch(quoted, computed);
    }

    function _digestSize(uint16 alg) private pure returns (uint256) {
        if (alg == 0x0004) return 20;
        if (alg == 0x000B) return 32;
        if (alg == 0x000C) return 48;
        if (alg == 0x000D) return 64;
        revert ITpmQuoteVerifier.TpmUnsupportedAlgorithm(ITpmQuoteVerifier.TpmStructure.Attest, alg);
    }

    function _popcount(uint32 x) private pure returns (uint256 n) {
        for (; x != 0; x &= x - 1) n++;
    }
}
