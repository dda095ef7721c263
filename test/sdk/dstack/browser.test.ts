/**
 * Browser safety of the new decoders: the report (with dstack's SCALE attestation and go-tpm-tools'
 * protobuf, i.e. scale-ts and protobufjs) bundles for a browser with no Node built-in and verifies
 * the real samples in a V8 context holding web globals only.
 */
import { runInNewContext } from "node:vm";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type * as report from "../../../sdk/src/report/index.js";
import { bundleForBrowser, nodeOnlyInputs, runInWebContext } from "../../../testkit/browserBundle.js";
import { DSTACK_TDX, DSTACK_TDX_AT, fixtureBytes } from "../../../testkit/dstackFixtures.js";

describe("browser", () => {
  it("dstack attestations and TPM protobufs verify from a browser bundle", async () => {
    const bundle = await bundleForBrowser(join(import.meta.dirname, "../../../sdk/src/report/index.ts"), "PocReport");
    expect(bundle.errors).toEqual([]);
    expect(nodeOnlyInputs(bundle.inputs)).toEqual([]);
    expect(bundle.inputs.some((i) => i.includes("node_modules/protobufjs/"))).toBe(true);
    expect(bundle.inputs.some((i) => i.includes("node_modules/scale-ts/"))).toBe(true);
    const context = runInWebContext(bundle.code, "PocReport", { crypto: globalThis.crypto, TextEncoder, TextDecoder, atob, btoa, URL, console, setTimeout, clearTimeout });
    const R = context.PocReport as typeof report;
    const U8 = runInNewContext("Uint8Array", context) as typeof Uint8Array;
    const tdx = await R.verifyEvidence({ evidence: U8.from(fixtureBytes(DSTACK_TDX)), now: DSTACK_TDX_AT, intelVerifier: R.createIntelQuoteVerifier() });
    expect(tdx.dimensions.application.status).toBe("passed");
    const tpm = await R.verifyEvidence({ evidence: U8.from(fixtureBytes("tpm/gce-cos-85-nonce9009.pb")), now: 1790000000, tpmNonce: "9009" });
    expect(tpm.overall).toBe("pass");
  });
});
