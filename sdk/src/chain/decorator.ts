/**
 * `client.extend(pocActions({ alliance, hardwareRegistry, cvmRegistry?, dcapQuoteVerifier? }))`:
 * every Alliance and registry action bound to one deployment's addresses, plus the CVM registry's
 * and the DCAP verifier's when their addresses are given.
 */
import type { Account, Address, Chain, Client, Hex, Transport } from "viem";
import * as a from "./alliance.js";
import * as r from "./hardwareRegistry.js";
import { signVote, type SignVoteParameters } from "./votes.js";
import { cvmRegistryActions, type CvmRegistryActions } from "./cvmRegistry.js";
import { dcapQuoteVerifierActions } from "./quoteVerifier.js";

export type PocAddresses = {
  alliance: Address;
  hardwareRegistry: Address;
  cvmRegistry?: Address | undefined;
  dcapQuoteVerifier?: Address | undefined;
};

type Omit1<T, K extends keyof T> = Omit<T, K>;

export function pocActions(addresses: PocAddresses) {
  const alliance = addresses.alliance;
  const registry = addresses.hardwareRegistry;
  return <transport extends Transport, chain extends Chain | undefined, account extends Account | undefined>(
    client: Client<transport, chain, account>,
  ) => {
    const c = client as unknown as Client<Transport, Chain | undefined, Account | undefined>;
    const cvm = addresses.cvmRegistry ? cvmRegistryActions({ cvmRegistry: addresses.cvmRegistry })(client) : undefined;
    const dcap = addresses.dcapQuoteVerifier ? dcapQuoteVerifierActions({ verifier: addresses.dcapQuoteVerifier })(c as Client) : undefined;
    return {
      pocAddresses: addresses,
      /** CVM registry actions; undefined unless `cvmRegistry` was given. */
      cvm: cvm as CvmRegistryActions | undefined,
      /** DCAP verifier actions; undefined unless `dcapQuoteVerifier` was given. */
      dcap: dcap as ReturnType<ReturnType<typeof dcapQuoteVerifierActions>> | undefined,
      readAllianceStatus: () => a.readAllianceStatus(c, { alliance }),
      readIsMember: (args: Omit1<a.ReadIsMemberParameters, "alliance">) => a.readIsMember(c, { alliance, ...args }),
      readProposalExecuted: (args: Omit1<a.ReadProposalExecutedParameters, "alliance">) => a.readProposalExecuted(c, { alliance, ...args }),
      writePropose: (args: Omit1<a.WriteProposeParameters, "alliance">) => a.writePropose(c, { alliance, ...args }),
      writeVote: (args: Omit1<a.WriteVoteParameters, "alliance">) => a.writeVote(c, { alliance, ...args }),
      writeExecuteWithSignatures: (args: Omit1<a.WriteExecuteWithSignaturesParameters, "alliance">) =>
        a.writeExecuteWithSignatures(c, { alliance, ...args }),
      signVote: (args: Omit1<SignVoteParameters, "alliance">) => signVote(c, { alliance, ...args }),
      readHardwareEntry: (args: { platformKey: Hex }) => r.readHardwareEntry(c, { registry, ...args }),
      readEntryRecord: (args: { platformKey: Hex }) => r.readEntryRecord(c, { registry, ...args }),
      readLevel: (args: { platformKey: Hex }) => r.readLevel(c, { registry, ...args }),
      readIsVerified: (args: Omit1<r.ReadIsVerifiedParameters, "registry">) => r.readIsVerified(c, { registry, ...args }),
      readHardwareStatus: (args: { platformKey: Hex }) => r.readHardwareStatus(c, { registry, ...args }),
      readHardwareListeners: () => r.readHardwareListeners(c, { registry }),
      readFacility: (args: { facilityId: Hex }) => r.readFacility(c, { registry, ...args }),
      readChallenge: (args: { challengeId: bigint }) => r.readChallenge(c, { registry, ...args }),
      readChallengeBond: () => r.readChallengeBond(c, { registry }),
      readListenerFailedAt: (args: Omit1<r.ReadListenerFailedAtParameters, "registry">) => r.readListenerFailedAt(c, { registry, ...args }),
      readRegistrySalt: () => r.readRegistrySalt(c, { registry }),
      readLogState: () => r.readLogState(c, { registry }),
      getLogLeaves: (args: { fromBlock?: bigint } = {}) => r.getLogLeaves(c, { registry, ...args }),
      writeHeartbeat: (args: Omit1<r.WriteHeartbeatParameters, "registry">) => r.writeHeartbeat(c, { registry, ...args }),
      writeChallenge: (args: Omit1<r.WriteChallengeParameters, "registry">) => r.writeChallenge(c, { registry, ...args }),
      writeClaimChallengeBond: (args: Omit1<r.WriteClaimChallengeBondParameters, "registry">) => r.writeClaimChallengeBond(c, { registry, ...args }),
      writeRecordCheckpoint: (args: Omit1<r.WriteRecordCheckpointParameters, "registry">) => r.writeRecordCheckpoint(c, { registry, ...args }),
    };
  };
}

export type PocActions = ReturnType<ReturnType<typeof pocActions>>;
