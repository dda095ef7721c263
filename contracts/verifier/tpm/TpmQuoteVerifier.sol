// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ITpmQuoteVerifier} from "../../interfaces/ITpmQuoteVerifier.sol";
import {TpmAttest} from "./TpmAttest.sol";
import {TpmPublic} from "./TpmPublic.sol";
import {TpmSignature} from "./TpmSignature.sol";

/// @title TpmQuoteVerifier
/// @notice Stateless onchain verification of TPM 2.0 quotes: signature under the AK (RSASSA-SHA256
/// or ECDSA P-256), PCR digest over the supplied values, qualifying data. The AK certificate chain
/// (AK CA -> AK) is not checked here yet: it needs the shared onchain X.509 library; callers bind the
/// AK by its `akKeyHash` (e.g. to TEE report data). Layouts: docs/tpm-onchain.md.
contract TpmQuoteVerifier is ITpmQuoteVerifier {
    /// @inheritdoc ITpmQuoteVerifier
    function verifyQuote(
        bytes calldata akPublic,
        bytes calldata attest,
        bytes calldata signature,
        bytes[] calldata pcrValues,
        bytes calldata qualifyingData
    ) external view returns (TpmQuoteResult memory result) {
        TpmPublic.AkPublic memory ak = TpmPublic.parse(akPublic);
        TpmAttest.Quote memory q = TpmAttest.parse(attest);
        TpmSignature.verify(signature, sha256(attest), ak);

        if (keccak256(q.extraData) != keccak256(qualifyingData)) {
            revert TpmQualifyingDataMismatch(sha256(qualifyingData), sha256(q.extraData));
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

    /// @dev pcrDigest = sha256(concatenation of the selected PCR values, bank by bank, ascending index).
    function _checkPcrs(TpmAttest.Quote memory q, bytes[] calldata pcrValues) private pure returns (PcrBank[] memory banks) {
        banks = new PcrBank[](q.selection.length);
        uint256 total;
        for (uint256 i = 0; i < q.selection.length; i++) total += _popcount(q.selection[i].pcrMask);
        if (total != pcrValues.length) revert TpmPcrValueCount(total, pcrValues.length);
        if (q.pcrDigest.length != 32) revert TpmUnsupportedAlgorithm(TpmStructure.Attest, uint16(q.pcrDigest.length));

        uint256 totalLength;
        for (uint256 j = 0; j < pcrValues.length; j++) totalLength += pcrValues[j].length;
        // One buffer for the digest input instead of repeated bytes.concat copies.
        bytes memory concatenated = new bytes(totalLength);
        uint256 next;
        uint256 written;
        for (uint256 i = 0; i < q.selection.length; i++) {
            banks[i].hashAlg = q.selection[i].hashAlg;
            banks[i].pcrMask = q.selection[i].pcrMask;
            (banks[i].values, next, written) = _takeBank(banks[i], pcrValues, next, concatenated, written);
        }
        bytes32 computed = sha256(concatenated);
        bytes32 quoted = bytes32(q.pcrDigest);
        if (computed != quoted) revert TpmPcrDigestMismatch(quoted, computed);
    }

    function _takeBank(PcrBank memory bank, bytes[] calldata pcrValues, uint256 next, bytes memory buf, uint256 written)
        private
        pure
        returns (bytes[] memory values, uint256, uint256)
    {
        uint256 size = _digestSize(bank.hashAlg);
        values = new bytes[](_popcount(bank.pcrMask));
        uint256 k;
        for (uint256 pcr = 0; pcr < 32; pcr++) {
            if (bank.pcrMask & (uint32(1) << uint32(pcr)) == 0) continue;
            bytes calldata v = pcrValues[next];
            if (v.length != size) revert TpmPcrValueLength(next, size, v.length);
            values[k++] = v;
            assembly ("memory-safe") {
                calldatacopy(add(add(buf, 0x20), written), v.offset, v.length)
            }
            written += size;
            next++;
        }
        return (values, next, written);
    }

    function _digestSize(uint16 alg) private pure returns (uint256) {
        if (alg == 0x0004) return 20;
        if (alg == 0x000B) return 32;
        if (alg == 0x000C) return 48;
        if (alg == 0x000D) return 64;
        revert TpmUnsupportedAlgorithm(TpmStructure.Attest, alg);
    }

    function _popcount(uint32 x) private pure returns (uint256 n) {
        for (; x != 0; x &= x - 1) n++;
    }
}
