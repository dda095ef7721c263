/**
 * The Proof of Cloud indexer (Ponder): the HardwareRegistry's log, entries, facilities, challenges
 * and checkpoints, and the CvmRegistry's CVMs, in SQL. Configured by environment (docs/transparency-log.md
 * "Indexer"):
 *   PONDER_RPC_URL       JSON-RPC endpoint (required)
 *   POC_CHAIN_ID         chain ID (required)
 *   POC_REGISTRY         HardwareRegistry address (required)
 *   POC_CVM_REGISTRY     CvmRegistry address (optional: no cvms without it)
 *   POC_START_BLOCK      the address book's deploymentBlock (default 0)
 *   DATABASE_URL         PostgreSQL (production); unset: embedded PGlite in PONDER_PGLITE_DIR
 *                        (default indexer/.ponder/pglite)
 *   PONDER_GETLOGS_RANGE the provider's eth_getLogs block cap, when Ponder should not probe it
 */
import { createConfig } from "ponder";
import { cvmRegistryAbi } from "../sdk/src/chain/abi/CvmRegistry.js";
import { hardwareRegistryAbi } from "../sdk/src/chain/abi/HardwareRegistry.js";

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`indexer: set ${name}`);
  return v;
}

const startBlock = Number(process.env.POC_START_BLOCK ?? 0);
const cvmRegistry = process.env.POC_CVM_REGISTRY as `0x${string}` | undefined;
const range = process.env.PONDER_GETLOGS_RANGE ? Number(process.env.PONDER_GETLOGS_RANGE) : undefined;

export default createConfig({
  database: process.env.DATABASE_URL
    ? { kind: "postgres", connectionString: process.env.DATABASE_URL }
    : { kind: "pglite", directory: process.env.PONDER_PGLITE_DIR ?? ".ponder/pglite" },
  chains: {
    chain: {
      id: Number(required("POC_CHAIN_ID")),
      rpc: required("PONDER_RPC_URL"),
      pollingInterval: Number(process.env.PONDER_POLLING_MS ?? 1_000),
      ...(range ? { ethGetLogsBlockRange: range } : {}),
    },
  },
  // CvmRegistry only when configured (src/index.ts registers its handlers under the same condition);
  // typed as always present so the handlers type-check.
  contracts: {
    HardwareRegistry: { chain: "chain", abi: hardwareRegistryAbi, address: required("POC_REGISTRY") as `0x${string}`, startBlock },
    ...(cvmRegistry ? { CvmRegistry: { chain: "chain" as const, abi: cvmRegistryAbi, address: cvmRegistry, startBlock } } : {}),
  } as {
    HardwareRegistry: { chain: "chain"; abi: typeof hardwareRegistryAbi; address: `0x${string}`; startBlock: number };
    CvmRegistry: { chain: "chain"; abi: typeof cvmRegistryAbi; address: `0x${string}`; startBlock: number };
  },
});
