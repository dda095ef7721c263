/**
 * The log's viem actions bound to one registry, for `client.extend(logActions(registry))` (and for
 * the SDK-wide `pocActions` decorator to spread in).
 */
import type { Address, Chain, Client, Transport } from "viem";
import {
  readLogEntries,
  readTreeHead,
  rebuildLog,
  verifyCosignaturesOnline,
  type ReadLogEntriesParameters,
  type ReadTreeHeadParameters,
  type VerifyCosignaturesOnlineParameters,
} from "./onchain.js";
import { verifyReceiptOnline } from "./online.js";
import type { VerifyReceiptOptions } from "./receipt.js";
import {
  exportReceipt,
  readAllianceMembers,
  readRecordedCheckpoints,
  type ExportReceiptParameters,
  type ReadAllianceMembersParameters,
  type ReadRecordedCheckpointsParameters,
} from "./recorded.js";

type WithoutRegistry<T> = Omit<T, "registry">;

export function logActions(registry: Address) {
  return <C extends Client<Transport, Chain | undefined>>(client: C) => ({
    readTreeHead: (args: WithoutRegistry<ReadTreeHeadParameters> = {}) => readTreeHead(client, { registry, ...args }),
    readLogEntries: (args: WithoutRegistry<ReadLogEntriesParameters> = {}) => readLogEntries(client, { registry, ...args }),
    rebuildLog: (args: WithoutRegistry<ReadLogEntriesParameters> = {}) => rebuildLog(client, { registry, ...args }),
    readRecordedCheckpoints: (args: WithoutRegistry<ReadRecordedCheckpointsParameters> = {}) => readRecordedCheckpoints(client, { registry, ...args }),
    exportReceipt: (args: WithoutRegistry<ExportReceiptParameters>) => exportReceipt(client, { registry, ...args }),
    verifyCosignaturesOnline: (args: WithoutRegistry<VerifyCosignaturesOnlineParameters>) => verifyCosignaturesOnline(client, { registry, ...args }),
    readAllianceMembers: (args: WithoutRegistry<ReadAllianceMembersParameters> = {}) => readAllianceMembers(client, { registry, ...args }),
    /** Not bound to `registry`: the receipt names its own (pin it with `options.registry`). */
    verifyReceiptOnline: (input: unknown, options?: VerifyReceiptOptions) => verifyReceiptOnline(client, input, options),
  });
}

export type LogActions = ReturnType<ReturnType<typeof logActions>>;
