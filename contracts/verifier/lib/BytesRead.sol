// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice Bounds-checked reads from `bytes memory` at byte offsets (little-endian integers as Intel
/// quotes use them). Every out-of-range read reverts with {BytesOutOfBounds}.
library BytesRead {
    /// @dev A read of `length` bytes at `offset` ran past the end of a buffer of `size` bytes.
    error BytesOutOfBounds(uint256 offset, uint256 length, uint256 size);

    function check(bytes memory b, uint256 offset, uint256 length) internal pure {
        if (offset + length > b.length) revert BytesOutOfBounds(offset, length, b.length);
    }

    function u8(bytes memory b, uint256 offset) internal pure returns (uint256 v) {
        check(b, offset, 1);
        assembly ("memory-safe") {
            v := byte(0, mload(add(add(b, 32), offset)))
        }
    }

    function u16le(bytes memory b, uint256 offset) internal pure returns (uint256 v) {
        check(b, offset, 2);
        assembly ("memory-safe") {
            let w := mload(add(add(b, 32), offset))
            v := or(byte(0, w), shl(8, byte(1, w)))
        }
    }

    function u32le(bytes memory b, uint256 offset) internal pure returns (uint256 v) {
        check(b, offset, 4);
        assembly ("memory-safe") {
            let w := mload(add(add(b, 32), offset))
            v := or(or(byte(0, w), shl(8, byte(1, w))), or(shl(16, byte(2, w)), shl(24, byte(3, w))))
        }
    }

    /// @dev The 32 bytes at `offset`, read as big-endian (the first byte is the most significant).
    function b32(bytes memory b, uint256 offset) internal pure returns (bytes32 v) {
        check(b, offset, 32);
        assembly ("memory-safe") {
            v := mload(add(add(b, 32), offset))
        }
    }

    /// @dev The `n` (<= 32) bytes at `offset`, left-aligned in a bytes32, the rest zero.
    function bN(bytes memory b, uint256 offset, uint256 n) internal pure returns (bytes32 v) {
        check(b, offset, n);
        if (n == 0) return bytes32(0);
        assembly ("memory-safe") {
            v := and(mload(add(add(b, 32), offset)), not(sub(shl(sub(256, mul(n, 8)), 1), 1)))
        }
    }

    function keccak(bytes memory b, uint256 offset, uint256 length) internal pure returns (bytes32 h) {
        check(b, offset, length);
        assembly ("memory-safe") {
            h := keccak256(add(add(b, 32), offset), length)
        }
    }

    /// @dev SHA-256 of a byte range through the 0x02 precompile (no copy).
    function sha256Range(bytes memory b, uint256 offset, uint256 length) internal view returns (bytes32 h) {
        check(b, offset, length);
        assembly ("memory-safe") {
            if iszero(staticcall(gas(), 0x02, add(add(b, 32), offset), length, 0x00, 0x20)) { revert(0, 0) }
            h := mload(0x00)
        }
    }

    /// @dev A fresh copy of `length` bytes at `offset`.
    function slice(bytes memory b, uint256 offset, uint256 length) internal view returns (bytes memory out) {
        check(b, offset, length);
        out = new bytes(length);
        assembly ("memory-safe") {
            // identity precompile: a bulk copy without a word loop
            pop(staticcall(gas(), 0x04, add(add(b, 32), offset), length, add(out, 32), length))
        }
    }

    /// @dev Whether the `length` bytes at `offset` are all zero.
    function isZero(bytes memory b, uint256 offset, uint256 length) internal pure returns (bool) {
        check(b, offset, length);
        uint256 acc;
        uint256 i;
        for (; i + 32 <= length; i += 32) {
            assembly ("memory-safe") {
                acc := or(acc, mload(add(add(add(b, 32), offset), i)))
            }
        }
        if (i < length) acc |= uint256(bN(b, offset + i, length - i));
        return acc == 0;
    }
}
