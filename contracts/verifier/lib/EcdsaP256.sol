// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {P256} from "@openzeppelin/contracts/utils/cryptography/P256.sol";

/// @notice ECDSA P-256 verification for signatures made by issuers that do not normalise `s` (Intel's
/// PCS, QE and PCK keys). OpenZeppelin's {P256.verify} refuses `s > N/2` against malleability; a
/// verifier (not a replay guard) may accept both, since `(r, s)` and `(r, N - s)` prove the same thing.
library EcdsaP256 {
    uint256 private constant HALF_N = 0x7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8;

    function verify(bytes32 h, bytes32 r, bytes32 s, bytes32 qx, bytes32 qy) internal view returns (bool) {
        uint256 sv = uint256(s);
        if (sv > HALF_N && sv < P256.N) s = bytes32(P256.N - sv);
        return P256.verify(h, r, s, qx, qy);
    }
}
