// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ITpmQuoteVerifier} from "../../interfaces/ITpmQuoteVerifier.sol";
import {IWorkloadVerifier} from "../../interfaces/IWorkloadVerifier.sol";
import {TpmQuote} from "../tpm/TpmQuote.sol";

/// @title TpmBinding
/// @notice Verifies a TPM quote inline (TpmQuote) against a qualifying data computed in memory.
/// TpmQuote takes the expected qualifying data as calldata, so the quote's own extraData slice is
/// passed there and the comparison with `expected` happens here, with the same error.
library TpmBinding {
    function verify(IWorkloadVerifier.TpmEvidence calldata tpm, bytes32 expected)
        internal
        view
        returns (ITpmQuoteVerifier.TpmQuoteResult memory r)
    {
        r = TpmQuote.verify(tpm.akPublic, tpm.attest, tpm.signature, tpm.pcrValues, extraDataOf(tpm.attest));
        if (r.extraData.length != 32 || bytes32(r.extraData) != expected) {
            revert ITpmQuoteVerifier.TpmQualifyingDataMismatch(sha256(abi.encodePacked(expected)), sha256(r.extraData));
        }
    }

    /// @dev TPMS_ATTEST: magic 4, type 2, qualifiedSigner TPM2B, extraData TPM2B (docs/tpm-onchain.md).
    /// Out of range: an empty slice (TpmQuote's parser then reports the truncation).
    function extraDataOf(bytes calldata attest) internal pure returns (bytes calldata) {
        if (attest.length < 8) return attest[0:0];
        uint256 nameLen = uint16(bytes2(attest[6:8]));
        uint256 at = 8 + nameLen;
        if (attest.length < at + 2) return attest[0:0];
        uint256 len = uint16(bytes2(attest[at:at + 2]));
        if (attest.length < at + 2 + len) return attest[0:0];
        return attest[at + 2:at + 2 + len];
    }
}
