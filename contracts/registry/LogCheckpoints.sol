// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {IAlliance} from "../interfaces/IAlliance.sol";
import {IHardwareRegistry} from "../interfaces/IHardwareRegistry.sol";
import {TransparencyLog} from "./TransparencyLog.sol";

/// @title LogCheckpoints: the registry's transparency log and the checkpoints members cosign.
/// @notice Checkpoint = EIP-712 `Checkpoint(string origin,uint64 size,bytes32 rootHash)` under the
/// domain ("ProofOfCloudHardwareRegistry", "1"); see docs/transparency-log.md.
abstract contract LogCheckpoints is IHardwareRegistry, EIP712 {
    using TransparencyLog for TransparencyLog.Tree;

    /// @notice EIP-712 type of a checkpoint cosignature.
    bytes32 public constant CHECKPOINT_TYPEHASH = keccak256("Checkpoint(string origin,uint64 size,bytes32 rootHash)");

    TransparencyLog.Tree internal _log;
    Checkpoint private _latest;

    constructor() EIP712("ProofOfCloudHardwareRegistry", "1") {}

    /// @inheritdoc IHardwareRegistry
    function recordCheckpoint(
        uint64 size,
        bytes32 rootHash,
        bytes32[] calldata consistencyProof,
        Cosignature[] calldata cosignatures
    ) external {
        if (size < _latest.size) revert StaleCheckpoint(size, _latest.size);
        if (!TransparencyLog.verifyConsistency(size, _log.size, rootHash, _log.root(), consistencyProof)) {
            revert InconsistentCheckpoint(size, rootHash);
        }
        IAlliance alliance_ = _alliance();
        bytes32 digest = hashCheckpoint(size, rootHash);
        address[] memory signers = new address[](cosignatures.length);
        for (uint256 i = 0; i < cosignatures.length; i++) {
            address signer = cosignatures[i].signer;
            if (!alliance_.isMember(signer)) revert NotMember(signer);
            for (uint256 j = 0; j < i; j++) {
                if (signers[j] == signer) revert DuplicateSigner(signer);
            }
            if (!SignatureChecker.isValidSignatureNow(signer, digest, cosignatures[i].signature)) {
                revert InvalidSignature(signer);
            }
            signers[i] = signer;
        }
        uint256 required = alliance_.threshold(IAlliance.ProposalClass.Ordinary);
        if (signers.length < required) revert BelowThreshold(signers.length, required);
        _latest = Checkpoint(size, rootHash, uint64(block.timestamp));
        emit CheckpointRecorded(size, rootHash, signers);
    }

    /// @inheritdoc IHardwareRegistry
    function logSize() external view returns (uint256) {
        return _log.size;
    }

    /// @inheritdoc IHardwareRegistry
    function logRoot() external view returns (bytes32) {
        return _log.root();
    }

    /// @inheritdoc IHardwareRegistry
    function logOrigin() public view returns (string memory) {
        return string.concat(
            "proof-of-cloud:", Strings.toString(block.chainid), ":", Strings.toHexString(address(this))
        );
    }

    /// @inheritdoc IHardwareRegistry
    function hashCheckpoint(uint64 size, bytes32 rootHash) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(abi.encode(CHECKPOINT_TYPEHASH, keccak256(bytes(logOrigin())), size, rootHash))
        );
    }

    /// @inheritdoc IHardwareRegistry
    function latestCheckpoint() external view returns (Checkpoint memory) {
        return _latest;
    }

    function _appendLeaf(uint8 leafType, bytes32 subject, bytes memory payload) internal {
        _log.append(TransparencyLog.encodeLeaf(leafType, subject, payload));
    }

    function _alliance() internal view virtual returns (IAlliance);
}
