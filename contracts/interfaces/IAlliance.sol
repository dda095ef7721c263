// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IAlliance: the quorum of independent members that governs the Proof of Cloud registry.
/// @notice One member, one vote. A proposal carries the calls it executes; it passes when enough
/// current members support it, counted from onchain `vote` calls plus a batch of EIP-712
/// `Vote(uint256 proposalId,bool support)` signatures. The class a proposal needs is decided by the
/// Alliance's class table: each (target, function selector) it may call has a minimum class, and a
/// call with no entry needs SecurityCritical. See docs/alliance.md.
interface IAlliance {
    /// @notice Decision classes, ordered by strength: a stronger class satisfies any weaker requirement.
    enum ProposalClass {
        EmergencyFreeze,
        Ordinary,
        SecurityCritical
    }

    /// @notice One call a proposal executes.
    struct Call {
        address target;
        uint256 value;
        bytes data;
    }

    /// @notice A member's EIP-712 vote in favour of a proposal. `proposalId`, `chainId` and
    /// `verifyingContract` restate what the signer signed so a mismatch gets a precise error before
    /// any signature check; the signature itself binds them through the EIP-712 digest.
    struct VoteSignature {
        address signer;
        uint256 proposalId;
        uint256 chainId;
        address verifyingContract;
        bytes signature;
    }

    /// @notice A member as the Alliance records it. Removed members stay recorded (`active` false).
    struct Member {
        string name;
        bool active;
        uint32 epoch;
        uint64 since;
    }

    event MemberAdded(address indexed member, string name);
    event MemberRemoved(address indexed member);
    event ChairElected(address indexed chair, uint64 termEnd);
    event ChairTermSet(uint64 term);
    event ProposalCreated(
        uint256 indexed proposalId,
        address indexed proposer,
        ProposalClass proposalClass,
        uint64 deadline,
        Call[] calls,
        string description
    );
    event VoteCast(uint256 indexed proposalId, address indexed voter, bool support);
    event ProposalExecuted(uint256 indexed proposalId, ProposalClass proposalClass, uint256 support);
    /// @notice The class table now requires `proposalClass` for calls of `selector` on `target`.
    event CallClassSet(address indexed target, bytes4 indexed selector, ProposalClass proposalClass);
    /// @notice The deployer can no longer fill the class table; only security-critical proposals change it.
    event SetupClosed();

    /// @notice The account is not and never was a member.
    error NotMember(address account);
    /// @notice The account was a member and has been removed; its votes no longer count.
    error RemovedMember(address account);
    /// @notice The same member appears twice among the votes of one execution.
    error DuplicateSigner(address signer);
    /// @notice The signature names another proposal than the one being executed.
    error WrongProposal(uint256 expected, uint256 signed);
    /// @notice The signature names another chain.
    error WrongChain(uint256 expected, uint256 signed);
    /// @notice The signature names another contract.
    error WrongContract(address expected, address signed);
    /// @notice The signature does not verify for its signer (EOA or ERC-1271) over this vote.
    error InvalidSignature(address signer);
    /// @notice The proposal's deadline has passed.
    error ProposalExpired(uint256 proposalId, uint64 deadline);
    /// @notice The proposal has already been executed.
    error ProposalAlreadyExecuted(uint256 proposalId);
    /// @notice Not enough current members support the proposal.
    error BelowThreshold(uint256 proposalId, uint256 support, uint256 required);
    /// @notice `propose` was called twice with the same contents.
    error ProposalExists(uint256 proposalId);
    /// @notice `vote` names a proposal never created by `propose`.
    error UnknownProposal(uint256 proposalId);
    /// @notice The member has already voted on this proposal.
    error AlreadyVoted(uint256 proposalId, address voter);
    /// @notice A proposal must carry at least one call.
    error EmptyProposal();
    /// @notice Emergency-freeze proposals may not move ETH.
    error FreezeCarriesValue(uint256 callIndex);
    /// @notice Call `callIndex` of the proposal reaches `selector` on `target`, which the class table
    /// reserves for `required` or stronger (no entry: SecurityCritical); the proposal is `actual`.
    error ClassTooWeak(uint256 callIndex, address target, bytes4 selector, ProposalClass required, ProposalClass actual);
    /// @notice The class of `setCallClass` itself is SecurityCritical and cannot be changed.
    error FixedCallClass(address target, bytes4 selector);
    /// @notice `executingClass` was read while no proposal is executing.
    error NotExecuting();
    /// @notice A proposal tried to start another execution while one runs.
    error ReentrantExecution();
    /// @notice The account is already a current member.
    error AlreadyMember(address account);
    /// @notice Removing the last member would leave nobody to govern.
    error LastMember();
    /// @notice A call of the proposal reverted without reason data.
    error CallFailed(uint256 callIndex);
    /// @notice Zero address, empty name or zero term.
    error InvalidArgument(string field);

    // ---- proposals and votes ----

    /// @notice The proposal id: keccak256(abi.encode(calls, proposalClass, deadline, descriptionHash)).
    function hashProposal(Call[] calldata calls, ProposalClass proposalClass, uint64 deadline, bytes32 descriptionHash)
        external
        pure
        returns (uint256);

    /// @notice The EIP-712 digest a member signs to vote `support` on `proposalId`.
    function hashVote(uint256 proposalId, bool support) external view returns (bytes32);

    /// @notice Records a proposal onchain so members can `vote` on it (signature batches need no prior `propose`).
    function propose(Call[] calldata calls, ProposalClass proposalClass, uint64 deadline, string calldata description)
        external
        returns (uint256 proposalId);

    /// @notice Casts the caller's onchain vote on a recorded proposal.
    function vote(uint256 proposalId, bool support) external;

    /// @notice Executes a proposal in one transaction: counts recorded onchain supporters who are
    /// still members plus `votes` (EIP-712 signatures, each in favour), then runs the calls. Anyone may submit.
    function executeWithSignatures(
        Call[] calldata calls,
        ProposalClass proposalClass,
        uint64 deadline,
        bytes32 descriptionHash,
        VoteSignature[] calldata votes
    ) external payable returns (uint256 proposalId);

    // ---- views ----

    /// @notice The class of the proposal executing right now; reverts `NotExecuting` outside execution.
    function executingClass() external view returns (ProposalClass);

    /// @notice The weakest class that may call `selector` on `target` (SecurityCritical when the table has no entry).
    function callClass(address target, bytes4 selector) external view returns (ProposalClass);

    /// @notice The weakest class that may execute all of `calls`: the strongest of their entries.
    function requiredClass(Call[] calldata calls) external view returns (ProposalClass);

    /// @notice Whether the deployer may still fill the class table (until `closeSetup` or the first execution).
    function setupOpen() external view returns (bool);

    /// @notice Supporters a proposal of `proposalClass` needs now, over all current members.
    function threshold(ProposalClass proposalClass) external view returns (uint256);

    /// @notice Whether `account` is a current member.
    function isMember(address account) external view returns (bool);

    /// @notice Number of current members.
    function memberCount() external view returns (uint256);

    /// @notice Current members in admission order.
    function members() external view returns (address[] memory);

    /// @notice A member's record (also for removed members).
    function memberInfo(address account) external view returns (Member memory);

    /// @notice The chair and the end of the chair's term (0 when none was elected).
    function chair() external view returns (address account, uint64 termEnd);

    /// @notice Whether `account` is the chair in office now (elected, term running, still a member).
    function isChairInOffice(address account) external view returns (bool);

    /// @notice Whether a proposal has been executed.
    function executed(uint256 proposalId) external view returns (bool);

    // ---- governed (only through a proposal of at least the stated class) ----

    /// @notice Admits a member. Security-critical: admitting allies must not lift a coalition to a bar
    /// it could not reach before (docs/alliance.md, "Members").
    function addMember(address account, string calldata name) external;

    /// @notice Removes a member; its votes stop counting. Security-critical.
    function removeMember(address account) external;

    /// @notice Elects the chair for one term from now. Ordinary.
    function electChair(address account) external;

    /// @notice Sets the chair's term length for future elections. Security-critical.
    function setChairTerm(uint64 term) external;

    /// @notice Sets the class table's entry for each of `selectors` on `target`. Through a
    /// security-critical proposal, or by the deployer while `setupOpen()` for targets other than the
    /// Alliance itself (wiring governed contracts at deployment).
    function setCallClass(address target, bytes4[] calldata selectors, ProposalClass proposalClass) external;

    /// @notice The deployer ends its set-up window; the first proposal execution ends it too.
    function closeSetup() external;
}
