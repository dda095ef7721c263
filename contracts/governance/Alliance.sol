// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IAlliance} from "../interfaces/IAlliance.sol";
import {IAllianceGoverned} from "../interfaces/IAllianceGoverned.sol";
import {Quorum} from "./Quorum.sol";

/// @title Alliance: members, chair, proposals, quorum and the class table for the Proof of Cloud registry.
/// @notice Every change to a governed contract is a proposal carrying its calls. Before any call runs,
/// the Alliance checks it against its class table: the minimum proposal class for each (target,
/// function selector); a call with no entry needs SecurityCritical. Governed contracts only check
/// that the caller is the Alliance (AllianceGoverned). See docs/alliance.md.
contract Alliance is IAlliance, EIP712 {
    /// @notice EIP-712 type of a member's vote.
    bytes32 public constant VOTE_TYPEHASH = keccak256("Vote(uint256 proposalId,bool support)");

    struct Proposal {
        uint64 deadline;
        ProposalClass proposalClass;
        bool exists;
    }

    /// An onchain YES vote and the admission epoch it was cast in: it counts only while the voter is
    /// a member of that same epoch, so a removal voids it even across a re-admission.
    struct Supporter {
        address voter;
        uint32 epoch;
    }

    mapping(address => Member) private _members;
    address[] private _memberList;
    address private _chair;
    uint64 private _chairTermEnd;
    /// Packed with the chair, which every execution reads anyway.
    bool private _setupOpen = true;
    uint64 private _chairTerm = 182 days;
    /// May fill the class table until the set-up closes (wiring governed contracts at deployment).
    address private immutable _deployer;

    /// target => selector => 1 + the weakest class allowed; 0: no entry (SecurityCritical).
    mapping(address => mapping(bytes4 => uint8)) private _callClass;

    mapping(uint256 => Proposal) private _proposals;
    /// Onchain supporters of a proposal.
    mapping(uint256 => Supporter[]) private _supporters;
    /// proposalId => voter => the voter's admission epoch when it voted (0: not voted).
    mapping(uint256 => mapping(address => uint32)) private _votedEpoch;
    mapping(uint256 => bool) private _executed;

    /// 0 when idle, else 1 + the class of the proposal whose calls are running.
    uint8 private transient _executing;

    /// The Alliance's own governed functions; their classes come from the class table like any other's.
    modifier onlySelf() {
        if (msg.sender != address(this)) revert IAllianceGoverned.NotAlliance(msg.sender);
        _;
    }

    /// @param initialMembers founding members (EOAs or ERC-1271 wallets), at least one
    /// @param names their organisation names, same order
    constructor(address[] memory initialMembers, string[] memory names) EIP712("ProofOfCloudAlliance", "1") {
        if (initialMembers.length == 0) revert InvalidArgument("members");
        if (names.length != initialMembers.length) revert InvalidArgument("names");
        for (uint256 i = 0; i < initialMembers.length; i++) {
            _addMember(initialMembers[i], names[i]);
        }
        _deployer = msg.sender;
        _setClass(address(this), IAlliance.addMember.selector, ProposalClass.SecurityCritical);
        _setClass(address(this), IAlliance.removeMember.selector, ProposalClass.SecurityCritical);
        _setClass(address(this), IAlliance.electChair.selector, ProposalClass.Ordinary);
        _setClass(address(this), IAlliance.setChairTerm.selector, ProposalClass.SecurityCritical);
        _setClass(address(this), IAlliance.setCallClass.selector, ProposalClass.SecurityCritical);
    }

    /// @notice Accepts ETH that proposals may later spend.
    receive() external payable {}

    // ---------------------------------------------------------------- proposals and votes

    /// @inheritdoc IAlliance
    function hashProposal(Call[] calldata calls, ProposalClass proposalClass, uint64 deadline, bytes32 descriptionHash)
        public
        pure
        returns (uint256)
    {
        return uint256(keccak256(abi.encode(calls, proposalClass, deadline, descriptionHash)));
    }

    /// @inheritdoc IAlliance
    function hashVote(uint256 proposalId, bool support) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(VOTE_TYPEHASH, proposalId, support)));
    }

    /// @inheritdoc IAlliance
    function propose(Call[] calldata calls, ProposalClass proposalClass, uint64 deadline, string calldata description)
        external
        returns (uint256 proposalId)
    {
        _requireCurrentMember(msg.sender);
        proposalId = hashProposal(calls, proposalClass, deadline, keccak256(bytes(description)));
        _checkExecutable(proposalId, calls, proposalClass, deadline);
        if (_proposals[proposalId].exists) revert ProposalExists(proposalId);
        _proposals[proposalId] = Proposal(deadline, proposalClass, true);
        emit ProposalCreated(proposalId, msg.sender, proposalClass, deadline, calls, description);
    }

    /// @inheritdoc IAlliance
    function vote(uint256 proposalId, bool support) external {
        Member storage m = _requireCurrentMember(msg.sender);
        Proposal storage p = _proposals[proposalId];
        if (!p.exists) revert UnknownProposal(proposalId);
        if (_executed[proposalId]) revert ProposalAlreadyExecuted(proposalId);
        if (block.timestamp > p.deadline) revert ProposalExpired(proposalId, p.deadline);
        if (_votedEpoch[proposalId][msg.sender] == m.epoch) revert AlreadyVoted(proposalId, msg.sender);
        _votedEpoch[proposalId][msg.sender] = m.epoch;
        if (support) _supporters[proposalId].push(Supporter(msg.sender, m.epoch));
        emit VoteCast(proposalId, msg.sender, support);
    }

    /// @inheritdoc IAlliance
    function executeWithSignatures(
        Call[] calldata calls,
        ProposalClass proposalClass,
        uint64 deadline,
        bytes32 descriptionHash,
        VoteSignature[] calldata votes
    ) external payable returns (uint256 proposalId) {
        if (_executing != 0) revert ReentrantExecution();
        proposalId = hashProposal(calls, proposalClass, deadline, descriptionHash);
        _checkExecutable(proposalId, calls, proposalClass, deadline);
        (uint256 support, bool chairSupports) = _countVotes(proposalId, votes);
        uint256 n = _memberList.length;
        if (!Quorum.passes(proposalClass, n, support, chairSupports)) {
            revert BelowThreshold(proposalId, support, Quorum.threshold(proposalClass, n));
        }
        _executed[proposalId] = true;
        if (_setupOpen) _closeSetup();
        _executing = uint8(proposalClass) + 1;
        for (uint256 i = 0; i < calls.length; i++) {
            (bool ok, bytes memory ret) = calls[i].target.call{value: calls[i].value}(calls[i].data);
            if (!ok) {
                if (ret.length == 0) revert CallFailed(i);
                assembly ("memory-safe") {
                    revert(add(ret, 0x20), mload(ret))
                }
            }
        }
        _executing = 0;
        emit ProposalExecuted(proposalId, proposalClass, support);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IAlliance
    function executingClass() external view returns (ProposalClass) {
        if (_executing == 0) revert NotExecuting();
        return ProposalClass(_executing - 1);
    }

    /// @inheritdoc IAlliance
    function callClass(address target, bytes4 selector) public view returns (ProposalClass) {
        uint8 c = _callClass[target][selector];
        return c == 0 ? ProposalClass.SecurityCritical : ProposalClass(c - 1);
    }

    /// @inheritdoc IAlliance
    function requiredClass(Call[] calldata calls) external view returns (ProposalClass required) {
        for (uint256 i = 0; i < calls.length; i++) {
            ProposalClass c = callClass(calls[i].target, _selectorOf(calls[i].data));
            if (uint8(c) > uint8(required)) required = c;
        }
    }

    /// @inheritdoc IAlliance
    function setupOpen() external view returns (bool) {
        return _setupOpen;
    }

    /// @inheritdoc IAlliance
    function threshold(ProposalClass proposalClass) external view returns (uint256) {
        return Quorum.threshold(proposalClass, _memberList.length);
    }

    /// @inheritdoc IAlliance
    function isMember(address account) external view returns (bool) {
        return _members[account].active;
    }

    /// @inheritdoc IAlliance
    function memberCount() external view returns (uint256) {
        return _memberList.length;
    }

    /// @inheritdoc IAlliance
    function members() external view returns (address[] memory) {
        return _memberList;
    }

    /// @inheritdoc IAlliance
    function memberInfo(address account) external view returns (Member memory) {
        return _members[account];
    }

    /// @inheritdoc IAlliance
    function chair() external view returns (address account, uint64 termEnd) {
        return (_chair, _chairTermEnd);
    }

    /// @inheritdoc IAlliance
    function isChairInOffice(address account) public view returns (bool) {
        return account != address(0) && account == _chair && block.timestamp < _chairTermEnd
            && _members[account].active;
    }

    /// @notice The chair's term length applied at the next election.
    function chairTerm() external view returns (uint64) {
        return _chairTerm;
    }

    /// @inheritdoc IAlliance
    function executed(uint256 proposalId) external view returns (bool) {
        return _executed[proposalId];
    }

    // ---------------------------------------------------------------- governed

    /// @inheritdoc IAlliance
    function addMember(address account, string calldata name) external onlySelf {
        _addMember(account, name);
    }

    /// @inheritdoc IAlliance
    function removeMember(address account) external onlySelf {
        _requireCurrentMember(account);
        uint256 n = _memberList.length;
        if (n == 1) revert LastMember();
        _members[account].active = false;
        // Keep admission order: shift the tail left by one.
        bool found;
        for (uint256 i = 0; i < n - 1; i++) {
            if (!found && _memberList[i] == account) found = true;
            if (found) _memberList[i] = _memberList[i + 1];
        }
        _memberList.pop();
        emit MemberRemoved(account);
    }

    /// @inheritdoc IAlliance
    function electChair(address account) external onlySelf {
        _requireCurrentMember(account);
        uint64 termEnd = uint64(block.timestamp) + _chairTerm;
        _chair = account;
        _chairTermEnd = termEnd;
        emit ChairElected(account, termEnd);
    }

    /// @inheritdoc IAlliance
    function setChairTerm(uint64 term) external onlySelf {
        if (term == 0) revert InvalidArgument("term");
        _chairTerm = term;
        emit ChairTermSet(term);
    }

    /// @inheritdoc IAlliance
    function setCallClass(address target, bytes4[] calldata selectors, ProposalClass proposalClass) external {
        // The deployer only wires other contracts: the Alliance's own entries (membership, chair,
        // the table) are the members' from the constructor on, so a deployer cannot weaken them.
        if (msg.sender != address(this) && (msg.sender != _deployer || !_setupOpen || target == address(this))) {
            revert IAllianceGoverned.NotAlliance(msg.sender);
        }
        if (target == address(0)) revert InvalidArgument("target");
        for (uint256 i = 0; i < selectors.length; i++) {
            if (target == address(this) && selectors[i] == IAlliance.setCallClass.selector) {
                revert FixedCallClass(target, selectors[i]);
            }
            _setClass(target, selectors[i], proposalClass);
        }
    }

    /// @inheritdoc IAlliance
    function closeSetup() external {
        if (msg.sender != _deployer || !_setupOpen) revert IAllianceGoverned.NotAlliance(msg.sender);
        _closeSetup();
    }

    // ---------------------------------------------------------------- internals

    function _setClass(address target, bytes4 selector, ProposalClass proposalClass) private {
        _callClass[target][selector] = uint8(proposalClass) + 1;
        emit CallClassSet(target, selector, proposalClass);
    }

    function _closeSetup() private {
        _setupOpen = false;
        emit SetupClosed();
    }

    /// A call's function selector; calldata shorter than 4 bytes (a plain transfer) reads as 0x00000000,
    /// which has no entry unless a security-critical proposal gave it one.
    function _selectorOf(bytes calldata data) private pure returns (bytes4) {
        return data.length < 4 ? bytes4(0) : bytes4(data[0:4]);
    }

    function _addMember(address account, string memory name) private {
        if (account == address(0)) revert InvalidArgument("account");
        if (bytes(name).length == 0) revert InvalidArgument("name");
        Member storage m = _members[account];
        if (m.active) revert AlreadyMember(account);
        m.name = name;
        m.active = true;
        m.epoch += 1;
        m.since = uint64(block.timestamp);
        _memberList.push(account);
        emit MemberAdded(account, name);
    }

    function _requireCurrentMember(address account) private view returns (Member storage m) {
        m = _members[account];
        if (!m.active) {
            if (m.epoch == 0) revert NotMember(account);
            revert RemovedMember(account);
        }
    }

    function _checkExecutable(uint256 proposalId, Call[] calldata calls, ProposalClass proposalClass, uint64 deadline)
        private
        view
    {
        if (_executed[proposalId]) revert ProposalAlreadyExecuted(proposalId);
        if (block.timestamp > deadline) revert ProposalExpired(proposalId, deadline);
        if (calls.length == 0) revert EmptyProposal();
        for (uint256 i = 0; i < calls.length; i++) {
            Call calldata c = calls[i];
            bytes4 selector = _selectorOf(c.data);
            ProposalClass required = callClass(c.target, selector);
            if (uint8(proposalClass) < uint8(required)) {
                revert ClassTooWeak(i, c.target, selector, required, proposalClass);
            }
            if (proposalClass == ProposalClass.EmergencyFreeze && c.value != 0) revert FreezeCarriesValue(i);
        }
    }

    /// Counts onchain supporters still in office plus each signed vote, rejecting any bad signature.
    function _countVotes(uint256 proposalId, VoteSignature[] calldata votes)
        private
        view
        returns (uint256 support, bool chairSupports)
    {
        Supporter[] storage onchain = _supporters[proposalId];
        for (uint256 i = 0; i < onchain.length; i++) {
            Supporter storage s = onchain[i];
            address voter = s.voter;
            Member storage m = _members[voter];
            if (m.active && s.epoch == m.epoch) {
                support++;
                if (isChairInOffice(voter)) chairSupports = true;
            }
        }
        if (votes.length == 0) return (support, chairSupports);
        bytes32 digest = hashVote(proposalId, true);
        for (uint256 i = 0; i < votes.length; i++) {
            VoteSignature calldata v = votes[i];
            if (v.proposalId != proposalId) revert WrongProposal(proposalId, v.proposalId);
            if (v.chainId != block.chainid) revert WrongChain(block.chainid, v.chainId);
            if (v.verifyingContract != address(this)) revert WrongContract(address(this), v.verifyingContract);
            Member storage m = _requireCurrentMember(v.signer);
            if (_votedEpoch[proposalId][v.signer] == m.epoch) revert DuplicateSigner(v.signer);
            for (uint256 j = 0; j < i; j++) {
                if (votes[j].signer == v.signer) revert DuplicateSigner(v.signer);
            }
            if (!SignatureChecker.isValidSignatureNow(v.signer, digest, v.signature)) revert InvalidSignature(v.signer);
            support++;
            if (isChairInOffice(v.signer)) chairSupports = true;
        }
    }
}
