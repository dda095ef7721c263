// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice Immutable byte blobs stored as contract code: a write costs ~200 gas per byte once, a read
/// is one EXTCODECOPY (far cheaper than an SLOAD per 32 bytes). The code starts with a STOP byte so
/// the blob can never run. Written here in a few lines rather than taking a dependency.
library DataBlob {
    error BlobWriteFailed();

    function write(bytes memory data) internal returns (address pointer) {
        // PUSH2 n, DUP1, PUSH1 0x0a, RETURNDATASIZE, CODECOPY, RETURNDATASIZE, RETURN | 0x00 | data
        bytes memory init = abi.encodePacked(hex"61", uint16(data.length + 1), hex"80600a3d393df300", data);
        assembly ("memory-safe") {
            pointer := create(0, add(init, 32), mload(init))
        }
        if (pointer == address(0)) revert BlobWriteFailed();
    }

    function read(address pointer) internal view returns (bytes memory data) {
        uint256 size = pointer.code.length;
        if (size == 0) return data;
        data = new bytes(size - 1);
        assembly ("memory-safe") {
            extcodecopy(pointer, add(data, 32), 1, sub(size, 1))
        }
    }
}
