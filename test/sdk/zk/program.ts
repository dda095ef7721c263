/**
 * Stand-in for our DCAP zkVM program (no prover runs here; a real deployment allowlists the image
 * of a guest doing this): verifies the quote against the collateral at `timestamp` with the SDK's
 * DCAP verifier, then writes the journal an honest program writes (docs/zk-journals.md,
 * "DCAP journal (ours, version 1)"). A quote that does not verify gets no journal: it throws.
 */
import { verifyQuote, type IntelCollateralInput } from "../../../sdk/src/intel/index.js";
import { pocDcapJournalFromQuote, type CollateralForHashes, type DcapTcbStatusName, type PocDcapJournal } from "../../../sdk/src/zk/journal.js";

export async function honestPocDcapProgram(p: {
  quote: Uint8Array;
  collateral: CollateralForHashes & IntelCollateralInput;
  timestamp: bigint;
  /** Trust anchor override, for the simulator's PKI only. */
  rootCaDer?: Uint8Array;
}): Promise<PocDcapJournal> {
  const v = await verifyQuote({ quote: p.quote, collateral: p.collateral, now: Number(p.timestamp), rootCaDer: p.rootCaDer, cache: false });
  return pocDcapJournalFromQuote(p.quote, { tcbStatus: v.status as DcapTcbStatusName, advisoryIds: v.advisoryIds, timestamp: p.timestamp, collateral: p.collateral });
}
