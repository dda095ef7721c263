/**
 * What the browser tests share: `npm run web` as a child process (the page and the service on the
 * embedded chain with the demo world), Debian's Chromium through playwright-core with a fresh
 * profile, a test EIP-1193 wallet injected into the page, an accessibility-tree check, and
 * screenshots saved under test-artifacts/browser/ (gitignored; CI keeps them as artifacts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

export const ROOT = resolve(import.meta.dirname, "..", "..", "..");
export const ARTIFACTS = join(ROOT, "test-artifacts", "browser");
export const CHROMIUM = process.env.POC_CHROMIUM ?? "/usr/bin/chromium";

/** Hardhat's first default account: the demo's first Alliance member (a public test key, never a real one). */
export const MEMBER_KEY: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

export type WebServer = { url: string; child: ChildProcess; stop: () => Promise<void> };

/** Starts `npm run web` on a free port; resolves when it prints its URL. */
export function startWeb(timeoutMs = 280_000): Promise<WebServer> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/web.ts", "--port", "0"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env } });
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      fail(new Error(`npm run web did not start in ${timeoutMs} ms:\n${err.slice(-3000)}`));
    }, timeoutMs);
    child.stderr!.on("data", (d) => (err += d.toString()));
    child.stdout!.on("data", (d) => {
      const m = /listening on (http:\/\/\S+)/.exec(d.toString());
      if (m) {
        clearTimeout(timer);
        const stop = () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once("exit", () => done());
            child.kill("SIGTERM");
          });
        ok({ url: m[1]!, child, stop });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`npm run web exited (${code}) before listening:\n${err.slice(-3000)}`));
    });
  });
}

export async function launchChromium(): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (.ci/suites/browser.sh does)`);
  mkdirSync(ARTIFACTS, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), "poc-chromium-"));
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Typed data as a wallet receives it (JSON: integers as strings), with integer fields back to bigints for viem. */
function typedDataFromJson(json: string) {
  const td = JSON.parse(json) as { domain: Record<string, unknown>; types: Record<string, { name: string; type: string }[]>; primaryType: string; message: Record<string, unknown> };
  const { EIP712Domain: _, ...types } = td.types;
  const convert = (type: string, value: unknown): unknown => {
    if (/^u?int\d*$/.test(type)) return BigInt(value as string);
    const fields = types[type];
    if (fields && value && typeof value === "object") return Object.fromEntries(fields.map((f) => [f.name, convert(f.type, (value as Record<string, unknown>)[f.name])]));
    return value;
  };
  return { domain: td.domain, types, primaryType: td.primaryType, message: convert(td.primaryType, td.message) as Record<string, unknown> };
}

/**
 * Injects `window.ethereum`, a minimal EIP-1193 provider whose account is MEMBER_KEY: the page asks
 * for accounts and signs typed data (eth_signTypedData_v4) exactly as with a browser wallet; the
 * signing runs in the test process. Returns the list of methods the page called.
 */
export async function injectWallet(page: Page, chainId: number): Promise<string[]> {
  const account = privateKeyToAccount(MEMBER_KEY);
  const calls: string[] = [];
  await page.exposeFunction("__pocTestWallet", async (method: string, params: string) => {
    calls.push(method);
    const p = JSON.parse(params) as unknown[];
    switch (method) {
      case "eth_requestAccounts":
      case "eth_accounts":
        return JSON.stringify([account.address]);
      case "eth_chainId":
        return JSON.stringify(`0x${chainId.toString(16)}`);
      case "eth_signTypedData_v4": {
        if (String(p[0]).toLowerCase() !== account.address.toLowerCase()) throw new Error(`asked to sign for ${String(p[0])}`);
        return JSON.stringify(await account.signTypedData(typedDataFromJson(p[1] as string) as never));
      }
      default:
        throw new Error(`test wallet: ${method} not supported`);
    }
  });
  await page.addInitScript(() => {
    const call = (globalThis as unknown as { __pocTestWallet: (m: string, p: string) => Promise<string> }).__pocTestWallet;
    (globalThis as unknown as { ethereum: unknown }).ethereum = {
      isPocTestWallet: true,
      request: async ({ method, params }: { method: string; params?: unknown[] }) => JSON.parse(await call(method, JSON.stringify(params ?? []))),
      on: () => {},
      removeListener: () => {},
    };
  });
  return calls;
}

const INTERACTIVE = new Set(["textbox", "button", "checkbox", "radio", "combobox", "spinbutton", "link", "slider", "searchbox", "listbox", "menuitem", "tab", "switch"]);

/** Interactive nodes of the page's accessibility tree (Chromium's, over CDP) that have no accessible name. */
export async function unlabelledControls(page: Page): Promise<{ role: string; html?: string }[]> {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = (await cdp.send("Accessibility.getFullAXTree")) as { nodes: { ignored?: boolean; role?: { value?: string }; name?: { value?: string }; backendDOMNodeId?: number }[] };
  const bad: { role: string; html?: string }[] = [];
  let interactive = 0;
  for (const n of nodes) {
    const role = n.role?.value ?? "";
    if (n.ignored || !INTERACTIVE.has(role)) continue;
    interactive++;
    if (!(n.name?.value ?? "").trim()) {
      let html: string | undefined;
      if (n.backendDOMNodeId) {
        const { outerHTML } = (await cdp.send("DOM.getOuterHTML", { backendNodeId: n.backendDOMNodeId })) as { outerHTML: string };
        html = outerHTML.slice(0, 200);
      }
      bad.push({ role, html });
    }
  }
  await cdp.detach();
  if (interactive === 0) bad.push({ role: "(none: the tree had no interactive node, so nothing was checked)" });
  return bad;
}

/**
 * The PCS stand-in of the SDK tests (test/sdk/intel/pcsStandIn.ts: the fixture collateral in Intel's
 * v4 response shapes) behind a proxy that adds CORS headers, as a PCCS must send for a page on
 * another origin to read it (including the issuer-chain headers).
 */
export async function startCorsPcs(): Promise<{ baseUrl: string; hits: string[]; close: () => Promise<void> }> {
  const { startPcsStandIn } = await import("../../sdk/intel/pcsStandIn.js");
  const { createServer } = await import("node:http");
  const pcs = await startPcsStandIn();
  const proxy = createServer(async (req, res) => {
    const r = await fetch(pcs.baseUrl + req.url);
    const headers: Record<string, string> = { "Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "*" };
    r.headers.forEach((v, k) => {
      if (!["content-length", "connection", "keep-alive", "transfer-encoding"].includes(k)) headers[k] = v;
    });
    res.writeHead(r.status, headers);
    res.end(Buffer.from(await r.arrayBuffer()));
  });
  await new Promise<void>((ok) => proxy.listen(0, "127.0.0.1", ok));
  return {
    baseUrl: `http://127.0.0.1:${(proxy.address() as { port: number }).port}`,
    hits: pcs.hits,
    close: async () => {
      await new Promise<void>((ok) => proxy.close(() => ok()));
      await pcs.close();
    },
  };
}

/**
 * Opens the focused file field's chooser with the keyboard (Space) and picks `path`. In one run of
 * this suite (of six) a second chooser did not open after its Space press (cause not found; the page
 * had focus on the field); the key is pressed again, up to three times, rather than falling back to
 * a mouse or a programmatic setInputFiles.
 */
export async function pickFileByKeyboard(page: Page, path: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const [chooser] = await Promise.all([page.waitForEvent("filechooser", { timeout: 5_000 }), page.keyboard.press("Space")]);
      await chooser.setFiles(path);
      return;
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
}
