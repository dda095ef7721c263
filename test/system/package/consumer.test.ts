/**
 * The package as a user gets it: `npm pack` (its `prepack` builds dist/), then the tarball installed
 * into a fresh project under the system temp dir, where no parent folder has a node_modules and the
 * repository's binaries are taken off PATH, so nothing resolves to the repository. In it:
 *   (a) Node ESM imports that verify a fixture quote (README's "Install as a library" and SDK quick
 *       start snippets, exactly as written there: they are read from README.md);
 *   (b) tsc, strict + exactOptionalPropertyTypes, moduleResolution nodenext and bundler, no skipLibCheck;
 *   (c) a Hardhat 3 project compiling README's Oracle (inherits CvmGate from the package) and deploying
 *       it on its in-process chain;
 *   (d) a browser bundle of verifyQuote from the installed package, run with web globals only;
 *   (e) `npx poc` from the installed package: --version, verify offline and --onchain.
 * The consumer's own dependencies come from the npm registry through npm's own cache (~/.npm unless
 * configured otherwise; POC_PACKAGE_NPM_CACHE overrides it): the repository's `npm install` has just
 * put the same versions there (hardhat, typescript, esbuild, solc, viem, OpenZeppelin), so on CI's
 * fresh clone the consumer's install is served from it rather than downloaded again.
 * Hardhat 3's EVM is a native package that wants Node 22: the consumer's `npm install` and Hardhat run
 * under the repository's node@22 binary (only the binary; no module of the repository).
 */
import { execFileSync, spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleForBrowser, nodeOnlyInputs, runInWebContext } from "../../../testkit/browserBundle.js";
import { bundleVerifyQuote } from "../../../testkit/packageBundle.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const PKG = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { name: string; version: string; devDependencies: Record<string, string> };
const FIXTURE = join(ROOT, "test", "fixtures", "intel", "tdx-v4");
const AT = "1751624163";
const NPM_CACHE = process.env.POC_PACKAGE_NPM_CACHE;
/** Loopback port of the stand-in Sepolia endpoint (a public testnet cannot exist here). */
const RPC_PORT = 18_123;

const requireFromRoot = createRequire(join(ROOT, "package.json"));
const installed = (name: string): string => (requireFromRoot(`${name}/package.json`) as { version: string }).version;

/** Node 22 for npm install and Hardhat (EDR's native package declares node >= 22). */
const NODE22 = Number(process.versions.node.split(".")[0]) >= 22 ? process.execPath : join(dirname(requireFromRoot.resolve("node/package.json")), "bin", "node");
const NPM_CLI = (() => {
  const fromEnv = process.env.npm_execpath;
  if (fromEnv?.endsWith(".js") && existsSync(fromEnv)) return fromEnv;
  const npm = execFileSync("sh", ["-c", "command -v npm"], { encoding: "utf8" }).trim();
  return realpathSync(npm);
})();

/** PATH without the repository's node_modules/.bin (npm scripts put it first). */
const CLEAN_PATH = (process.env.PATH ?? "").split(delimiter).filter((p) => p && !p.startsWith(ROOT + sep) && !p.includes(`${sep}node_modules${sep}`)).join(delimiter);
/** The system's own node (Node 20 on CI) for the plain-Node runs; the package supports Node >= 20. */
const SYSTEM_NODE = (() => {
  for (const d of CLEAN_PATH.split(delimiter)) if (existsSync(join(d, "node"))) return join(d, "node");
  return process.execPath;
})();

function env(extra: Record<string, string> = {}, node: string = SYSTEM_NODE): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("npm_") && k !== "NODE_PATH" && k !== "NODE_OPTIONS" && !k.startsWith("VITEST") && k !== "PATH") out[k] = v;
  return { ...out, PATH: [dirname(node), CLEAN_PATH].join(delimiter), ...(NPM_CACHE ? { npm_config_cache: NPM_CACHE } : {}), npm_config_update_notifier: "false", ...extra };
}

function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number }): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env ?? env(), encoding: "utf8", timeout: opts.timeout ?? 300_000, maxBuffer: 64 << 20 });
}
function ok(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} exited ${r.status}${r.error ? ` (${r.error.message})` : ""}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return r.stdout;
}

/** README.md's code blocks marked `<!-- package-test: <file> -->`, by file name. */
function readmeSnippets(): Map<string, string> {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const out = new Map<string, string>();
  for (const m of readme.matchAll(/<!-- package-test: (\S+) -->\n```\w*\n([\s\S]*?)```/g)) out.set(m[1]!, m[2]!);
  return out;
}

let packDir: string;
let dir: string;
let tarballFiles: string[];
let snippets: Map<string, string>;

beforeAll(() => {
  snippets = readmeSnippets();
  for (const f of ["verify.mjs", "quickstart.mjs", "check.ts", "contracts/Oracle.sol", "scripts/deploy-oracle.ts", "cli.sh"]) {
    if (!snippets.has(f)) throw new Error(`README.md has no <!-- package-test: ${f} --> snippet`);
  }
  packDir = mkdtempSync(join(tmpdir(), "poc-pack-"));
  // `npm pack` runs `prepack` (npm run build:pkg): the tarball always holds a fresh dist/. It also
  // runs `prepare` (scripts/ensure-node22-native.mjs), told here not to reinstall anything.
  const packOut = ok(run(process.execPath, [NPM_CLI, "pack", "--json", "--pack-destination", packDir], { cwd: ROOT, env: { ...process.env, npm_config_update_notifier: "false", POC_ENSURE_NATIVE_RUNNING: "1" }, timeout: 600_000 }), "npm pack");
  // Lifecycle scripts' banners ("> proof-of-cloud@0.1.0 prepack") precede the JSON array on stdout.
  const packed = JSON.parse(packOut.slice(packOut.search(/^\[/m))) as {
    filename: string;
    files: { path: string }[];
  }[];
  tarballFiles = packed[0]!.files.map((f) => f.path);
  const tarball = join(packDir, packed[0]!.filename);

  dir = mkdtempSync(join(tmpdir(), "poc-consumer-"));
  for (let d = dirname(dir); d !== dirname(d); d = dirname(d)) {
    if (existsSync(join(d, "node_modules"))) throw new Error(`${d}/node_modules would be visible to the consumer project`);
  }
  // The consumer's own dependencies, at the versions the repository is tested with.
  const deps = {
    "proof-of-cloud": `file:${tarball}`,
    viem: installed("viem"),
    "@openzeppelin/contracts": installed("@openzeppelin/contracts"),
  };
  const devDeps = {
    typescript: installed("typescript"),
    esbuild: installed("esbuild"),
    hardhat: installed("hardhat"),
    "@nomicfoundation/hardhat-viem": installed("@nomicfoundation/hardhat-viem"),
    solc: installed("solc"),
  };
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "poc-consumer", private: true, type: "module", dependencies: deps, devDependencies: devDeps }, null, 2));
  for (const [file, text] of snippets) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  copyFileSync(join(FIXTURE, "quote.bin"), join(dir, "quote.bin"));
  copyFileSync(join(FIXTURE, "collateral.json"), join(dir, "collateral.json"));
  const strict = { strict: true, exactOptionalPropertyTypes: true, skipLibCheck: false, noEmit: true, target: "ES2022", lib: ["ES2023", "DOM"], types: [] };
  writeFileSync(join(dir, "tsconfig.nodenext.json"), JSON.stringify({ compilerOptions: { ...strict, module: "NodeNext", moduleResolution: "NodeNext" }, files: ["check.ts"] }));
  writeFileSync(join(dir, "tsconfig.bundler.json"), JSON.stringify({ compilerOptions: { ...strict, module: "ESNext", moduleResolution: "Bundler" }, files: ["check.ts"] }));
  writeFileSync(
    join(dir, "hardhat.config.ts"),
    `import { createRequire } from "node:module";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import { defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);
// No compiler downloads here: the WASM solc from npm, as the repository's own hardhat.config.ts.
export default defineConfig({
  plugins: [hardhatViem],
  solidity: { version: "${installed("solc")}", path: require.resolve("solc/soljson.js"), settings: { evmVersion: "osaka", optimizer: { enabled: true, runs: 200 } } },
  networks: { default: { type: "edr-simulated", chainType: "l1", hardfork: "osaka" } },
});
`,
  );
  ok(run(NODE22, [NPM_CLI, "install", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: dir, env: env({}, NODE22), timeout: 900_000 }), "npm install in the consumer project");
}, 1_200_000);

afterAll(() => {
  if (process.env.POC_KEEP_CONSUMER) return void console.log(`consumer project kept at ${dir}`);
  for (const d of [dir, packDir]) if (d) rmSync(d, { recursive: true, force: true });
});

describe("the tarball", () => {
  it("holds the compiled SDK, the CLI, its bytecode and the contracts, and nothing of the repo's own", () => {
    const allowed = /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|bin\/poc\.mjs|dist\/(sdk|cli|agent|service)\/.+\.(js|d\.ts|json)|contracts\/.+\.sol)$/;
    expect(tarballFiles.filter((f) => !allowed.test(f))).toEqual([]);
    expect(tarballFiles.filter((f) => f.startsWith("contracts/test/"))).toEqual([]);
    for (const f of ["dist/sdk/src/index.js", "dist/sdk/src/index.d.ts", "dist/cli/main.js", "dist/cli/commands/embeddedBytecode.json", "contracts/cvm/CvmGate.sol", "CHANGELOG.md"]) {
      expect(tarballFiles).toContain(f);
    }
  });

  it("installs without install scripts, with one viem and none of the repo's dev tooling", () => {
    const pkg = JSON.parse(readFileSync(join(dir, "node_modules", "proof-of-cloud", "package.json"), "utf8")) as { scripts?: Record<string, string>; dependencies: Record<string, string> };
    for (const hook of ["preinstall", "install", "postinstall"]) expect(pkg.scripts?.[hook]).toBeUndefined();
    const lock = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8")) as { packages: Record<string, LockedPackage> };
    expect(lock.packages["node_modules/proof-of-cloud"]?.hasInstallScript).toBeUndefined();
    // Nothing the package pulls in runs an install script either (no native add-on): the package's
    // dependency closure in the consumer's lock (the consumer's own tools, esbuild among them, aside).
    const closure = dependencyClosure(lock.packages, "node_modules/proof-of-cloud");
    expect(closure).toEqual(expect.arrayContaining(["node_modules/cborg", "node_modules/protobufjs", "node_modules/@ethereumjs/vm", "node_modules/xmldsigjs"]));
    expect(closure.filter((path) => lock.packages[path]?.hasInstallScript)).toEqual([]);
    const viems = Object.keys(lock.packages).filter((p) => p === "node_modules/viem" || p.endsWith("/node_modules/viem"));
    expect(viems).toEqual(["node_modules/viem"]);
    for (const dev of ["tsx", "node", "vitest", "fast-check", "@phala/dcap-qvl"]) expect(Object.keys(pkg.dependencies)).not.toContain(dev);
    expect(existsSync(join(dir, "node_modules", "node"))).toBe(false);
    expect(existsSync(join(dir, "node_modules", "vitest"))).toBe(false);
  });
});

describe("(a) Node ESM", () => {
  it("verify.mjs (README) verifies the fixture quote under the system's Node", () => {
    const out = ok(run(SYSTEM_NODE, ["verify.mjs"], { cwd: dir }), "node verify.mjs");
    expect(out.trim()).toBe("pass UpToDate 0xb0c06f000000");
  });

  it("the SDK quick start (README) verifies the quote, then refuses a missing address book with a typed error naming the chain", async () => {
    // Stand-in for a Sepolia endpoint on loopback: it answers eth_chainId, the only call made
    // before the address book is read (a public testnet cannot be reached from here).
    const server: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const { id, method } = JSON.parse(body) as { id: number; method: string };
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(method === "eth_chainId" ? { jsonrpc: "2.0", id, result: "0xaa36a7" } : { jsonrpc: "2.0", id, error: { code: -32601, message: `not served: ${method}` } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(RPC_PORT, "127.0.0.1", resolve));
    try {
      const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(SYSTEM_NODE, ["quickstart.mjs"], { cwd: dir, env: env({ RPC_URL: `http://127.0.0.1:${RPC_PORT}` }) });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c) => (stdout += c));
        child.stderr.on("data", (c) => (stderr += c));
        child.on("close", (status) => resolve({ status, stdout, stderr }));
      });
      expect(r.stdout).toMatch(/^UpToDate \[\] 0x[0-9a-f]{32} 0xb0c06f000000\n/);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/AddressBookError/);
      expect(r.stderr).toMatch(/no address book for chain 11155111/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

/** spawn as a promise, so the two tsc runs overlap (each is CPU-bound on one core). */
function runAsync(cmd: string, args: string[], cwd: string): Promise<SpawnSyncReturns<string>> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: env() });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("close", (status) => resolve({ status, stdout, stderr, pid: child.pid ?? 0, output: [], signal: null }));
  });
}

describe.concurrent("(b) strict TypeScript without skipLibCheck", () => {
  for (const resolution of ["nodenext", "bundler"]) {
    it(`check.ts (README) type-checks with moduleResolution ${resolution}`, async () => {
      ok(await runAsync(SYSTEM_NODE, [join(dir, "node_modules", "typescript", "bin", "tsc"), "-p", `tsconfig.${resolution}.json`], dir), `tsc (${resolution})`);
    });
  }
});

describe("(c) Hardhat 3", () => {
  it("compiles README's Oracle (inherits CvmGate from the package) and deploys it in-process", () => {
    const hardhat = join(dir, "node_modules", "hardhat", "dist", "src", "cli.js");
    const hh = existsSync(hardhat) ? [hardhat] : [join(dir, "node_modules", ".bin", "hardhat")];
    ok(run(NODE22, [...hh, "build", "--quiet"], { cwd: dir, env: env({}, NODE22), timeout: 600_000 }), "hardhat build");
    const artifact = join(dir, "artifacts", "contracts", "Oracle.sol", "Oracle.json");
    expect(existsSync(artifact)).toBe(true);
    const out = ok(run(NODE22, [...hh, "run", "scripts/deploy-oracle.ts"], { cwd: dir, env: env({}, NODE22), timeout: 600_000 }), "hardhat run scripts/deploy-oracle.ts");
    expect(out).toMatch(/Oracle deployed at 0x[0-9a-fA-F]{40}/);
  });
});

describe("(d) browser bundle", () => {
  it("bundles verifyQuote from the installed package without Node built-ins and verifies the quote with web globals only", async () => {
    const sized = await bundleVerifyQuote(dir);
    // Every module comes from the consumer's node_modules (inputs are relative to this process's cwd).
    // "(disabled):fs" is esbuild's empty stand-in for a module a dependency's "browser" field turns
    // off (protobufjs's optional file loader): nothing of Node is read.
    expect(sized.inputs.filter((i) => i !== "entry.js" && i !== "<stdin>" && !i.startsWith("(disabled):") && !resolve(i).startsWith(dir + sep))).toEqual([]);
    // "sideEffects": false at work: nothing of the chain actions, the log or the simulator is kept.
    expect(sized.kept.filter((i) => /node_modules\/proof-of-cloud\/dist\/sdk\/src\/(chain|log|simulate|report)\//.test(i))).toEqual([]);
    expect(sized.kept.filter((i) => /node_modules\/(viem|cborg)\//.test(i))).toEqual([]);
    console.log(`package.bundle.verifyQuoteGzipBytes (consumer) = ${sized.gzipBytes}`);
    writeFileSync(join(dir, "browser-entry.js"), `export { verifyQuote } from "proof-of-cloud";\n`);
    const { errors, inputs, code } = await bundleForBrowser(join(dir, "browser-entry.js"), "Poc");
    expect(errors).toEqual([]);
    expect(nodeOnlyInputs(inputs)).toEqual([]);
    expect(inputs.some((i) => i.includes("node_modules/proof-of-cloud/dist/"))).toBe(true);
    const context = runInWebContext(code, "Poc", { crypto: globalThis.crypto, TextEncoder, TextDecoder, atob, btoa, URL, console });
    const { verifyQuote } = context.Poc as { verifyQuote: (p: { quote: Uint8Array; collateral: string; now: number }) => Promise<{ status: string }> };
    const r = await verifyQuote({ quote: new Uint8Array(readFileSync(join(FIXTURE, "quote.bin"))), collateral: readFileSync(join(FIXTURE, "collateral.json"), "utf8"), now: Number(AT) });
    expect(r.status).toBe("UpToDate");
  });
});

describe("(e) npx poc from the installed package", () => {
  /** README's `npx poc ...` lines as argument lists (without `npx`). */
  const lines = () => snippets.get("cli.sh")!.split("\n").filter((l) => l.startsWith("npx poc ")).map((l) => l.split(" ").slice(1));
  const npx = (args: string[]) => run(SYSTEM_NODE, [join(dirname(NPM_CLI), "npx-cli.js"), "--no-install", ...args], { cwd: dir, timeout: 300_000 });

  it("README's cli.sh lines run: --version, verify offline, verify --onchain on the embedded osaka chain", () => {
    const [version, offline, onchain] = lines();
    expect([version, offline, onchain].every(Boolean)).toBe(true);
    expect(ok(npx(version!), version!.join(" ")).trim()).toBe(PKG.version);
    expect(ok(npx(offline!), offline!.join(" "))).toMatch(/UpToDate/);
    const r = npx([...onchain!, "--json"]);
    const report = JSON.parse(ok(r, onchain!.join(" "))) as { dimensions: { workload: { onchain?: { chainId: number; gasUsed: string; mode: string } } } };
    expect(JSON.stringify(report)).toMatch(/"mode":\s*"embedded"/);
    expect(r.stderr).toMatch(/collateral uploaded \(\d+ gas\)/);
  });

  it("refuses bad input as a user would see it: exit 2, one line, JSON under --json", () => {
    const bad = npx(["poc", "verfy", "quote.bin"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/did you mean 'verify'/);
    const json = npx(["poc", "verify", "quote.bin", "--at", "-5", "--json"]);
    expect(json.status).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: "usage" } });
  });

  it("every command group loads from the package (the agent and the service ship beside the CLI)", () => {
    for (const group of ["verify", "registry", "alliance", "cvm", "log", "collateral", "agent", "serve"]) {
      const r = npx(["poc", group, "--help"]);
      expect(r.status, `poc ${group} --help: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/usage|Usage/);
    }
  });
});

type LockedPackage = { version?: string; hasInstallScript?: boolean; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };

/** Lock paths of `root` and everything it depends on, resolved as Node does (nearest node_modules first). */
function dependencyClosure(packages: Record<string, LockedPackage>, root: string): string[] {
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path) || !packages[path]) return;
    seen.add(path);
    const p = packages[path]!;
    for (const name of Object.keys({ ...p.dependencies, ...p.optionalDependencies })) {
      // node_modules/a/node_modules/b -> try node_modules/a/node_modules/b/node_modules/<name>, then upwards.
      let base = path;
      for (;;) {
        const candidate = `${base}/node_modules/${name}`;
        if (packages[candidate]) {
          visit(candidate);
          break;
        }
        const up = base.lastIndexOf("/node_modules/");
        if (up < 0) {
          visit(`node_modules/${name}`);
          break;
        }
        base = base.slice(0, up);
      }
    }
  };
  visit(root);
  return [...seen];
}
