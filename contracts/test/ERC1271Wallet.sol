// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title ERC1271Wallet (test only): a contract account that accepts its owner's ECDSA signature.
/// @notice Lets tests seat a contract wallet as an Alliance member; `setOpen(false)` makes it refuse.
contract ERC1271Wallet is IERC1271 {
    address public immutable owner;
    bool public open = true;

    constructor(address owner_) {
        owner = owner_;
    }

    /// @notice Turns signature acceptance on or off (owner only).
    function setOpen(bool open_) external {
        require(msg.sender == owner, "owner");
        open = open_;
    }

    /// @notice Forwards a call (owner only), e.g. an onchain vote or heartbeat as this wallet.
    function exec(address target, bytes calldata data) external returns (bytes memory) {
        require(msg.sender == owner, "owner");
        (bool ok, bytes memory ret) = target.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
        return ret;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecover(hash, signature);
        if (open && err == ECDSA.RecoverError.NoError && signer == owner) return IERC1271.isValidSignature.selector;
        return 0xffffffff;
    }
}
