/**
 * `poc verify <evidence> ...`: detects the evidence type (Intel SGX/TDX quote, SEV-SNP report, TPM
 * attestation JSON or protobuf, Nitro document, dstack attestation or quote + event log JSON),
 * verifies it with the SDK and
 * prints the verification report (sdk/src/report), one line per dimension, or `--json`. Intel quotes
 * go through the SDK's DCAP verifier, or with `--onchain` through a DcapQuoteVerifier contract; the
 * registry dimension asks a HardwareRegistry over JSON-RPC. Exit codes: see `usage` and
 * docs/verification-report.md.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { getAddress, isAddress, type Address, type PublicClient } from "viem";
import { toBytes } from "../../sdk/src/bytes.js";
import { quoteVerifierOf, type AddressBook } from "../../sdk/src/chain/addressBook.js";
import { ParseError, PocError } from "../../sdk/src/errors.js";
import { createCollateralClient, parseCollateral, parseQuote, TD_ATTRIBUTE_POLICIES, type QuoteCollateralV3, type TdAttributePolicy } from "../../sdk/src/intel/index.js";
import { parseGpuAttestationReport, parseGpuEvidenceList, parseGpuRim } from "../../sdk/src/nvidia/index.js";
import {
  DEFAULT_ACCEPTED_TCB_STATUSES,
  DIMENSION_LABELS,
  DIMENSION_NAMES,
  createIntelQuoteVerifier,
  createOnchainIntelQuoteVerifier,
  createRegistryLookup,
  decodeEvidenceInput,
  parseCertificates,
  reportExitCode,
  renderReportText,
  verifyEvidence,
  type Certificate,
  type GpuEvidenceOptions,
  type GpuNonceBinding,
  type IntelQuoteVerifier,
  type RegistryLookup,
  type VerificationReport,
} from "../../sdk/src/report/index.js";
import { jsonError, parseUnixSeconds, UsageError, type CliIO, type Command } from "../io.js";
import { connect, type ChainDeps } from "./_chain.js";

const usage = `usage: poc verify <evidence> [options]

Detects the evidence type (Intel SGX/TDX quote; SEV-SNP report; TPM attestation, JSON or
go-tpm-tools protobuf; Nitro attestation document; dstack attestation, SCALE binary or
{"attestation": hex} JSON; dstack quote + event log JSON; NVIDIA GPU attestation report) in a
binary, hex or base64 file (bytes after a bare Intel quote are ignored and reported) and prints one
line per dimension: hardware, operating system, application, TPM binding, Proof-of-Cloud registry,
GPU, each PASS / PART /
FAIL / SKIP with the reason, then the overall result PASS / PARTIAL / FAIL.

evidence inputs:
  --certs FILE             certificates the evidence does not carry (SNP VCEK/ASK/ARK, TPM AK chain),
                           PEM or DER; repeatable
  --collateral FILE|URL    Intel collateral: QuoteCollateralV3 JSON, saved PCS responses, or a PCS/PCCS
                           base URL. Without it an Intel quote's signatures and PCK chain are checked
                           but not its TCB status: the hardware dimension is then partial
  --event-log FILE         TCG event log for a TPM attestation
  --at UNIX                verification time in unix seconds (default: now); collateral expires
NVIDIA GPU (the GPU dimension; docs/nvidia-gpu.md):
  --gpu FILE               an NVIDIA GPU attestation report (hex text as NVIDIA's tools save it, or
                           binary) or NVIDIA's GPU evidence list JSON (evidence_list, one entry per
                           GPU), verified beside the CPU evidence; or pass either as <evidence>
  --gpu-certs FILE         the GPU's certificate chain (PEM, leaf first); with a GPU report as
                           <evidence>, --certs does the same
  --rim FILE               an NVIDIA RIM (driver or VBIOS SWID XML); repeatable. With both, the
                           GPU's measurements are compared with them
  --gpu-nonce HEX          the nonce given to the GPU (with a GPU report as <evidence>, --nonce works too)
  --gpu-binding OFF[:sha256]
                           the GPU nonce (or its SHA-256) is the CPU report data's 32 bytes at OFF
  --gpu-device-root FILE   pin this device identity root instead of NVIDIA's (tests, the simulator)
  --gpu-rim-root FILE      pin this RIM root instead of NVIDIA's (tests, the simulator)
policy:
  --allowed-os HEX,...     allowed OS measurements (TDX MRTD or dstack os-image-hash, SGX MRENCLAVE,
                           SNP measurement, Nitro PCR0)
  --allowed-app HEX,...    allowed dstack app IDs
  --allowed-compose HEX,.. allowed dstack compose hashes
  --compose FILE           the dstack app compose file, checked against the compose-hash event
  --nonce HEX              expected TPM qualifying data / Nitro nonce (proves freshness)
  --require-up-to-date     Intel: only TCB status UpToDate passes the hardware dimension
  --signatures-only        Intel: check signatures and PCK chain only, and count that as verified
  --td-attribute-policy P  TDX: the TD attribute policy, reported as its own result: strict (default:
                           debug off, SEPT_VE_DISABLE set, reserved bits clear) or allow-sept-ve
                           (SEPT_VE_DISABLE may be clear). A genuine quote always reports its PPID
                           and FMSPC; a broken policy makes the overall result FAIL
registry (the Proof-of-Cloud dimension; skipped when none is given):
  --rpc URL                JSON-RPC endpoint (env POC_RPC_URL)
  --registry ADDR          HardwareRegistry (env POC_REGISTRY, or deployments/<chainId>.json)
  --deployments DIR        address books (default ./deployments)
onchain:
  --onchain                verify the Intel quote with the DcapQuoteVerifier contract instead of the
                           SDK. Default: a fresh embedded chain with the quote's --collateral uploaded
                           and its clock at --at (prints the gas). With --rpc: the verifier deployed
                           there (--verifier ADDR, env POC_DCAP_VERIFIER, or the address book's
                           DcapQuoteVerifier / AutomataDcapAdapter), at the
                           chain's own time, collateral already uploaded (poc collateral upload)
output:
  --json                   the VerificationReport as JSON on stdout
  --details                text: every value each dimension established
  --strict                 exit 0 only when the overall result is PASS

exit codes:
  0  no dimension failed and the evidence itself verified: the hardware dimension passed (for an
     Intel quote: the quote verifies against collateral, or its signatures with --signatures-only;
     for a GPU report alone: the GPU dimension passed, or is partial because no RIMs or no nonce
     were given).
     Dimensions skipped for want of an input you did not give (allowed lists, nonce, registry) do
     not change this; with --strict they do (0 only for overall PASS)
  1  verification failed: a dimension failed, or the hardware dimension did not pass (e.g. an
     Intel quote without collateral)
  2  bad input: unreadable or malformed evidence, certificates or collateral; bad arguments;
     an unreachable RPC endpoint`;

const options = {
  certs: { type: "string", multiple: true },
  collateral: { type: "string" },
  "event-log": { type: "string" },
  at: { type: "string" },
  "allowed-os": { type: "string" },
  "allowed-app": { type: "string" },
  "allowed-compose": { type: "string" },
  compose: { type: "string" },
  nonce: { type: "string" },
  gpu: { type: "string" },
  "gpu-certs": { type: "string", multiple: true },
  rim: { type: "string", multiple: true },
  "gpu-nonce": { type: "string" },
  "gpu-binding": { type: "string" },
  "gpu-device-root": { type: "string" },
  "gpu-rim-root": { type: "string" },
  "require-up-to-date": { type: "boolean" },
  "signatures-only": { type: "boolean" },
  "td-attribute-policy": { type: "string" },
  rpc: { type: "string" },
  registry: { type: "string" },
  deployments: { type: "string" },
  onchain: { type: "boolean" },
  verifier: { type: "string" },
  json: { type: "boolean" },
  details: { type: "boolean" },
  strict: { type: "boolean" },
} as const;

async function readInput(io: CliIO, path: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(resolve(io.cwd, path)));
  } catch (cause) {
    throw new PocError(`cannot read ${what} ${path}`, { cause, details: (cause as Error).message });
  }
}

const hexList = (v: string | undefined, flag: string): string[] | undefined => {
  if (v === undefined) return undefined;
  const items = v.split(",").map((x) => x.trim().toLowerCase().replace(/^0x/, "")).filter((x) => x);
  for (const x of items) if (!/^([0-9a-f]{2})+$/.test(x)) throw new UsageError(`${flag}: not hex: ${x}`);
  return items;
};

async function loadCollateral(io: CliIO, source: string, quote: Uint8Array): Promise<QuoteCollateralV3> {
  if (/^https?:\/\//i.test(source)) {
    io.progress(`fetching collateral from ${source} ...`);
    return createCollateralClient({ baseUrl: source }).getCollateralForQuote(parseQuote(quote));
  }
  return parseCollateral(new TextDecoder().decode(await readInput(io, source, "collateral file")));
}

/**
 * The Intel quote verifier: --verifier, POC_DCAP_VERIFIER, or the address book's
 * `DcapQuoteVerifier` (route "ours") or `AutomataDcapAdapter` (route "automata").
 */
function dcapVerifierAddress(io: CliIO, flag: string | undefined, book: AddressBook | undefined, chainId: number): Address {
  const given = flag ?? io.env.POC_DCAP_VERIFIER;
  if (given !== undefined) {
    if (!isAddress(given)) throw new UsageError(`--verifier: not an address: ${given}`);
    return getAddress(given);
  }
  const fromBook = book && quoteVerifierOf(book);
  if (fromBook) return fromBook;
  throw new UsageError(`no DcapQuoteVerifier address: pass --verifier, set POC_DCAP_VERIFIER or add it (or AutomataDcapAdapter) to deployments/${chainId}.json`);
}

export function makeVerifyCommand(deps: ChainDeps = {}): Command {
  return { summary: "verify attestation evidence (Intel, SEV-SNP, TPM, Nitro, dstack, NVIDIA GPU) and print the verification report", usage, run: (argv, io) => run(argv, io, deps) };
}

export const command: Command = makeVerifyCommand();

async function run(argv: string[], io: CliIO, deps: ChainDeps): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError("expected exactly one evidence file");
  let at = Math.floor(Date.now() / 1000);
  if (values.at !== undefined) {
    at = parseUnixSeconds(values.at, "--at");
  }
  if (values.verifier !== undefined && !values.onchain) throw new UsageError("--verifier needs --onchain");
  const allowedOs = hexList(values["allowed-os"], "--allowed-os");
  const allowedApps = hexList(values["allowed-app"], "--allowed-app");
  const allowedCompose = hexList(values["allowed-compose"], "--allowed-compose");
  if (values.nonce !== undefined && !/^(0x)?([0-9a-fA-F]{2})+$/.test(values.nonce)) throw new UsageError(`--nonce must be hex, got '${values.nonce}'`);
  if (values["gpu-nonce"] !== undefined && !/^(0x)?([0-9a-fA-F]{2})+$/.test(values["gpu-nonce"])) throw new UsageError(`--gpu-nonce must be hex, got '${values["gpu-nonce"]}'`);
  let gpuBinding: GpuNonceBinding | undefined;
  if (values["gpu-binding"] !== undefined) {
    const m = /^(\d+)(?::(sha256|none))?$/.exec(values["gpu-binding"]);
    if (!m) throw new UsageError(`--gpu-binding must be OFFSET or OFFSET:sha256, got '${values["gpu-binding"]}'`);
    gpuBinding = { reportDataOffset: Number(m[1]), hash: (m[2] ?? "none") as GpuNonceBinding["hash"] };
  }
  const tdAttributePolicy = values["td-attribute-policy"] ?? "strict";
  if (!(TD_ATTRIBUTE_POLICIES as readonly string[]).includes(tdAttributePolicy)) throw new UsageError(`--td-attribute-policy must be one of ${TD_ATTRIBUTE_POLICIES.join(", ")}, got '${tdAttributePolicy}'`);
  // The DcapQuoteVerifier contract refuses such TDs itself (TdAttributesInvalid): a relaxed policy cannot apply there.
  if (values.onchain && tdAttributePolicy !== "strict") throw new UsageError("--td-attribute-policy other than strict cannot apply with --onchain: the DcapQuoteVerifier contract enforces the strict policy (TdAttributesInvalid)");
  const file = positionals[0]!;
  // The input being read, so a ParseError names the file it is about.
  let source = file;

  try {
    const { evidence, detected, intelQuote: quote, input } = decodeEvidenceInput({ bytes: await readInput(io, file, "evidence file") });
    // The flags are fine; the file is not what they are for: bad input (one line), not a usage error.
    if (values.onchain && !quote) throw new PocError(`--onchain verifies Intel quotes; ${file} is ${detected.type} evidence`);
    if (values["signatures-only"] && values.collateral) throw new UsageError("--signatures-only and --collateral exclude each other");
    if (values["signatures-only"] && values.onchain) throw new UsageError("--signatures-only and --onchain exclude each other (the onchain verifier always checks collateral)");

    const certificates: Certificate[] = [];
    for (const path of values.certs ?? []) {
      source = path;
      certificates.push(...parseCertificates(await readInput(io, path, "certificate file"), "certificate file"));
    }
    if (values.collateral && !quote) throw new PocError(`--collateral is Intel collateral; ${file} is ${detected.type} evidence`);
    source = values.collateral ?? file;
    const collateral = quote && values.collateral ? await loadCollateral(io, values.collateral, quote) : undefined;
    source = file;
    const composeFile = values.compose === undefined ? undefined : await readInput(io, values.compose, "compose file");
    const tpmEventLog = values["event-log"] === undefined ? undefined : await readInput(io, values["event-log"], "event log");
    const nonce = values.nonce === undefined ? undefined : toBytes(values.nonce, "--nonce");
    const gpu = await loadGpuOptions(io, values, detected.type === "nvidia-gpu" || detected.type === "nvidia-gpu-list", nonce, gpuBinding, (s) => (source = s));
    source = file;

    // The registry: asked when the caller names an RPC endpoint or a registry (flags or env).
    const wantsChain = values.rpc !== undefined || values.registry !== undefined || io.env.POC_RPC_URL !== undefined || io.env.POC_REGISTRY !== undefined;
    let chain: Awaited<ReturnType<typeof connect>> | undefined;
    if (wantsChain || (values.onchain && values.rpc !== undefined)) {
      try {
        chain = await connect(values, io, deps, {});
      } catch (cause) {
        if (cause instanceof UsageError) throw cause;
        throw new PocError(`cannot reach the JSON-RPC endpoint ${values.rpc ?? io.env.POC_RPC_URL ?? "http://127.0.0.1:8545"}`, { cause, details: (cause as Error).message.split("\n")[0] });
      }
    }
    let registry: RegistryLookup | undefined;
    if (chain?.hardwareRegistry) {
      const address = chain.hardwareRegistry;
      const lookup = createRegistryLookup(chain.client, { registry: address });
      // An RPC failure is not a verdict about the hardware: bad input (exit 2), one line.
      registry = (id) =>
        lookup(id).catch((cause: unknown) => {
          throw cause instanceof PocError ? cause : new PocError(`registry lookup at ${address} through ${values.rpc ?? io.env.POC_RPC_URL ?? "http://127.0.0.1:8545"} failed`, { cause, details: ((cause as { shortMessage?: string }).shortMessage ?? String(cause)).split("\n")[0] });
        });
    }
    else if (values.registry !== undefined || (values.rpc !== undefined && !values.onchain)) {
      throw new UsageError(`no HardwareRegistry address: pass --registry, set POC_REGISTRY or add deployments/${chain?.chainId ?? "<chainId>"}.json`);
    }

    let intelVerifier: IntelQuoteVerifier | undefined;
    if (values.onchain) {
      if (values.rpc !== undefined && chain) {
        const verifier = dcapVerifierAddress(io, values.verifier, chain.book, chain.chainId);
        if (values.collateral) io.progress("--collateral is not uploaded with --rpc: the verifier uses the collateral its store holds (poc collateral upload)");
        intelVerifier = createOnchainIntelQuoteVerifier({ publicClient: chain.client as PublicClient, verifier, mode: "rpc" });
      } else {
        if (!collateral) throw new UsageError("--onchain on the embedded chain needs --collateral <file|url> (the collateral to upload)");
        const { deployEmbeddedDcap } = await import("./_embeddedDcap.js");
        const env = await deployEmbeddedDcap({ collateral, at, io }).catch((cause: unknown) => {
          if (cause instanceof PocError) throw cause;
          const message = (cause as Error).message?.split("\n")[0] ?? String(cause);
          throw new PocError("the embedded chain could not be set up", { cause, details: /artifact/i.test(message) ? `${message} Run \`npx hardhat build\` in the project root and run poc from there.` : message });
        });
        io.progress(`collateral uploaded (${env.uploadGas} gas); verifying the quote onchain ...`);
        intelVerifier = createOnchainIntelQuoteVerifier({ publicClient: env.publicClient, walletClient: env.walletClient, verifier: env.verifier, mode: "embedded" });
      }
    } else {
      intelVerifier = createIntelQuoteVerifier();
    }

    const verified = await verifyEvidence({
      evidence,
      now: at,
      certificates,
      collateral,
      intelVerifier,
      acceptedTcbStatuses: values["require-up-to-date"] ? ["UpToDate"] : DEFAULT_ACCEPTED_TCB_STATUSES,
      registry,
      allowedOsMeasurements: allowedOs,
      allowedAppIds: allowedApps,
      allowedComposeHashes: allowedCompose,
      composeFile,
      tpmNonce: nonce,
      nitroNonce: nonce,
      tpmEventLog,
      ...(gpu ? { gpu } : {}),
      tdAttributePolicy: tdAttributePolicy as TdAttributePolicy,
    });
    // Plain binary read whole: nothing to say (and --json stays the SDK's report byte for byte).
    const report: VerificationReport = input.encoding !== "binary" || input.ignored?.length ? { ...verified, input } : verified;
    const code = reportExitCode(report, { strict: values.strict, signaturesOnly: values["signatures-only"] });
    if (values.json) io.out(JSON.stringify(report, null, 2));
    else {
      for (const line of renderReportText(report, { details: values.details }).split("\n")) io.out(line);
      if (code !== 0) io.err(failureLine(report));
    }
    return code;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (error instanceof PocError) {
      // Bad input: one line naming the file, no stack trace.
      const what = error instanceof ParseError ? `${source}: ` : "";
      io.err(`poc verify: ${what}${error.shortMessage}${error.details ? ` (${error.details.split("\n")[0]})` : ""}`);
      if (values.json) io.out(jsonError("input", "verify", `${what}${error.shortMessage}`, error.details?.split("\n")[0]));
      return 2;
    }
    throw error;
  }
}

/** The GPU dimension's inputs from --gpu, --gpu-certs, --rim, --gpu-nonce, --gpu-binding (none: undefined). */
async function loadGpuOptions(
  io: CliIO,
  values: { gpu?: string; "gpu-certs"?: string[]; rim?: string[]; "gpu-nonce"?: string; "gpu-device-root"?: string; "gpu-rim-root"?: string },
  evidenceIsGpu: boolean,
  nonce: Uint8Array | undefined,
  binding: GpuNonceBinding | undefined,
  setSource: (file: string) => void,
): Promise<GpuEvidenceOptions | undefined> {
  const given = values.gpu !== undefined || values["gpu-certs"] || values.rim || values["gpu-nonce"] !== undefined || binding || values["gpu-device-root"] || values["gpu-rim-root"];
  if (!given && !evidenceIsGpu) return undefined;
  if (!evidenceIsGpu && values.gpu === undefined) throw new UsageError("--gpu-certs, --rim, --gpu-nonce and --gpu-binding need a GPU report: --gpu FILE");
  if (evidenceIsGpu && values.gpu !== undefined) throw new UsageError("the evidence is already a GPU report; --gpu is for a GPU report beside CPU evidence");
  let report: Uint8Array | undefined;
  let evidenceList: unknown;
  if (values.gpu !== undefined) {
    setSource(values.gpu);
    const { detected, evidence } = decodeEvidenceInput({ bytes: await readInput(io, values.gpu, "GPU report") });
    // A malformed GPU report or list is bad input, named by its file.
    if (detected.type === "nvidia-gpu") parseGpuAttestationReport((report = evidence));
    else if (detected.type === "nvidia-gpu-list") parseGpuEvidenceList((evidenceList = detected.json)).gpus.forEach((g) => parseGpuAttestationReport(g.report));
    else throw new PocError(`--gpu: ${values.gpu} is ${detected.type} evidence, not an NVIDIA GPU attestation report or evidence list`);
  }
  const certificates: Certificate[] = [];
  for (const path of values["gpu-certs"] ?? []) {
    setSource(path);
    certificates.push(...parseCertificates(await readInput(io, path, "GPU certificate file"), "GPU certificate file"));
  }
  const rims: Uint8Array[] = [];
  for (const path of values.rim ?? []) {
    setSource(path);
    const rim = await readInput(io, path, "RIM file");
    parseGpuRim(rim); // structure first, so a malformed RIM is bad input named by its file
    rims.push(rim);
  }
  const gpuNonce = values["gpu-nonce"] !== undefined ? toBytes(values["gpu-nonce"], "--gpu-nonce") : evidenceIsGpu ? nonce : undefined;
  const root = async (path: string | undefined, what: string): Promise<Certificate | undefined> => {
    if (path === undefined) return undefined;
    setSource(path);
    const certs = parseCertificates(await readInput(io, path, what), what);
    if (certs.length !== 1) throw new PocError(`${path}: expected one root certificate, found ${certs.length}`);
    return certs[0];
  };
  const deviceRoot = await root(values["gpu-device-root"], "GPU device root");
  const rimRoot = await root(values["gpu-rim-root"], "RIM root");
  const roots = { ...(deviceRoot ? { deviceRoot } : {}), ...(rimRoot ? { rimRoot } : {}) };
  return { ...(report ? { report } : {}), ...(evidenceList !== undefined ? { evidenceList } : {}), certificates, rims, ...(gpuNonce ? { nonce: gpuNonce } : {}), ...(binding ? { binding } : {}), ...(deviceRoot || rimRoot ? { roots } : {}) };
}

/** One line for stderr saying why the exit code is 1. */
function failureLine(report: VerificationReport): string {
  const policy = report.policies?.find((p) => p.status === "failed");
  if (policy) return `FAIL: policy ${policy.name} (${policy.policy}): ${policy.reason}${policy.check ? ` [${policy.check}]` : ""}`;
  const failed = DIMENSION_NAMES.find((n) => report.dimensions[n]?.status === "failed");
  if (failed) {
    const d = report.dimensions[failed]!;
    return `FAIL: ${DIMENSION_LABELS[failed]}: ${d.reason}${d.check ? ` [${d.check}]` : ""}`;
  }
  const hw = report.evidenceType === "nvidia-gpu" ? report.dimensions.gpu! : report.dimensions.hardware;
  if (hw.status !== "passed") return `NOT VERIFIED: hardware: ${hw.reason}`;
  return `NOT VERIFIED: overall ${report.overall} (--strict)`;
}
