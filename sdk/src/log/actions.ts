/**
 * The log's viem actions bound to one registry, for `client.extend(logActions(registry))` (and for
 * the SDK-wide `pocActions` decorator to spread in).
 */
import type { Address, Chain, Client, Transport } from "viem";
import {
  readLogEntries,
  readLogState,
  rebuildLog,
  verifyCosignaturesOnline,
  type ReadLogEntriesParameters,
  type ReadLogStateParameters,
  type VerifyCosignaturesOnlineParameters,
} from "./onchain.js";
import { exportReceipt, readRecordedCheckpoints, type ExportReceiptParameters, type ReadRecordedCheckpointsParameters } from "./recorded.js";

type WithoutRegistry<T> = Omit<T, "registry">;

export function logActions(registry: Address) {
  return <C extends Client<Transport, Chain | undefined>>(client: C) => ({
    readLogState: (args: WithoutRegistry<ReadLogStateParameters> = {}) => readLogState(client, { registry, ...args }),
    readLogEntries: (args: WithoutRegistry<ReadLogEntriesParameters> = {}) => readLogEntries(client, { registry, ...args }),
    rebuildLog: (args: WithoutRegistry<ReadLogEntriesParameters> = {}) => rebuildLog(client, { registry, ...args }),
    readRecordedCheckpoints: (args: WithoutRegistry<ReadRecordedCheckpointsParameters> = {}) => readRecordedCheckpoints(client, { registry, ...args }),
    exportReceipt: (args: WithoutRegistry<ExportReceiptParameters>) => exportReceipt(client, { registry, ...args }),
    verifyCosignaturesOnline: (args: WithoutRegistry<VerifyCosignaturesOnlineParameters>) => verifyCosignaturesOnline(client, { registry, ...args }),
  });
}

export type LogActions = ReturnType<ReturnType<typeof logActions>>;
