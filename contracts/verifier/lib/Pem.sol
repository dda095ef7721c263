// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Base64} from "@openzeppelin/contracts/utils/Base64.sol";
import {BytesRead} from "./BytesRead.sol";

/// @notice The first `-----BEGIN CERTIFICATE-----` block of a PEM text region, decoded to DER with
/// OpenZeppelin's {Base64}. Line breaks inside the block are dropped; anything else fails to decode.
library Pem {
    error PemMalformed(uint256 offset);

    bytes32 private constant BEGIN = "-----BEGIN CERTIFICATE-----";
    bytes32 private constant END = "-----END CERTIFICATE-----";
    uint256 private constant BEGIN_LEN = 27;
    uint256 private constant END_LEN = 25;

    /// @dev Decodes the first certificate in `text[offset : offset + len]`; returns its DER and the
    /// offset just past its END line.
    function firstCertificate(bytes memory text, uint256 offset, uint256 len)
        internal
        pure
        returns (bytes memory der, uint256 after_)
    {
        uint256 limit = offset + len;
        BytesRead.check(text, offset, len);
        if (len < BEGIN_LEN + END_LEN || BytesRead.bN(text, offset, BEGIN_LEN) != BEGIN) revert PemMalformed(offset);
        uint256 p = offset + BEGIN_LEN;
        bytes memory b64 = new bytes(limit - p);
        uint256 n;
        while (true) {
            if (p >= limit) revert PemMalformed(p);
            bytes1 c = text[p];
            if (c == "-") break;
            if (c != "\n" && c != "\r") {
                b64[n++] = c;
            }
            ++p;
        }
        if (p + END_LEN > limit || BytesRead.bN(text, p, END_LEN) != END) revert PemMalformed(p);
        if (n == 0 || n % 4 != 0) revert PemMalformed(p);
        assembly ("memory-safe") {
            mstore(b64, n)
        }
        der = Base64.decode(string(b64));
        after_ = p + END_LEN;
    }
}
