// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ICvmRegistry} from "../interfaces/ICvmRegistry.sol";
import {CvmGate} from "../cvm/CvmGate.sol";

/// @title CvmVault (example)
/// @notice Holds ETH and releases it only on requests signed inside an attested CVM running an
/// allowed measurement on registered hardware: `release` takes the CVM's EIP-712 signature of
/// Release(address to,uint256 amount,uint256 nonce,uint256 deadline) and anyone may relay it;
/// `withdraw` is the same for a CVM sending its own transaction.
contract CvmVault is CvmGate, EIP712, Ownable {
    bytes32 internal constant RELEASE_TYPEHASH = keccak256("Release(address to,uint256 amount,uint256 nonce,uint256 deadline)");

    CvmPolicy internal _policy;
    mapping(uint256 => bool) public nonceUsed;

    event Deposited(address indexed from, uint256 amount);
    event Released(address indexed identity, address indexed to, uint256 amount, uint256 nonce);

    error RequestExpired(uint256 deadline);
    error NonceUsed(uint256 nonce);
    error TransferFailed(address to, uint256 amount);

    /// @param allowedMeasurements golden-measurement hashes allowed from the start, each with `minLevel` and
    /// `maxEvidenceAge`, and the default TCB statuses (UpToDate, SWHardeningNeeded) until `setRule` names another
    constructor(ICvmRegistry registry, address owner_, bytes32[] memory allowedMeasurements, uint8 minLevel, uint64 maxEvidenceAge)
        CvmGate(registry)
        EIP712("CvmVault", "1")
        Ownable(owner_)
    {
        for (uint256 i = 0; i < allowedMeasurements.length; i++) {
            _setPolicyRule(_policy, allowedMeasurements[i], minLevel, maxEvidenceAge);
        }
    }

    /// @notice Deposits ETH.
    receive() external payable {
        emit Deposited(msg.sender, msg.value);
    }

    /// @notice Pays `amount` to `to` on a request signed by the CVM `identity` (relayed by anyone).
    function release(address identity, address payable to, uint256 amount, uint256 nonce, uint256 deadline, bytes calldata signature)
        external
    {
        if (block.timestamp > deadline) revert RequestExpired(deadline);
        if (nonceUsed[nonce]) revert NonceUsed(nonce);
        _requireCvmSignature(_policy, identity, hashRelease(to, amount, nonce, deadline), signature);
        nonceUsed[nonce] = true;
        emit Released(identity, to, amount, nonce);
        _pay(to, amount);
    }

    /// @notice Pays `amount` to the calling CVM identity itself.
    function withdraw(uint256 amount) external onlyAttestedCvm(_policy) {
        emit Released(msg.sender, msg.sender, amount, type(uint256).max);
        _pay(payable(msg.sender), amount);
    }

    /// @notice Owner: allow a golden-measurement hash with its minimum hardware level, maximum
    /// evidence age and weakest TCB status accepted (minLevel 0 disallows it; Default: UpToDate and
    /// SWHardeningNeeded).
    function setRule(bytes32 measurementHash, uint8 minLevel, uint64 maxEvidenceAge, WeakestTcbStatus weakestTcbStatus)
        external
        onlyOwner
    {
        _setPolicyRule(_policy, measurementHash, minLevel, maxEvidenceAge, weakestTcbStatus);
    }

    /// @notice The policy's rule for a measurement (minLevel 0: not allowed).
    function rule(bytes32 measurementHash) external view returns (CvmRule memory) {
        return _policy.rules[measurementHash];
    }

    /// @notice The EIP-712 digest a CVM signs to request a release.
    function hashRelease(address to, uint256 amount, uint256 nonce, uint256 deadline) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(RELEASE_TYPEHASH, to, amount, nonce, deadline)));
    }

    function _pay(address payable to, uint256 amount) private {
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert TransferFailed(to, amount);
    }
}
