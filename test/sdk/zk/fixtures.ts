/** Real evidence turned into the journals an honest zk program would write (test helpers). */
import { readFileSync } from "node:fs";
import { buildDcapProgramInput, dcapCollateralHashes, dcapOutputFromQuote, snpJournalFromReport, type DcapJournal } from "../../../sdk/src/zk/journal.js";

export function pemDers(path: string): Uint8Array[] {
  return [...readFileSync(path, "utf8").matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map(
    (m) => new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ""), "base64")),
  );
}

export const tdxQuote = new Uint8Array(readFileSync("test/fixtures/intel/tdx-v4/quote.bin"));
export const tdxCollateral = JSON.parse(readFileSync("test/fixtures/intel/tdx-v4/collateral.json", "utf8"));
export const sgxQuote = new Uint8Array(readFileSync("test/fixtures/intel/sgx-v3/quote.bin"));
export const sgxCollateral = JSON.parse(readFileSync("test/fixtures/intel/sgx-v3/collateral.json", "utf8"));

/** The journal for the real TDX v4 fixture (UpToDate, FMSPC b0c06f000000) verified at `timestamp`. */
export function tdxJournal(timestamp: bigint): DcapJournal {
  return {
    output: dcapOutputFromQuote(tdxQuote, { tcbStatus: "UpToDate", fmspc: "b0c06f000000" }),
    timestamp,
    collateralHashes: dcapCollateralHashes(tdxCollateral),
  };
}

/** The journal for the real SGX v3 fixture, with its two advisories. */
export function sgxJournal(timestamp: bigint): DcapJournal {
  return {
    output: dcapOutputFromQuote(sgxQuote, {
      tcbStatus: "ConfigurationAndSWHardeningNeeded",
      fmspc: "00a067110000",
      advisoryIds: ["INTEL-SA-00289", "INTEL-SA-00615"],
    }),
    timestamp,
    collateralHashes: dcapCollateralHashes(sgxCollateral),
  };
}

const [milanAsk, milanArk] = pemDers("test/fixtures/amd/ark-ask-milan.pem");
export const milanArkDer = milanArk!;
export const snpInputs = (timestamp: bigint) => ({
  report: new Uint8Array(readFileSync("test/fixtures/amd/milan-dstack/report.bin")),
  vcek: pemDers("test/fixtures/amd/milan-dstack/vcek.pem")[0]!,
  ask: milanAsk!,
  ark: milanArk!,
  timestamp,
});
export const snpJournal = (timestamp: bigint) => snpJournalFromReport(snpInputs(timestamp));

export { buildDcapProgramInput };
