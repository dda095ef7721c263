/**
 * The verification service (service/server.ts, `poc serve`) over real loopback HTTP: real evidence
 * in both request shapes, held collateral surviving a restart, and every kind of bad request
 * (malformed, mutated, truncated, oversized, slow headers, slow body, too many) answered with a 4xx
 * and a typed error while the server keeps answering others. Load goals are in scripts/bench/serve.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type Socket } from "node:net";
import fc from "fast-check";
import { HeldCollateral } from "../../service/heldCollateral.js";
import { createService, type Service } from "../../service/server.js";
import { main } from "../../cli/main.js";
import { createIntelQuoteVerifier } from "../../sdk/src/report/index.js";
import { createSimulatedTdxEnvironment } from "../../sdk/src/simulate/index.js";

const FIX = join(import.meta.dirname, "..", "fixtures");
const TDX_AT = 1751624163;
const tdxQuote = readFileSync(join(FIX, "intel/tdx-v4/quote.bin"));
const tdxCollateral = JSON.parse(readFileSync(join(FIX, "intel/tdx-v4/collateral.json"), "utf8"));
const snpReport = readFileSync(join(FIX, "amd/milan-dstack/report.bin"));
const vcekPem = readFileSync(join(FIX, "amd/milan-dstack/vcek.pem"), "utf8");
const NOW = Date.UTC(2026, 10, 22) / 1000;

type Answer = { status: number; body: Record<string, any>; headers: Headers };

function client(port: number) {
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    async post(path: string, body: unknown, headers: Record<string, string> = { "content-type": "application/json" }): Promise<Answer> {
      const r = await fetch(base + path, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : {}, headers: r.headers };
    },
    async get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
      const r = await fetch(base + path, { headers });
      const text = await r.text();
      let body: Record<string, any> = {};
      try {
        body = JSON.parse(text);
      } catch {
        body = { text };
      }
      return { status: r.status, body, headers: r.headers };
    },
  };
}

/** Sends raw bytes on a fresh connection and returns everything the server wrote until it closed. */
function raw(port: number, chunks: (string | Buffer)[], gapMs = 0, keepOpenMs = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    const s: Socket = connect(port, "127.0.0.1");
    let out = "";
    s.on("data", (d) => (out += d.toString()));
    s.on("error", () => resolve(out));
    s.on("close", () => resolve(out));
    s.on("connect", async () => {
      for (const c of chunks) {
        if (s.destroyed) break;
        s.write(c);
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
      }
      if (keepOpenMs) setTimeout(() => s.end(), keepOpenMs);
    });
    setTimeout(() => reject(new Error("no answer in 10 s")), 10_000).unref();
  });
}

const jsonOf = (httpText: string) => JSON.parse(httpText.slice(httpText.indexOf("\r\n\r\n") + 4));

describe("poc serve: POST /attestations/verify", () => {
  let service: Service;
  let c: ReturnType<typeof client>;
  let stateDir: string;
  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), "poc-serve-"));
    service = createService({ collateral: new HeldCollateral(stateDir), rateLimit: false, bodyLimit: 256 * 1024, headersTimeoutMs: 400, requestTimeoutMs: 800 });
    c = client(await service.listen(0));
  });
  afterAll(() => service.close(100));

  it("our shape: the TDX quote with its collateral verifies; the answer carries the report and the verifiers service's fields", async () => {
    const r = await c.post("/attestations/verify", { evidence: tdxQuote.toString("hex"), collateral: tdxCollateral, at: TDX_AT });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ success: true, quote: { verified: true, header: { tee_type: "TEE_TDX" }, tcb_status: "UpToDate", ppid: "811dca2a26b952e85bb6448b097ba4fd" }, proof_of_cloud: false });
    expect(r.body.report).toMatchObject({ schema: "poc.verification-report/1", evidenceType: "intel-quote", dimensions: { hardware: { status: "passed" }, registry: { status: "skipped" } } });
  });

  it("the collateral that verified is kept on disk, and a restarted service verifies a bare {type, hex} quote with it", async () => {
    expect(readdirSync(stateDir)).toEqual(["collateral-TDX-b0c06f000000.json"]);
    const again = createService({ collateral: new HeldCollateral(stateDir), rateLimit: false });
    const c2 = client(await again.listen(0));
    try {
      const r = await c2.post("/attestations/verify", { type: "intel", hex: "0x" + tdxQuote.toString("hex"), at: TDX_AT });
      expect(r.body).toMatchObject({ success: true, quote: { verified: true, tcb_status: "UpToDate" } });
      const h = await c2.get("/health");
      expect(h.body.collateral).toEqual([{ tee: "TDX", fmspc: "b0c06f000000", evaluationNumber: 17, issueDate: 1750328163 }]);
    } finally {
      await again.close(100);
    }
  });

  it("older collateral for a held TCB info item is refused (409), also after a restart: no rollback to an earlier TCB evaluation", async () => {
    const info = JSON.parse(tdxCollateral.tcb_info);
    const older = { ...tdxCollateral, tcb_info: JSON.stringify({ ...info, tcbEvaluationDataNumber: 16 }) };
    const restarted = createService({ collateral: new HeldCollateral(stateDir), rateLimit: false });
    const c2 = client(await restarted.listen(0));
    try {
      const r = await c2.post("/attestations/verify", { evidence: tdxQuote.toString("hex"), collateral: older, at: TDX_AT });
      expect(r.status).toBe(409);
      expect(r.body).toMatchObject({ success: false, error: "collateral_rollback", field: "collateral.tcb_info" });
    } finally {
      await restarted.close(100);
    }
  });

  it("a quote that fails verification is success: false, error verification_failed, with the failed check", async () => {
    const r = await c.post("/attestations/verify", { type: "intel", hex: tdxQuote.toString("hex") });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ success: false, error: "verification_failed", quote: { verified: false } });
    expect(r.body.message).toMatch(/^hardware: .*\[rootCaCrl\.expired\]|collateral/);
  });

  it("the verifiers shape for AMD: {type: amd, hex} plus certificates; chip_id answered", async () => {
    const r = await c.post("/attestations/verify", { type: "amd", hex: snpReport.toString("hex"), certificates: [vcekPem], at: NOW });
    expect(r.body).toMatchObject({ success: true, quote: { verified: true, header: { tee_type: "TEE_AMD_SEV_SNP" } }, proof_of_cloud: false });
    expect(r.body.chip_id).toMatch(/^38d174589d2dff97/);
    const noCerts = await c.post("/attestations/verify", { type: "amd", hex: snpReport.toString("hex"), at: NOW });
    expect(noCerts.body).toMatchObject({ success: false, error: "verification_failed" });
    expect(noCerts.body.message).toMatch(/snp\.vcek\.missing/);
  });

  it("TPM JSON evidence as a JSON object, its event log base64", async () => {
    const evidence = JSON.parse(readFileSync(join(FIX, "tpm/gce-cos-85-nonce9009.json"), "utf8"));
    const eventLog = readFileSync(join(FIX, "tpm/gce-cos-85-nonce9009.eventlog.bin")).toString("base64");
    const r = await c.post("/attestations/verify", { evidence, eventLog, nonce: "9009", at: NOW });
    expect(r.body).toMatchObject({ success: true, quote: { header: { tee_type: "TEE_TPM" } } });
    expect(r.body.report.overall).toBe("pass");
  });

  const bad: [string, unknown, number, Record<string, unknown>][] = [
    ["not an object", [1, 2], 400, { error: "invalid_body", field: "$" }],
    ["no evidence", {}, 400, { error: "missing_evidence", field: "evidence" }],
    ["hex without type", { hex: "00" }, 400, { error: "missing_type", field: "type" }],
    ["unknown type", { type: "arm", hex: "00" }, 400, { error: "invalid_type", field: "type" }],
    ["empty hex", { type: "intel", hex: "" }, 400, { error: "missing_hex", field: "hex" }],
    ["non-hex character", { type: "intel", hex: "0x00zz" }, 400, { error: "invalid_hex", field: "hex", offset: 2 }],
    ["odd-length hex", { type: "intel", hex: "abc" }, 400, { error: "invalid_hex", field: "hex" }],
    ["an unknown field", { evidence: "00", colateral: {} }, 400, { error: "unknown_field", field: "colateral" }],
    ["at not a number", { evidence: "00", at: "soon" }, 400, { error: "invalid_field", field: "at" }],
    ["bad base64", { evidence: "***", evidenceEncoding: "base64" }, 400, { error: "invalid_base64", field: "evidence" }],
    ["bytes of no evidence type", { evidence: "deadbeef" }, 400, { error: "malformed_input", field: "evidence: evidence.format" }],
    ["type intel for an SNP report", { type: "intel", hex: snpReport.toString("hex") }, 400, { error: "type_mismatch", field: "type" }],
    ["collateral that is not collateral", { evidence: tdxQuote.toString("hex"), collateral: { tcb_info: 5 } }, 400, { error: "malformed_input" }],
    ["a certificate that is not one", { evidence: snpReport.toString("hex"), certificates: ["-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"] }, 400, { error: "malformed_input" }],
  ];
  for (const [what, body, status, fields] of bad) {
    it(`refuses ${what}: ${status} ${String(fields.error)}`, async () => {
      const r = await c.post("/attestations/verify", body);
      expect(r.status).toBe(status);
      expect(r.body).toMatchObject({ success: false, ...fields });
      expect(typeof r.body.message).toBe("string");
    });
  }

  it("a truncated real quote is a 400 naming the structure, field and offset", async () => {
    for (const cut of [48, 600, 1000, 2000]) {
      const r = await c.post("/attestations/verify", { type: "intel", hex: tdxQuote.subarray(0, cut).toString("hex") });
      expect(r.status, `cut at ${cut}`).toBe(400);
      expect(r.body).toMatchObject({ success: false, error: "malformed_input" });
      expect(r.body.field).toMatch(/^hex: /);
      expect(typeof r.body.offset).toBe("number");
    }
  });

  it("mutated real quotes never crash the service: each answer is a 200 verdict or a typed 4xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: tdxQuote.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, x) => {
        const q = Buffer.from(tdxQuote);
        q[at]! ^= x;
        const r = await c.post("/attestations/verify", { evidence: q.toString("hex"), collateral: tdxCollateral, at: TDX_AT });
        expect([200, 400]).toContain(r.status);
        if (r.status === 200) expect(r.body.success === false || at >= 0).toBe(true);
        else expect(r.body.error).toMatch(/^[a-z_]+$/);
        if (r.status === 200 && r.body.success) expect(r.body.quote.verified).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it("arbitrary JSON bodies get 200 or a typed 4xx, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (v) => {
        const r = await c.post("/attestations/verify", JSON.stringify(v));
        expect(r.status).toBeLessThan(500);
        if (r.status >= 400) expect(r.body).toMatchObject({ success: false, error: expect.stringMatching(/^[a-z_]+$/) });
      }),
      { numRuns: 60 },
    );
  });

  it("invalid JSON: 400 invalid_json with the offset; wrong content type: 415", async () => {
    const r = await c.post("/attestations/verify", '{"type": "intel", "hex": }');
    expect(r.status).toBe(400);
    // The parser's own message (with the position where the runtime gives one).
    expect(r.body).toMatchObject({ error: "invalid_json", field: "$", expected: "JSON" });
    expect(r.body.message).toMatch(/not JSON/);
    const t = await c.post("/attestations/verify", "type=intel", { "content-type": "application/x-www-form-urlencoded" });
    expect(t.status).toBe(415);
    expect(t.body).toMatchObject({ error: "unsupported_media_type", field: "content-type" });
  });

  it("an oversized body: 413 payload_too_large, whether declared (Content-Length) or streamed (chunked)", async () => {
    const big = JSON.stringify({ evidence: "00".repeat(200 * 1024) });
    const declared = await c.post("/attestations/verify", big);
    expect(declared.status).toBe(413);
    expect(declared.body).toMatchObject({ success: false, error: "payload_too_large", limit: 256 * 1024 });
    const head = "POST /attestations/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    const chunk = "a".repeat(64 * 1024);
    const out = await raw(c.base.split(":").pop() as unknown as number, [head, ...Array.from({ length: 6 }, () => `${(chunk.length).toString(16)}\r\n${chunk}\r\n`)]);
    expect(out).toMatch(/^HTTP\/1\.1 413/);
    expect(jsonOf(out)).toMatchObject({ error: "payload_too_large" });
  });

  it("slow-loris: headers trickled past the deadline get 408 request_timeout (typed JSON), and the connection is closed", async () => {
    const port = Number(new URL(c.base).port);
    const out = await raw(port, ["GET /health HTTP/1.1\r\n", "Host: x\r\n", "X-a: 1\r\n", "X-b: 2\r\n", "X-c: 3\r\n", "X-d: 4\r\n"], 200);
    expect(out).toMatch(/^HTTP\/1\.1 408/);
    expect(jsonOf(out)).toMatchObject({ success: false, error: "request_timeout" });
  });

  it("a body trickled past the deadline gets 408 request_timeout", async () => {
    const port = Number(new URL(c.base).port);
    const head = "POST /attestations/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n";
    const out = await raw(port, [head, '{"ev', "iden", 'ce":', ' "00', "0000"], 300);
    expect(out).toMatch(/^HTTP\/1\.1 408/);
    expect(jsonOf(out)).toMatchObject({ success: false, error: "request_timeout" });
  });

  it("while 50 slow-loris connections hang, a real verification is answered before any of them times out, and the server stays up", async () => {
    const port = Number(new URL(c.base).port);
    const answeredAt: number[] = [];
    const hanging = Array.from({ length: 50 }, () => raw(port, ["POST /attestations/verify HTTP/1.1\r\nHost: x\r\n"], 0, 2000).then((a) => (answeredAt.push(performance.now()), a)));
    const r = await c.post("/attestations/verify", { evidence: tdxQuote.toString("hex"), collateral: tdxCollateral, at: TDX_AT });
    const doneAt = performance.now();
    expect(r.body.success).toBe(true);
    const answers = await Promise.all(hanging);
    // Not a speed goal (those are in the bench): the answer did not wait for the hanging connections.
    expect(doneAt).toBeLessThan(Math.min(...answeredAt));
    for (const a of answers) expect(a).toMatch(/^HTTP\/1\.1 408/);
    expect((await c.get("/health")).status).toBe(200);
  });

  it("headers over 16 KiB get 431 headers_too_large", async () => {
    const port = Number(new URL(c.base).port);
    const out = await raw(port, [`GET /hardware_id/${"ab".repeat(10_000)} HTTP/1.1\r\nHost: x\r\n\r\n`]);
    expect(out).toMatch(/^HTTP\/1\.1 431/);
    expect(jsonOf(out)).toMatchObject({ success: false, error: "headers_too_large" });
  });

  it("malformed HTTP gets 400 malformed_http; other paths and methods get typed 404 / 405", async () => {
    const port = Number(new URL(c.base).port);
    const out = await raw(port, ["GARBAGE\x00 / HTTP/9\r\n\r\n"]);
    expect(out).toMatch(/^HTTP\/1\.1 400/);
    expect(jsonOf(out)).toMatchObject({ error: "malformed_http" });
    expect((await c.get("/attestations/verify")).body).toMatchObject({ error: "method_not_allowed" });
    expect((await c.get("/nowhere")).status).toBe(404);
    expect((await c.get("/hardware_id/00")).status).toBe(503);
  });
});

describe("poc serve: every evidence form poc verify takes (our request shape)", () => {
  // A service holding no collateral: the dstack quote shares the TDX fixture's FMSPC, whose held collateral would be expired at its time.
  let service: Service;
  let c: ReturnType<typeof client>;
  beforeAll(async () => {
    service = createService({ collateral: new HeldCollateral(mkdtempSync(join(tmpdir(), "poc-serve-forms-"))), rateLimit: false, bodyLimit: 256 * 1024 });
    c = client(await service.listen(0));
  });
  afterAll(() => service.close(100));

  const gpuHex = readFileSync(join(FIX, "nvidia/hopperAttestationReport.txt"), "utf8").trim();
  const gpuChain = readFileSync(join(FIX, "nvidia/hopperCertChain.txt"), "utf8");
  const GPU_NONCE = "931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb";
  const scale = readFileSync(join(FIX, "dstack/guest-agent-attestation.bin"));

  it("the NVIDIA H100 report with its chain in certificates: signature and nonce verified, measurements not compared (no RIM), so not verified; the GPU dimension says why", async () => {
    const r = await c.post("/attestations/verify", { evidence: gpuHex, certificates: [gpuChain], nonce: GPU_NONCE });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ success: false, error: "verification_failed", quote: { verified: false, header: { tee_type: "TEE_NVIDIA_GPU" } }, proof_of_cloud: false });
    expect(r.body.message).toMatch(/^gpu: report signed by a GPU whose chain ends at the pinned NVIDIA device root; driver 550\.90\.07.*no RIM given/);
    expect(r.body.report).toMatchObject({ evidenceType: "nvidia-gpu", overall: "partial", dimensions: { gpu: { status: "partial", details: { nonceChecked: true } }, hardware: { applicable: false } } });
  });

  it("the GPU report: a wrong nonce fails gpu.nonce; no chain fails; RIMs are compared (the sample's test RIMs differ: gpu.rim.version); RIMs are refused for other evidence", async () => {
    const wrong = await c.post("/attestations/verify", { evidence: gpuHex, certificates: [gpuChain], nonce: "00".repeat(32) });
    expect(wrong.body.message).toMatch(/^gpu: the GPU report answers another nonce \[gpu\.nonce\]/);
    const noChain = await c.post("/attestations/verify", { evidence: gpuHex });
    expect(noChain.body).toMatchObject({ success: false, report: { overall: "fail", dimensions: { gpu: { status: "failed" } } } });
    const rims = ["Driver_RIM_test_no_gpu.swidtag", "1010_0200_882_96005E0001_test_no_gpu.swidtag"].map((f) => readFileSync(join(FIX, "nvidia", f), "utf8"));
    const withRims = await c.post("/attestations/verify", { evidence: gpuHex, certificates: [gpuChain], rims, at: Date.UTC(2025, 0, 1) / 1000 });
    expect(withRims.body.report.dimensions.gpu).toMatchObject({ status: "failed", check: "gpu.rim.version" });
    const notGpu = await c.post("/attestations/verify", { evidence: scale.toString("hex"), rims });
    expect(notGpu).toMatchObject({ status: 400, body: { error: "invalid_field", field: "rims" } });
    const badRim = await c.post("/attestations/verify", { evidence: gpuHex, rims: ["<not a rim/>"] });
    expect(badRim).toMatchObject({ status: 400, body: { error: "malformed_input" } });
    expect(badRim.body.field).toMatch(/^rims\[0\]/);
  });

  it("dstack's SCALE attestation (binary, as hex): the TDX quote's signatures, the event log replay and the app identity", async () => {
    const r = await c.post("/attestations/verify", { evidence: scale.toString("hex"), at: 1790000000 });
    expect(r.status).toBe(200);
    expect(r.body.quote).toMatchObject({ header: { tee_type: "TEE_TDX" }, ppid: "80d4a149124353c7a2bb76551603f31b", tcb_status: "NotEvaluated" });
    expect(r.body.report).toMatchObject({ evidenceType: "dstack-attestation", overall: "partial", dimensions: { hardware: { status: "partial" }, operatingSystem: { status: "passed" }, application: { status: "passed" } } });
    expect(r.body.report.dimensions.application.reason).toMatch(/app 5bb4ff9a3837357f19dc176407a5709c62eb6c56/);
    // Not verified without collateral (TCB not evaluated), as for a bare quote.
    expect(r.body).toMatchObject({ success: false, error: "verification_failed" });
    expect(r.body.message).toMatch(/^hardware: .*no collateral given/);
  });

  it("dstack's {\"attestation\": hex} JSON, beside fields it ignores: the same verdict, and the report names what was ignored", async () => {
    const r = await c.post("/attestations/verify", { evidence: { attestation: scale.toString("hex"), quote: "00", event_log: "[]" }, at: 1790000000 });
    expect(r.body.report).toMatchObject({ evidenceType: "dstack-attestation", dimensions: { application: { status: "passed" } }, intel: { ppid: "80d4a149124353c7a2bb76551603f31b" } });
    expect(r.body.report.input.ignored[0]).toMatch(/JSON fields beside "attestation".*event_log, quote/);
    const cut = await c.post("/attestations/verify", { evidence: scale.subarray(0, 6000).toString("hex") });
    expect(cut).toMatchObject({ status: 400, body: { error: "malformed_input" } });
    expect(cut.body.field).toMatch(/^evidence: dstack attestation/);
  });

  it("go-tpm-tools' protobuf (as hex) verifies like its JSON twin", async () => {
    const r = await c.post("/attestations/verify", { evidence: readFileSync(join(FIX, "tpm/gce-cos-85-nonce9009.pb")).toString("hex"), nonce: "9009", at: 1795305600 });
    expect(r.body).toMatchObject({ success: true, quote: { verified: true, header: { tee_type: "TEE_TPM" } }, report: { overall: "pass", dimensions: { tpmBinding: { status: "passed" } } } });
  });

  it("a base64 quote with text after it: verified without the text, which the report names; the TD attribute policy is applied and reported; a bad one is a 400", async () => {
    const tail = Buffer.from("\ncaptured by quote-dump 1.2\n");
    const evidence = Buffer.concat([tdxQuote, tail]).toString("base64");
    const r = await c.post("/attestations/verify", { evidence, evidenceEncoding: "base64", collateral: tdxCollateral, at: TDX_AT, tdAttributePolicy: "allow-sept-ve" });
    expect(r.body).toMatchObject({ success: true, quote: { verified: true, tcb_status: "UpToDate" } });
    expect(r.body.report.input).toMatchObject({ encoding: "binary", ignoredTrailingBytes: tail.length });
    expect(r.body.report.input.ignored[0]).toMatch(/text "\\ncaptured by quote-dump/);
    expect(r.body.report.policies).toEqual([expect.objectContaining({ name: "tdAttributes", policy: "allow-sept-ve", status: "passed" })]);
    const strict = await c.post("/attestations/verify", { evidence: tdxQuote.toString("hex"), collateral: tdxCollateral, at: TDX_AT });
    expect(strict.body.report.policies[0]).toMatchObject({ policy: "strict", status: "passed" });
    const bad = await c.post("/attestations/verify", { evidence: tdxQuote.toString("hex"), tdAttributePolicy: "lax" });
    expect(bad).toMatchObject({ status: 400, body: { error: "invalid_field", field: "tdAttributePolicy" } });
  });

  it("a TD that fails the strict TD attribute policy: not verified, the policy named; allow-sept-ve verifies it (simulated TDX PKI, the service's verifier pinned to its root)", async () => {
    const env = createSimulatedTdxEnvironment({ seed: "serve td attribute policy" });
    const sim = createService({ collateral: new HeldCollateral(mkdtempSync(join(tmpdir(), "poc-serve-td-"))), rateLimit: false, intelVerifier: createIntelQuoteVerifier({ rootCaDer: env.pki.root.der }) });
    const c2 = client(await sim.listen(0));
    try {
      const noSeptVe = Buffer.from(env.issueQuote({ tdAttributes: new Uint8Array(8) })).toString("hex");
      const strict = await c2.post("/attestations/verify", { evidence: noSeptVe, collateral: env.collateral, at: env.verifyAt });
      expect(strict.body).toMatchObject({ success: false, error: "verification_failed", quote: { verified: false }, report: { dimensions: { hardware: { status: "passed" } }, policies: [{ policy: "strict", status: "failed", check: "td.septVeDisable" }] } });
      expect(strict.body.message).toMatch(/^policy tdAttributes \(strict\): .*\[td\.septVeDisable\]/);
      const relaxed = await c2.post("/attestations/verify", { evidence: noSeptVe, collateral: env.collateral, at: env.verifyAt, tdAttributePolicy: "allow-sept-ve" });
      expect(relaxed.body).toMatchObject({ success: true, quote: { verified: true }, report: { policies: [{ policy: "allow-sept-ve", status: "passed" }] } });
    } finally {
      await sim.close(100);
    }
  });
});

describe("poc serve: limits, CORS, metrics, page and chain proxy", () => {
  it("per-client rate limit: past the burst, 429 rate_limited with Retry-After; health is not limited", async () => {
    const s = createService({ rateLimit: { perSecond: 1, burst: 3 } });
    const c = client(await s.listen(0));
    try {
      const codes = [];
      for (let i = 0; i < 5; i++) codes.push((await c.post("/attestations/verify", { evidence: "00" })).status);
      expect(codes).toEqual([400, 400, 400, 429, 429]);
      const r = await c.post("/attestations/verify", { evidence: "00" });
      expect(r.body).toMatchObject({ success: false, error: "rate_limited" });
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect((await c.get("/health")).status).toBe(200);
      const m = await c.get("/metrics");
      expect(m.body.text).toMatch(/poc_rate_limited_total 3/);
      expect(m.body.text).toMatch(/poc_http_requests_total\{route="verify",status="429"\} 3/);
      expect(m.body.text).toMatch(/process_resident_memory_bytes \d+/);
    } finally {
      await s.close(100);
    }
  });

  it("CORS: the public API answers preflights for any origin (no credentials); a configured list allows only its origins", async () => {
    const open = createService({ rateLimit: false });
    const o = client(await open.listen(0));
    const closed = createService({ rateLimit: false, corsOrigins: ["https://app.example"] });
    const k = client(await closed.listen(0));
    try {
      const pre = await fetch(o.base + "/attestations/verify", { method: "OPTIONS", headers: { origin: "https://x.example", "access-control-request-method": "POST" } });
      expect(pre.status).toBe(204);
      expect(pre.headers.get("access-control-allow-origin")).toBe("*");
      expect(pre.headers.get("access-control-allow-credentials")).toBeNull();
      const ok = await k.get("/health", {});
      expect(ok.headers.get("access-control-allow-origin")).toBeNull();
      const allowed = await fetch(k.base + "/attestations/verify", { method: "OPTIONS", headers: { origin: "https://app.example" } });
      expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example");
      const denied = await fetch(k.base + "/attestations/verify", { method: "OPTIONS", headers: { origin: "https://evil.example" } });
      expect(denied.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      await open.close(100);
      await closed.close(100);
    }
  });

  it("the page's files are served with their types; paths outside the page directory are not", async () => {
    const dir = mkdtempSync(join(tmpdir(), "poc-page-"));
    const { writeFileSync, mkdirSync } = await import("node:fs");
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>t</title>");
    mkdirSync(join(dir, "assets"));
    writeFileSync(join(dir, "assets", "a.js"), "export {}");
    const s = createService({ staticDir: dir, rateLimit: false });
    const c = client(await s.listen(0));
    try {
      const index = await fetch(c.base + "/");
      expect(index.headers.get("content-type")).toMatch(/text\/html/);
      expect(index.headers.get("content-security-policy")).toMatch(/default-src 'self'/);
      expect((await fetch(c.base + "/assets/a.js")).headers.get("cache-control")).toMatch(/immutable/);
      const port = Number(new URL(c.base).port);
      for (const p of ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/assets/..%2f..%2f..%2fetc%2fpasswd", "/%00"]) {
        const out = await raw(port, [`GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`]);
        expect(out, p).toMatch(/^HTTP\/1\.1 (400|404)/);
        expect(out).not.toMatch(/root:/);
      }
    } finally {
      await s.close(100);
    }
  });

  it("/rpc forwards read methods only: a transaction through the service's chain is refused", async () => {
    const calls: string[] = [];
    const s = createService({ rateLimit: false, rpc: { request: async ({ method }) => (calls.push(method), method === "eth_chainId" ? "0x7a69" : null) } });
    const c = client(await s.listen(0));
    try {
      const ok = await c.post("/rpc", { jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] });
      expect(ok.body).toEqual({ jsonrpc: "2.0", id: 1, result: "0x7a69" });
      const refused = await c.post("/rpc", [{ jsonrpc: "2.0", id: 2, method: "eth_sendTransaction", params: [{}] }, { jsonrpc: "2.0", id: 3, method: "hardhat_setBalance", params: [] }]);
      expect(refused.body.map((a: { error: { code: number } }) => a.error.code)).toEqual([-32601, -32601]);
      expect(calls).toEqual(["eth_chainId"]);
    } finally {
      await s.close(100);
    }
  });

  it("poc serve: flags are checked (exit 2 on a bad one); it listens, holds --collateral and stops cleanly", async () => {
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), progress: () => {}, cwd: process.cwd(), env: {} };
    expect(await main(["serve", "--port", "x"], io)).toBe(2);
    expect(await main(["serve", "--rate", "-1"], io)).toBe(2);
    const busy = createService({ rateLimit: false });
    const busyPort = await busy.listen(0);
    lines.length = 0;
    expect(await main(["serve", "--port", String(busyPort), "--state-dir", mkdtempSync(join(tmpdir(), "poc-serve-busy-"))], io)).toBe(2);
    expect(lines.join("\n")).toMatch(/cannot listen on 127\.0\.0\.1:\d+[\s\S]*the port is in use/);
    await busy.close(100);
    const { makeServeCommand } = await import("../../cli/commands/serve.js");
    const stateDir = mkdtempSync(join(tmpdir(), "poc-serve-cli-"));
    let stop: () => Promise<void> = async () => {};
    let port = 0;
    const listening = new Promise<void>((ok) => {
      const cmd = makeServeCommand({ onListening: (p, s) => ((port = p), (stop = s), ok()) });
      void cmd.run(["--port", "0", "--state-dir", stateDir, "--collateral", join(FIX, "intel/tdx-v4/collateral.json"), "--web", stateDir], io);
    });
    await listening;
    const h = await client(port).get("/health");
    expect(h.body.collateral).toHaveLength(1);
    await stop();
    expect(lines.join("\n")).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+\/ .*1 collateral item/);
  });
});

describe("poc serve: the state directory", () => {
  it("a file in it that does not parse is reported and skipped; the rest still loads", async () => {
    const { writeFileSync } = await import("node:fs");
    const dir = mkdtempSync(join(tmpdir(), "poc-serve-state-"));
    const good = new HeldCollateral(dir);
    await good.admit(tdxCollateral);
    writeFileSync(join(dir, "collateral-SGX-00a067110000.json"), '{"tcb_info": "half a fi');
    writeFileSync(join(dir, "collateral-TDX-b0c06f000000.json.123.tmp"), "left by a crash mid-write");
    const skipped: string[] = [];
    const reloaded = new HeldCollateral(dir, (f, why) => skipped.push(`${f}: ${why}`));
    expect(reloaded.list()).toEqual([{ tee: "TDX", fmspc: "b0c06f000000", evaluationNumber: 17, issueDate: 1750328163 }]);
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatch(/^collateral-SGX-00a067110000\.json: /);
  });
});
