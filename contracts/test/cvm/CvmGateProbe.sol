// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ICvmRegistry} from "../../interfaces/ICvmRegistry.sol";
import {CvmGate} from "../../cvm/CvmGate.sol";
import {TcbStatusRank} from "../../cvm/TcbStatusRank.sol";

/// @notice Test-only: measures the gas of one gate check from a cold start (each eth_call starts cold).
contract CvmGateProbe is CvmGate {
    CvmPolicy internal _policy;
    bytes32 internal immutable _allowed;
    uint8 internal immutable _minLevel;
    uint64 internal immutable _maxAge;
    WeakestTcbStatus internal immutable _weakest;

    constructor(ICvmRegistry registry, bytes32 allowed, uint8 minLevel, uint64 maxAge, WeakestTcbStatus weakest)
        CvmGate(registry)
    {
        _setPolicyRule(_policy, allowed, minLevel, maxAge, weakest);
        (_allowed, _minLevel, _maxAge, _weakest) = (allowed, minLevel, maxAge, weakest);
    }

    /// @notice TcbStatusRank.rank, for the test holding the SDK's order to the contracts'.
    function tcbStatusRank(uint8 status) external pure returns (uint256) {
        return TcbStatusRank.rank(status);
    }

    /// @notice Gas of `_checkAttestedCvm(identity, policyList)` with the policy built from immutables.
    function measureImmutable(address identity) external view returns (uint256 gasUsed) {
        uint256 start = gasleft();
        bytes32[] memory allowed = new bytes32[](1);
        allowed[0] = _allowed;
        _checkAttestedCvm(identity, CvmPolicyList(allowed, _minLevel, _maxAge, _weakest));
        gasUsed = start - gasleft();
    }

    /// @notice Gas of `_checkAttestedCvm(identity, policy)`.
    function measure(address identity) external view returns (uint256 gasUsed) {
        uint256 start = gasleft();
        _checkAttestedCvm(identity, _policy);
        gasUsed = start - gasleft();
    }

    /// @notice Gas of `_requireCvmSignature(policy, identity, digest, signature)`.
    function measureSigned(address identity, bytes32 digest, bytes calldata signature) external view returns (uint256 gasUsed) {
        uint256 start = gasleft();
        _requireCvmSignature(_policy, identity, digest, signature);
        gasUsed = start - gasleft();
    }

    /// @notice Gas of a second check of the same identity in the same call (everything warm).
    function measureWarm(address identity) external view returns (uint256 gasUsed) {
        _checkAttestedCvm(identity, _policy);
        uint256 start = gasleft();
        _checkAttestedCvm(identity, _policy);
        gasUsed = start - gasleft();
    }
}
