/**
 * sdk/src/index.ts: the package's one import. Every folder's public API is reachable from it (a name
 * two folders export would be silently dropped by ESM `export *`, so each value is checked by
 * identity), and the whole SDK bundles for a browser (esbuild, platform "browser": no Node built-in
 * in its inputs, chain/viem included) and verifies real evidence in a V8 context with web globals only.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import * as sdk from "../../sdk/src/index.js";
import * as amd from "../../sdk/src/amd/index.js";
import * as bytes from "../../sdk/src/bytes.js";
import * as chain from "../../sdk/src/chain/index.js";
import * as addressBook from "../../sdk/src/chain/addressBook.js";
import * as chains from "../../sdk/src/chain/chains.js";
import * as collateralStore from "../../sdk/src/chain/collateralStore.js";
import * as quoteVerifier from "../../sdk/src/chain/quoteVerifier.js";
import * as zkJournal from "../../sdk/src/zk/journal.js";
import * as errors from "../../sdk/src/errors.js";
import * as eventlog from "../../sdk/src/eventlog/index.js";
import * as intel from "../../sdk/src/intel/index.js";
import * as log from "../../sdk/src/log/index.js";
import * as nitro from "../../sdk/src/nitro/index.js";
import * as report from "../../sdk/src/report/index.js";
import * as simulate from "../../sdk/src/simulate/index.js";
import * as tpm from "../../sdk/src/tpm/index.js";
import * as vocabulary from "../../sdk/src/vocabulary/index.js";
import { bundleForBrowser, nodeOnlyInputs, runInWebContext } from "../../testkit/browserBundle.js";

const FIXTURES = join(import.meta.dirname, "../fixtures");
const file = (p: string) => new Uint8Array(readFileSync(join(FIXTURES, p)));

describe("sdk/src/index.ts re-exports every folder's public API", () => {
  const flat = { errors, bytes, vocabulary, intel, amd, tpm, nitro, eventlog, report, log, chain, quoteVerifier, collateralStore, zkJournal, addressBook, chains } as Record<string, Record<string, unknown>>;
  for (const [name, mod] of Object.entries(flat)) {
    it(`${name}: every value export is the index's, by identity`, () => {
      const missing = Object.keys(mod).filter((k) => (sdk as Record<string, unknown>)[k] !== mod[k]);
      expect(missing).toEqual([]);
      expect(Object.keys(mod).length).toBeGreaterThan(0);
    });
  }

  it("the simulator is namespaced (a test tool whose collateral types differ from the verifier's)", () => {
    expect(sdk.simulate).toBeDefined();
    for (const k of Object.keys(simulate)) expect((sdk.simulate as Record<string, unknown>)[k], k).toBe((simulate as Record<string, unknown>)[k]);
    expect((sdk as Record<string, unknown>).createSimulatedTdxEnvironment).toBeUndefined();
  });

  it("related names stay distinct: platformKey / intelPlatformKey, readLogState / readTreeHead, getLogLeaves / readLogEntries", () => {
    expect(sdk.platformKey).toBe(vocabulary.platformKey);
    expect(sdk.intelPlatformKey).toBe(vocabulary.intelPlatformKey);
    const salt = `0x${"ab".repeat(32)}` as const;
    const ppid = "0x811dca2a26b952e85bb6448b097ba4fd";
    expect(sdk.intelPlatformKey(salt, ppid)).toBe(sdk.platformKey(sdk.PlatformKind.IntelPpid, ppid, salt));
    expect(sdk.readLogState).toBe(chain.readLogState);
    expect(sdk.readTreeHead).toBe(log.readTreeHead);
    expect(sdk.getLogLeaves).toBe(chain.getLogLeaves);
    expect(sdk.readLogEntries).toBe(log.readLogEntries);
  });

  it("the report's verifier glue is exported and works from the index", async () => {
    const r = await sdk.verifyEvidence({
      evidence: file("intel/tdx-v4/quote.bin"),
      collateral: readFileSync(join(FIXTURES, "intel/tdx-v4/collateral.json"), "utf8"),
      intelVerifier: sdk.createIntelQuoteVerifier(),
      now: 1751624163,
    });
    expect(r.dimensions.hardware.status).toBe("passed");
    expect(r.intel?.ppid).toBe("811dca2a26b952e85bb6448b097ba4fd");
  });
});

describe("the whole SDK builds for the browser", () => {
  it("bundles with esbuild (platform browser) with no Node built-in, and verifies real evidence with web globals only", async () => {
    const bundle = await bundleForBrowser(join(import.meta.dirname, "../../sdk/src/index.ts"), "Poc");
    const { inputs, code } = bundle;
    expect(bundle.errors).toEqual([]);
    expect(nodeOnlyInputs(inputs, ["hardhat"])).toEqual([]);
    expect(inputs.some((i) => i.includes("sdk/src/chain/hardwareRegistry.ts"))).toBe(true);
    expect(inputs.some((i) => i.startsWith("cli/"))).toBe(false); // the CLI sits above the SDK, never inside it
    expect(code).not.toMatch(/require\(["']node:/);

    const context = runInWebContext(code, "Poc", { crypto: globalThis.crypto, TextEncoder, TextDecoder, atob, btoa, URL, console, setTimeout, clearTimeout });
    const Poc = context.Poc as typeof sdk;
    // Byte inputs made in the context's own realm, as a browser page would hold them (`instanceof Uint8Array` is per realm).
    const U8 = runInNewContext("Uint8Array", context) as typeof Uint8Array;
    const bytesOf = (p: string) => U8.from(file(p));
    const tdx = await Poc.verifyEvidence({
      evidence: bytesOf("intel/tdx-v4/quote.bin"),
      collateral: readFileSync(join(FIXTURES, "intel/tdx-v4/collateral.json"), "utf8"),
      intelVerifier: Poc.createIntelQuoteVerifier(),
      now: 1751624163,
    });
    expect(tdx.dimensions.hardware).toMatchObject({ status: "passed", details: { tcbStatus: "UpToDate" } });
    const snp = await Poc.verifyEvidence({ evidence: bytesOf("amd/milan-dstack/report.bin"), certificates: [bytesOf("amd/milan-dstack/vcek.pem")], now: 1795305600 });
    expect(snp.dimensions.hardware.status).toBe("passed");
    expect(Poc.renderReportText(snp)).toMatch(/overall: PARTIAL$/);
    expect(Poc.platformKey(1, "0x811dca2a26b952e85bb6448b097ba4fd", `0x${"00".repeat(32)}`)).toMatch(/^0x[0-9a-f]{64}$/);
  });
});
