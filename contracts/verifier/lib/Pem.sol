// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Base64} from "@openzeppelin/contracts/utils/Base64.sol";
import {BytesRead} from "./BytesRead.sol";

/// @notice The first `-----BEGIN CERTIFICATE-----` block of a PEM text region: its base64 body
/// without line breaks (whose keccak256 names the certificate cheaply) and, on demand, its DER
/// through OpenZeppelin's {Base64}.
library Pem {
    error PemMalformed(uint256 offset);

    bytes32 private constant BEGIN = "-----BEGIN CERTIFICATE-----";
    bytes32 private constant END = "-----END CERTIFICATE-----";
    uint256 private constant BEGIN_LEN = 27;
    uint256 private constant END_LEN = 25;
    uint256 private constant ONES = 0x0101010101010101010101010101010101010101010101010101010101010101;
    uint256 private constant HIGHS = 0x8080808080808080808080808080808080808080808080808080808080808080;

    /// @dev The base64 text of the first certificate in `text[offset : offset + len]`, line breaks
    /// removed (standard base64 of the DER for any well-formed PEM).
    function firstCertificateBase64(bytes memory text, uint256 offset, uint256 len)
        internal
        pure
        returns (bytes memory b64)
    {
        uint256 limit = offset + len;
        BytesRead.check(text, offset, len);
        if (len < BEGIN_LEN + END_LEN || BytesRead.bN(text, offset, BEGIN_LEN) != BEGIN) revert PemMalformed(offset);
        uint256 p = offset + BEGIN_LEN;
        b64 = new bytes(limit - p);
        uint256 n;
        // Copy the base64 text without line breaks; stop at the first '-' (the END line). A full
        // 64-character line free of '-', CR and LF followed by LF is copied as two words.
        assembly ("memory-safe") {
            function hasByte(w, b) -> r {
                let v := xor(w, mul(b, ONES))
                r := and(and(sub(v, ONES), not(v)), HIGHS)
            }
            let src := add(text, 32)
            let dst := add(b64, 32)
            for {} lt(p, limit) {} {
                let at := add(src, p)
                let c := byte(0, mload(at))
                if eq(c, 0x2d) { break }
                if or(eq(c, 0x0a), eq(c, 0x0d)) {
                    p := add(p, 1)
                    continue
                }
                if lt(add(p, 64), limit) {
                    let w0 := mload(at)
                    let w1 := mload(add(at, 32))
                    if and(
                        eq(byte(0, mload(add(at, 64))), 0x0a),
                        iszero(or(or(hasByte(w0, 0x2d), hasByte(w1, 0x2d)), or(or(hasByte(w0, 0x0a), hasByte(w1, 0x0a)), or(hasByte(w0, 0x0d), hasByte(w1, 0x0d)))))
                    ) {
                        mstore(add(dst, n), w0)
                        mstore(add(dst, add(n, 32)), w1)
                        n := add(n, 64)
                        p := add(p, 65)
                        continue
                    }
                }
                mstore8(add(dst, n), c)
                n := add(n, 1)
                p := add(p, 1)
            }
        }
        if (p + END_LEN > limit || BytesRead.bN(text, p, END_LEN) != END) revert PemMalformed(p);
        if (n == 0 || n % 4 != 0) revert PemMalformed(p);
        assembly ("memory-safe") {
            mstore(b64, n)
        }
    }

    /// @dev Decodes a base64 body from {firstCertificateBase64} to DER.
    function decode(bytes memory b64) internal pure returns (bytes memory der) {
        der = Base64.decode(string(b64));
    }
}
