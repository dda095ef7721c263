/**
 * The web page (web/) in Debian's Chromium against `npm run web`: every evidence type's verdict
 * computed in the browser, the explorer on the demo world (the entry the demo froze shows as frozen),
 * a CVM's badge, an offline receipt, a vote and a checkpoint cosignature signed through an injected
 * EIP-1193 wallet, the whole Verify flow from the keyboard alone, and every control labelled in the
 * accessibility tree. Screenshots: test-artifacts/browser/.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { recoverTypedDataAddress, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { allianceDomain, voteTypes } from "../../../sdk/src/chain/votes.js";
import { checkpointDomain, checkpointTypes } from "../../../sdk/src/log/checkpoint.js";
import { proposalToFile, ProposalClass } from "../../../sdk/src/chain/proposal.js";
import { registryCalls } from "../../../sdk/src/chain/hardwareRegistry.js";
import { ROOT, MEMBER_KEY, injectWallet, pickFileByKeyboard, startCorsPcs, launchChromium, screenshot, startWeb, unlabelledControls, type WebServer } from "./harness.js";

const FIX = join(ROOT, "test", "fixtures");
const NOW = Date.UTC(2026, 10, 22) / 1000;

let web: WebServer;
let ctx: BrowserContext;
let config: { chainId: number; addressBook: { contracts: Record<string, { address: string }> }; demo: { frozenPlatformKey: Hex; tdxPlatformKey: Hex } };

beforeAll(async () => {
  [web, ctx] = await Promise.all([startWeb(), launchChromium()]);
  config = await (await fetch(new URL("config.json", web.url))).json();
});
afterAll(async () => {
  await ctx?.close();
  await web?.stop();
});

async function open(hash: string): Promise<Page> {
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(new URL(hash, web.url).href);
  (page as unknown as { errors: string[] }).errors = errors;
  return page;
}

type Case = { name: string; evidence: string; collateral?: string; certs?: string[]; eventLog?: string; at: number; nonce?: string; allowedOs?: string; upToDate?: boolean; hardware: string; overall?: string; also?: Record<string, string> };
const CASES: Case[] = [
  { name: "intel-tdx-v4", evidence: "intel/tdx-v4/quote.bin", collateral: "intel/tdx-v4/collateral.json", at: 1751624163, hardware: "PASS", overall: "PARTIAL" },
  { name: "intel-sgx-v3", evidence: "intel/sgx-v3/quote.bin", collateral: "intel/sgx-v3/collateral.json", at: 1751626571, hardware: "PASS" },
  { name: "intel-tdx-v5-no-tcb-match", evidence: "intel/tdx-v5-no-tcb-match/quote.bin", collateral: "intel/tdx-v5-no-tcb-match/collateral.json", at: 1772708331, hardware: "FAIL", overall: "FAIL" },
  { name: "intel-tee-fail-no-collateral", evidence: "intel/tdx-v4-tee-fail/quote.bin", at: NOW, hardware: "PARTIAL" },
  { name: "amd-sev-snp", evidence: "amd/milan-dstack/report.bin", certs: ["amd/milan-dstack/vcek.pem"], at: NOW, hardware: "PASS" },
  { name: "amd-sev-snp-os-not-allowed", evidence: "amd/milan-dstack/report.bin", certs: ["amd/milan-dstack/vcek.pem"], at: NOW, allowedOs: "00".repeat(48), hardware: "PASS", overall: "FAIL", also: { operatingSystem: "FAIL" } },
  { name: "intel-sgx-v3-require-up-to-date", evidence: "intel/sgx-v3/quote.bin", collateral: "intel/sgx-v3/collateral.json", at: 1751626571, upToDate: true, hardware: "FAIL", overall: "FAIL" },
  { name: "amd-sev-snp-no-vcek", evidence: "amd/milan-dstack/report.bin", at: NOW, hardware: "FAIL", overall: "FAIL" },
  { name: "tpm-gce", evidence: "tpm/gce-cos-85-nonce9009.json", eventLog: "tpm/gce-cos-85-nonce9009.eventlog.bin", nonce: "9009", at: NOW, hardware: "PASS", overall: "PASS", also: { tpmBinding: "PASS" } },
  { name: "nitro", evidence: "nitro/dstack-nsm/attestation.bin", at: 1766668537, hardware: "PASS" },
  { name: "nitro-a-day-late", evidence: "nitro/dstack-nsm/attestation.bin", at: 1766668537 + 86400, hardware: "FAIL", overall: "FAIL" },
  { name: "dstack", evidence: "dstack/quote-report.json", at: NOW, hardware: "PARTIAL", also: { operatingSystem: "PASS", application: "PASS" } },
  // The evidence forms merged later: as `poc verify` (test/sdk/cliFormats.test.ts, test/sdk/nvidia/report.test.ts).
  { name: "nvidia-h100-gpu-with-chain", evidence: "nvidia/hopperAttestationReport.txt", certs: ["nvidia/hopperCertChain.txt"], nonce: "931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb", at: NOW, hardware: "SKIP", overall: "PARTIAL", also: { gpu: "PARTIAL", registry: "SKIP" } },
  { name: "nvidia-h100-gpu-wrong-nonce", evidence: "nvidia/hopperAttestationReport.txt", certs: ["nvidia/hopperCertChain.txt"], nonce: "00".repeat(32), at: NOW, hardware: "SKIP", overall: "FAIL", also: { gpu: "FAIL" } },
  { name: "nvidia-h100-gpu-no-chain", evidence: "nvidia/hopperAttestationReport.txt", at: NOW, hardware: "SKIP", overall: "FAIL", also: { gpu: "FAIL" } },
  { name: "dstack-scale-binary", evidence: "dstack/guest-agent-attestation.bin", at: 1790000000, hardware: "PARTIAL", overall: "PARTIAL", also: { operatingSystem: "PASS", application: "PASS", gpu: "SKIP" } },
  { name: "dstack-attestation-hex-json", evidence: "dstack/tdx-lite-attestation.json", at: 1790000000, hardware: "PARTIAL", also: { operatingSystem: "PASS" } },
  { name: "tpm-go-tpm-tools-protobuf", evidence: "tpm/gce-cos-85-nonce9009.pb", nonce: "9009", at: NOW, hardware: "PASS", overall: "PASS", also: { tpmBinding: "PASS", operatingSystem: "PASS" } },
];

async function verifyIn(page: Page, c: Case) {
  await page.locator("#evidence-file").setInputFiles(join(FIX, c.evidence));
  if (c.collateral) await page.locator("#collateral-file").setInputFiles(join(FIX, c.collateral));
  if (c.certs) await page.locator("#cert-files").setInputFiles(c.certs.map((f) => join(FIX, f)));
  if (c.eventLog) await page.locator("#event-log").setInputFiles(join(FIX, c.eventLog));
  await page.getByLabel("Verify at (unix seconds; empty: now)").fill(String(c.at));
  if (c.nonce) await page.getByLabel(/Expected nonce/).fill(c.nonce);
  if (c.allowedOs) await page.getByLabel(/Allowed OS measurements/).fill(c.allowedOs);
  if (c.upToDate) await page.getByLabel(/only TCB status UpToDate passes/).check();
  await page.getByRole("button", { name: "Verify" }).click();
  await page.getByTestId("overall").waitFor({ timeout: 60_000 });
}

const cell = (page: Page, dim: string) => page.locator(`tr[data-dimension="${dim}"] td .status`).first().textContent();

describe("Verify: every evidence type, in the browser", () => {
  for (const c of CASES) {
    it(`${c.name}: hardware ${c.hardware}${c.overall ? `, overall ${c.overall}` : ""}`, async () => {
      const page = await open("#/verify");
      await verifyIn(page, c);
      expect(await cell(page, "hardware")).toBe(c.hardware);
      if (c.overall) expect(await page.getByTestId("overall").textContent()).toBe(c.overall);
      for (const [dim, want] of Object.entries(c.also ?? {})) expect(await cell(page, dim), dim).toBe(want);
      await screenshot(page, `verify-${c.name}`);
      expect((page as unknown as { errors: string[] }).errors).toEqual([]);
      await page.close();
    });
  }

  it("the GPU report's measurements compared with RIM files (the sample's test RIMs are for other versions: GPU FAIL, gpu.rim.version)", async () => {
    const page = await open("#/verify");
    await page.getByLabel(/NVIDIA GPU RIMs/).setInputFiles(["Driver_RIM_test_no_gpu.swidtag", "1010_0200_882_96005E0001_test_no_gpu.swidtag"].map((f) => join(FIX, "nvidia", f)));
    await verifyIn(page, { name: "gpu-rims", evidence: "nvidia/hopperAttestationReport.txt", certs: ["nvidia/hopperCertChain.txt"], at: Date.UTC(2025, 0, 1) / 1000, hardware: "SKIP" });
    expect(await cell(page, "gpu")).toBe("FAIL");
    expect(await page.locator('tr[data-dimension="gpu"]').textContent()).toMatch(/does not match its RIMs.*\[gpu\.rim\.version\]/);
    await screenshot(page, "verify-gpu-rims");
    await page.close();
  });

  it("the go-tpm-tools .pb decodes under the page's Content-Security-Policy (no 'unsafe-eval': the SDK decodes it without runtime codegen)", async () => {
    const csp = (await fetch(web.url)).headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).not.toMatch(/unsafe-eval/);
    const page = await open("#/verify");
    // The page's CSP does refuse runtime code (what protobufjs' reflection decoders are built with):
    // a same-origin script the page loads tries `new Function` and records the outcome.
    await page.route(new URL("csp-probe.js", web.url).href, (r) =>
      r.fulfill({ contentType: "text/javascript", body: 'try { new Function("return 1")(); document.body.dataset.eval = "allowed"; } catch (e) { document.body.dataset.eval = e.name; }' }),
    );
    await page.evaluate(() => document.body.append(Object.assign(document.createElement("script"), { type: "module", src: "./csp-probe.js" })));
    await page.waitForFunction(() => document.body.dataset.eval);
    expect(await page.evaluate(() => document.body.dataset.eval)).toBe("EvalError");
    await verifyIn(page, { name: "pb", evidence: "tpm/gce-cos-85-nonce9009.pb", nonce: "9009", at: NOW, hardware: "PASS" });
    expect(await cell(page, "hardware")).toBe("PASS");
    expect(await page.locator('tr[data-dimension="operatingSystem"]').textContent()).toMatch(/event data verified for 22 of 44 events/);
    expect((page as unknown as { errors: string[] }).errors).toEqual([]);
    await page.close();
  });

  it("a base64 quote file with text after the quote: verified without it, and the page shows what it ignored", async () => {
    const dir = mkdtempSync(join(tmpdir(), "poc-b64-"));
    const file = join(dir, "quote.b64");
    const quote = readFileSync(join(FIX, "intel/tdx-v4/quote.bin"));
    writeFileSync(file, Buffer.concat([quote, Buffer.from("\ncaptured by quote-dump 1.2\n")]).toString("base64").replace(/(.{76})/g, "$1\n") + "\n");
    const page = await open("#/verify");
    await page.locator("#evidence-file").setInputFiles(file);
    await page.locator("#collateral-file").setInputFiles(join(FIX, "intel/tdx-v4/collateral.json"));
    await page.getByLabel("Verify at (unix seconds; empty: now)").fill("1751624163");
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByTestId("overall").waitFor({ timeout: 60_000 });
    expect(await cell(page, "hardware")).toBe("PASS");
    const input = page.getByTestId("input");
    expect(await input.textContent()).toMatch(/Input read as base64; 28 trailing byte\(s\) ignored/);
    expect(await page.getByRole("list", { name: "Ignored input" }).textContent()).toMatch(/28 byte\(s\) after the Intel quote's signature data.*text "\\ncaptured by quote-dump 1\.2\\n"/);
    expect(await page.locator('tr[data-policy="tdAttributes"]').textContent()).toMatch(/tdAttributes \(strict\)PASS/);
    await screenshot(page, "verify-base64-trailing");
    await page.close();
  });

  it("dstack's {\"attestation\": hex} pasted beside other fields: verified from the attestation alone; the page names the fields it ignored", async () => {
    const scale = readFileSync(join(FIX, "dstack/guest-agent-attestation.bin")).toString("hex");
    const page = await open("#/verify");
    await page.getByLabel("Or paste evidence (hex or JSON)").fill(JSON.stringify({ attestation: scale, quote: "00", event_log: "[]" }));
    await page.getByLabel("Verify at (unix seconds; empty: now)").fill("1790000000");
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByTestId("overall").waitFor({ timeout: 60_000 });
    expect(await page.getByRole("heading", { name: /Report:/ }).textContent()).toMatch(/dstack-attestation, intel-tdx/);
    expect(await cell(page, "application")).toBe("PASS");
    expect(await page.getByRole("list", { name: "Ignored input" }).textContent()).toMatch(/JSON fields beside "attestation".*event_log, quote/);
    await page.close();
  });

  it("the TD attribute policy control reaches the report: strict by default, allow-sept-ve when chosen (both pass on the real TDX quote, which sets SEPT_VE_DISABLE)", async () => {
    const page = await open("#/verify");
    const policy = page.getByLabel(/TD attribute policy/);
    expect(await policy.inputValue()).toBe("strict");
    await policy.selectOption("allow-sept-ve");
    await verifyIn(page, { name: "td-policy", evidence: "intel/tdx-v4/quote.bin", collateral: "intel/tdx-v4/collateral.json", at: 1751624163, hardware: "PASS" });
    expect(await page.locator('tr[data-policy="tdAttributes"]').textContent()).toMatch(/tdAttributes \(allow-sept-ve\)PASS.*TD attributes satisfy the allow-sept-ve policy/);
    await page.close();
  });

  it("pasted hex evidence verifies too; the report downloads as JSON equal to what the page shows", async () => {
    const page = await open("#/verify");
    await page.getByLabel("Or paste evidence (hex or JSON)").fill(readFileSync(join(FIX, "intel/tdx-v4/quote.bin")).toString("hex"));
    await page.locator("#collateral-file").setInputFiles(join(FIX, "intel/tdx-v4/collateral.json"));
    await page.getByLabel("Verify at (unix seconds; empty: now)").fill("1751624163");
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByTestId("overall").waitFor();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download report (JSON)" }).click()]);
    const report = JSON.parse(readFileSync((await download.path())!, "utf8"));
    expect(report).toMatchObject({ schema: "poc.verification-report/1", evidenceType: "intel-quote", tee: "intel-tdx", verifiedAt: 1751624163, intel: { tcbStatus: "UpToDate", ppid: "811dca2a26b952e85bb6448b097ba4fd" } });
    await page.close();
  });

  it("collateral fetched from a PCS / PCCS URL (a local stand-in serving Intel's v4 API with CORS): the TDX quote passes", async () => {
    const pcs = await startCorsPcs();
    try {
      const page = await open("#/verify");
      await page.locator("#evidence-file").setInputFiles(join(FIX, "intel/tdx-v4/quote.bin"));
      await page.getByLabel("Or a PCS / PCCS URL for collateral").fill(pcs.baseUrl);
      await page.getByLabel("Verify at (unix seconds; empty: now)").fill("1751624163");
      await page.getByRole("button", { name: "Verify" }).click();
      await page.getByTestId("overall").waitFor({ timeout: 60_000 });
      expect(await cell(page, "hardware")).toBe("PASS");
      expect(pcs.hits.some((h) => h.startsWith("/tdx/certification/v4/tcb?fmspc="))).toBe(true);
      await screenshot(page, "verify-pcs-url");
      await page.close();
    } finally {
      await pcs.close();
    }
  });

  it("malformed and truncated evidence: a one-line error saying what was expected, no report, no crash", async () => {
    const dir = mkdtempSync(join(tmpdir(), "poc-bad-"));
    const truncated = join(dir, "truncated.bin");
    writeFileSync(truncated, readFileSync(join(FIX, "intel/tdx-v4/quote.bin")).subarray(0, 700));
    const junk = join(dir, "junk.bin");
    writeFileSync(junk, Buffer.from("not evidence at all"));
    const page = await open("#/verify");
    for (const f of [truncated, junk]) {
      await page.locator("#evidence-file").setInputFiles(f);
      await page.getByRole("button", { name: "Verify" }).click();
      const alert = page.getByRole("alert");
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(/^bad input: .*(expected|offset)/);
      expect(await page.getByTestId("overall").count()).toBe(0);
    }
    await screenshot(page, "verify-malformed");
    expect((page as unknown as { errors: string[] }).errors).toEqual([]);
    await page.close();
  });
});

describe("Explore: the demo world", () => {
  it("the chain picker takes an address book file and opens the registry it names", async () => {
    const dir = mkdtempSync(join(tmpdir(), "poc-book-"));
    const file = join(dir, `${config.chainId}.json`);
    writeFileSync(file, JSON.stringify({ chainId: config.chainId, contracts: Object.fromEntries(Object.entries(config.addressBook.contracts).map(([k, v]) => [k, v.address])) }));
    const page = await open("#/explore");
    await page.getByRole("button", { name: "Open" }).waitFor();
    await page.getByLabel("Chain ID").fill("");
    await page.getByLabel(/HardwareRegistry address/).fill("");
    await page.getByLabel(/Address book/).setInputFiles(file);
    await expect.poll(() => page.getByLabel(/HardwareRegistry address/).inputValue()).toBe(config.addressBook.contracts.HardwareRegistry!.address);
    expect(await page.getByLabel("Chain ID").inputValue()).toBe(String(config.chainId));
    await screenshot(page, "explore-picker");
    await page.getByRole("button", { name: "Open" }).click();
    await page.locator("tr[data-entry]").first().waitFor();
    expect(page.url()).toContain(`#/explore/${config.chainId}/${config.addressBook.contracts.HardwareRegistry!.address}`);
    await page.close();
  });

  it("facilities, entries (the entry the demo froze shows as frozen), the CVM, the log and its cosigned checkpoint", async () => {
    const registry = config.addressBook.contracts.HardwareRegistry!.address;
    const page = await open(`#/explore/${config.chainId}/${registry}`);
    await page.getByRole("heading", { name: "Hardware entries" }).waitFor();
    await page.locator("tr[data-entry]").first().waitFor();
    expect(await page.getByRole("cell", { name: "Example Colocation GmbH" }).count()).toBe(1);
    const frozen = page.locator(`tr[data-entry="${config.demo.frozenPlatformKey}"]`);
    expect(await frozen.locator(".status").textContent()).toBe("frozen");
    expect(await page.locator(`tr[data-entry="${config.demo.tdxPlatformKey}"] .status`).textContent()).toBe("active");
    expect(await page.locator("tr[data-cvm]").count()).toBeGreaterThanOrEqual(2);
    expect(await page.getByRole("cell", { name: "StatusChanged" }).count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator("#checkpoints ~ table li").count()).toBe(3);
    await screenshot(page, "explore-overview");

    // The frozen entry's own URL (shareable: chain ID, registry and key in the route).
    await frozen.getByRole("link").click();
    await page.getByTestId("entry-status").waitFor();
    expect(page.url()).toContain(`#/entry/${config.chainId}/${registry}/${config.demo.frozenPlatformKey}`);
    expect(await page.getByTestId("entry-status").textContent()).toMatch(/^frozen until \d{4}-/);
    expect(await page.getByText(/ChallengeOpened #\d+ \(https:\/\/example\.org\/incident-42\)/).count()).toBe(1);
    await screenshot(page, "explore-frozen-entry");

    // A log leaf's own URL.
    await page.getByRole("link", { name: /StatusChanged/ }).click();
    await page.getByRole("heading", { name: /Log leaf \d+/ }).waitFor();
    await page.locator("pre").waitFor();
    expect(JSON.parse((await page.locator("pre").textContent())!)).toMatchObject({ leafTypeName: "StatusChanged", subject: config.demo.frozenPlatformKey, payload: { status: 1 } });
    await screenshot(page, "explore-leaf");
    expect((page as unknown as { errors: string[] }).errors).toEqual([]);
    await page.close();
  });

  it("a CVM's page and its live SVG badge (valid for the rotated-to identity before the freeze; now invalid: its host is frozen)", async () => {
    const registry = config.addressBook.contracts.HardwareRegistry!.address;
    const page = await open(`#/explore/${config.chainId}/${registry}`);
    await page.locator("tr[data-cvm]").first().waitFor();
    await page.locator("tr[data-cvm]").last().getByRole("link").click();
    await page.getByTestId("cvm-valid").waitFor();
    expect(await page.getByTestId("cvm-valid").textContent()).toBe("invalid");
    const img = page.getByRole("img", { name: /Proof of Cloud status badge/ });
    await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBeGreaterThan(0);
    const src = await img.getAttribute("src");
    const svg = await (await fetch(new URL(src!, web.url))).text();
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-label="proof of cloud: invalid"/);
    await screenshot(page, "explore-cvm");
    await page.close();
  });

  it("the service's POST /attestations/verify on the same chain: the real TDX quote is Proof of Cloud, the TEE.fail quote is not", async () => {
    const post = async (body: unknown) => (await fetch(new URL("attestations/verify", web.url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json();
    const tdx = await post({ type: "intel", hex: readFileSync(join(FIX, "intel/tdx-v4/quote.bin")).toString("hex"), at: 1751624163 });
    expect(tdx).toMatchObject({ success: true, quote: { verified: true, tcb_status: "UpToDate" }, proof_of_cloud: true });
    expect(tdx.report.dimensions.registry).toMatchObject({ status: "passed", details: { status: "active", level: 1 } });
    const teeFail = await post({ type: "intel", hex: readFileSync(join(FIX, "intel/tdx-v4-tee-fail/quote.bin")).toString("hex"), at: NOW });
    expect(teeFail.proof_of_cloud).toBe(false);
    expect(teeFail.report.dimensions.registry).toMatchObject({ status: "failed", check: "registry.unknown" });
  });

  it("the service's GET /hardware_id/:id on the same chain: the real TDX PPID is verified, the frozen host is not", async () => {
    const ok = await (await fetch(new URL("hardware_id/811dca2a26b952e85bb6448b097ba4fd", web.url))).json();
    expect(ok).toMatchObject({ success: true, status: "active", platform_key: config.demo.tdxPlatformKey });
    const r = await fetch(new URL(`hardware_id/${config.demo.frozenPlatformKey}`, web.url));
    expect(r.status).toBe(404);
    expect(await r.json()).toMatchObject({ success: false, error: "not_found", status: "frozen" });
    const bad = await fetch(new URL("hardware_id/xyz", web.url));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: "invalid_hardware_id", field: "id" });
  });
});

describe("Receipts", () => {
  it("the demo's receipt verifies offline against the pinned member list; a wrong pinned list refuses it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "poc-receipt-"));
    const file = join(dir, "receipt.json");
    writeFileSync(file, await (await fetch(new URL("demo/receipt.json", web.url))).text());
    const members = (await (await fetch(new URL("demo/members.json", web.url))).json()) as string[];
    const page = await open("#/receipts");
    await page.getByLabel("Receipt file (JSON from poc log prove)").setInputFiles(file);
    await page.getByLabel(/Pinned member list/).fill(members.join("\n"));
    await page.getByRole("button", { name: "Verify receipt" }).click();
    await page.getByTestId("receipt-status").waitFor();
    expect(await page.getByTestId("receipt-status").textContent()).toBe("valid");
    await screenshot(page, "receipt-valid");
    await page.getByLabel(/Pinned member list/).fill([...members.slice(1), privateKeyToAccount(`0x${"11".repeat(32)}`).address].join("\n"));
    await page.getByRole("button", { name: "Verify receipt" }).click();
    await expect.poll(() => page.getByTestId("receipt-status").textContent()).toBe("invalid");
    await screenshot(page, "receipt-wrong-members");
    await page.close();
  });
});

describe("Members: a vote and a cosignature signed with an injected EIP-1193 wallet", () => {
  it("the proposal's calls are decoded; the vote is signed by the wallet and recovers to the member", async () => {
    const dir = mkdtempSync(join(tmpdir(), "poc-members-"));
    const proposalFile = join(dir, "proposal.json");
    const proposalText = await (await fetch(new URL("demo/proposal.json", web.url))).text();
    writeFileSync(proposalFile, proposalText);
    const proposal = JSON.parse(proposalText);
    const page = await ctx.newPage();
    const calls = await injectWallet(page, config.chainId);
    await page.goto(new URL("#/members", web.url).href);
    await page.getByLabel("Proposal file (from poc alliance propose)").setInputFiles(proposalFile);
    await page.getByTestId("proposal").waitFor();
    expect(await page.getByTestId("proposal-class").textContent()).toBe("ordinary");
    expect(await page.getByTestId("call-function").textContent()).toBe("confirmFreeze");
    // The class table read from the chain: confirmFreeze is ordinary.
    expect(await page.getByTestId("class-check").textContent()).toMatch(/requires ordinary for these calls: the proposal's class matches/);
    await page.getByRole("button", { name: "Sign vote with wallet" }).click();
    await page.getByTestId("vote-signed").waitFor();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download vote" }).click()]);
    const vote = JSON.parse(readFileSync((await download.path())!, "utf8"));
    const member = privateKeyToAccount(MEMBER_KEY).address;
    expect(vote).toMatchObject({ type: "poc-vote", version: 1, proposalId: proposal.proposalId, chainId: config.chainId, alliance: proposal.alliance, support: true, signer: member });
    const signer = await recoverTypedDataAddress({
      domain: allianceDomain({ chainId: vote.chainId, alliance: vote.alliance }),
      types: voteTypes,
      primaryType: "Vote",
      message: { proposalId: BigInt(vote.proposalId), support: true },
      signature: vote.signature,
    });
    expect(signer).toBe(member);
    expect(calls).toContain("eth_signTypedData_v4");
    await screenshot(page, "members-vote");

    const cpFile = join(dir, "checkpoint.json");
    writeFileSync(cpFile, await (await fetch(new URL("demo/checkpoint.json", web.url))).text());
    await page.getByLabel(/Checkpoint file/).setInputFiles(cpFile);
    await page.getByRole("button", { name: "Cosign checkpoint with wallet" }).click();
    await page.getByTestId("checkpoint-cosigned").waitFor();
    const [dl2] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download cosignature" }).click()]);
    const cosigned = JSON.parse(readFileSync((await dl2.path())!, "utf8"));
    const cp = cosigned.checkpoint;
    const cosigner = await recoverTypedDataAddress({
      domain: checkpointDomain({ chainId: cosigned.chainId, registry: cosigned.registry }),
      types: checkpointTypes,
      primaryType: "Checkpoint",
      message: { origin: cp.origin, size: BigInt(cp.size), rootHash: cp.rootHash },
      signature: cosigned.cosignatures[0].signature,
    });
    expect(cosigner).toBe(member);
    await screenshot(page, "members-cosign");
    await page.close();
  });
});

describe("Hostile files", () => {
  it("markup in a proposal's description or a receipt is shown as text, never run", async () => {
    const dir = mkdtempSync(join(tmpdir(), "poc-xss-"));
    const payload = `<img src=x onerror="window.__pocXss=1"><script>window.__pocXss=2</script>`;
    const file = join(dir, "proposal.json");
    const registry = config.addressBook.contracts.HardwareRegistry!.address as Hex;
    const p = proposalToFile(
      { calls: [registryCalls.unfreeze(registry, [config.demo.frozenPlatformKey], `0x${"00".repeat(32)}`)], proposalClass: ProposalClass.Ordinary, deadline: 2n ** 40n, description: payload },
      { chainId: config.chainId, alliance: config.addressBook.contracts.Alliance!.address as Hex },
    );
    writeFileSync(file, JSON.stringify(p, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
    const page = await open("#/members");
    await page.getByLabel("Proposal file (from poc alliance propose)").setInputFiles(file);
    await page.getByTestId("proposal").waitFor();
    expect(await page.getByTestId("proposal").textContent()).toContain(payload);
    expect(await page.evaluate(() => (window as unknown as { __pocXss?: number }).__pocXss)).toBeUndefined();
    expect(await page.locator("[data-testid=proposal] img, [data-testid=proposal] script").count()).toBe(0);
    await page.close();
  });
});

/** The focused element's id, or its text when it has none. */
const focusedOn = (page: Page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent || "");

/** Presses Tab until the focused element's id (or text) is `target`; fails after `max` presses. */
async function tabUntilFocused(page: Page, target: string, max: number): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    if ((await focusedOn(page)) === target) return;
  }
  throw new Error(`Tab never reached ${target}`);
}

describe("Accessibility", () => {
  it("the whole Verify flow from the keyboard alone: navigate, pick files, set the time, verify, download", async () => {
    const page = await open("#/explore");
    const tabTo = (target: string, max = 40) => tabUntilFocused(page, target, max);
    await tabTo("Verify");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Verify an attestation" }).waitFor();
    await tabTo("evidence-file");
    await pickFileByKeyboard(page, join(FIX, "intel/tdx-v4/quote.bin"));
    await tabTo("collateral-file");
    await pickFileByKeyboard(page, join(FIX, "intel/tdx-v4/collateral.json"));
    await tabTo("verify-at");
    await page.keyboard.type("1751624163");
    await tabTo("td-attribute-policy");
    await page.keyboard.type("allow"); // a focused <select>'s type-ahead picks allow-sept-ve
    expect(await page.locator("#td-attribute-policy").inputValue()).toBe("allow-sept-ve");
    await tabTo("Verify");
    await page.keyboard.press("Enter");
    await page.getByTestId("overall").waitFor();
    expect(await cell(page, "hardware")).toBe("PASS");
    expect(await page.locator('tr[data-policy="tdAttributes"] th').textContent()).toBe("tdAttributes (allow-sept-ve)");
    await tabTo("Download report (JSON)", 80);
    const [download] = await Promise.all([page.waitForEvent("download"), page.keyboard.press("Enter")]);
    expect(JSON.parse(readFileSync((await download.path())!, "utf8")).intel.tcbStatus).toBe("UpToDate");
    await screenshot(page, "keyboard-verify");
    await page.close();
  });

  it("Receipts and Members from the keyboard alone: verify a receipt, open a proposal, sign the vote with the wallet", async () => {
    const dir = mkdtempSync(join(tmpdir(), "poc-kbd-"));
    writeFileSync(join(dir, "receipt.json"), await (await fetch(new URL("demo/receipt.json", web.url))).text());
    writeFileSync(join(dir, "proposal.json"), await (await fetch(new URL("demo/proposal.json", web.url))).text());
    const page = await ctx.newPage();
    await injectWallet(page, config.chainId);
    await page.goto(new URL("#/verify", web.url).href);
    const tabTo = (target: string, max = 40) => tabUntilFocused(page, target, max);
    await tabTo("Receipts");
    await page.keyboard.press("Enter");
    // The page's chunk loads on first visit: tab once it is there (under load, tabbing earlier walks the old page).
    await page.locator("#receipt-file").waitFor();
    await tabTo("receipt-file");
    await pickFileByKeyboard(page, join(dir, "receipt.json"));
    await tabTo("Verify receipt");
    await page.keyboard.press("Enter");
    await page.getByTestId("receipt-status").waitFor();
    expect(await page.getByTestId("receipt-status").textContent()).toBe("valid");

    await page.keyboard.press("Shift+Tab");
    for (let i = 0; i < 20 && (await focusedOn(page)) !== "Members"; i++) await page.keyboard.press("Shift+Tab");
    expect(await focusedOn(page)).toBe("Members");
    await page.keyboard.press("Enter");
    await page.locator("#proposal-file").waitFor();
    await tabTo("proposal-file");
    await pickFileByKeyboard(page, join(dir, "proposal.json"));
    await page.getByTestId("proposal").waitFor();
    await tabTo("Sign vote with wallet");
    await page.keyboard.press("Enter");
    await page.getByTestId("vote-signed").waitFor();
    await screenshot(page, "keyboard-members");
    await page.close();
  });

  it("every control on every page has an accessible name (Chromium's accessibility tree)", async () => {
    const registry = config.addressBook.contracts.HardwareRegistry!.address;
    const page = await open("#/verify");
    await page.getByRole("button", { name: "Verify" }).waitFor();
    expect(await unlabelledControls(page), "verify").toEqual([]);
    for (const [hash, ready] of [
      ["#/explore", "Open"],
      ["#/receipts", "Verify receipt"],
      ["#/members", undefined],
      [`#/explore/${config.chainId}/${registry}`, undefined],
    ] as const) {
      await page.goto(new URL(hash, web.url).href);
      if (ready) await page.getByRole("button", { name: ready }).waitFor();
      else await page.waitForLoadState("networkidle");
      expect(await unlabelledControls(page), hash).toEqual([]);
    }
    await page.close();
  });
});
