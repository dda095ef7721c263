/**
 * `poc verify <evidence> [--collateral <file|url>] [--at <unix>] [--json]`: verifies attestation
 * evidence offchain. Evidence kinds are detected from the bytes (or forced with --type); each kind
 * is one entry in `verifiers` below, so AMD, TPM, Nitro and an `--onchain` route plug in beside Intel.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ParseError, PocError, VerificationError } from "../../errors.js";
import {
  createCollateralClient,
  parseCollateral,
  parseQuote,
  verifyQuote,
  verifyQuoteSignatures,
  type IntelQuote,
  type QuoteCollateralV3,
  type VerifyQuoteReturnType,
} from "../../intel/index.js";
import { UsageError, type CliIO, type Command } from "../io.js";

type VerifyOptions = { collateral?: string; at: number; requireUpToDate: boolean; signaturesOnly: boolean };

type Outcome = { ok: boolean; json: Record<string, unknown>; lines: string[] };

type EvidenceVerifier = {
  kind: string;
  /** True when the bytes look like this kind of evidence. */
  detect: (bytes: Uint8Array) => boolean;
  run: (bytes: Uint8Array, options: VerifyOptions, io: CliIO) => Promise<Outcome>;
};

async function loadIntelCollateral(source: string, quote: IntelQuote, io: CliIO): Promise<QuoteCollateralV3> {
  if (/^https?:\/\//i.test(source)) {
    io.progress(`fetching collateral from ${source} ...`);
    return createCollateralClient({ baseUrl: source }).getCollateralForQuote(quote);
  }
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, source), "utf8");
  } catch (cause) {
    throw new PocError(`cannot read collateral file ${source}`, { cause, details: (cause as Error).message });
  }
  return parseCollateral(text);
}

function intelLines(r: VerifyQuoteReturnType): string[] {
  const lines = [
    `${r.verdict === "pass" ? "PASS" : "PASS (with TCB warnings)"}: Intel ${r.teeType} quote v${r.quoteVersion} verified`,
    `  status         ${r.status}${r.advisoryIds.length ? ` (${r.advisoryIds.join(", ")})` : ""}`,
    `  ppid           ${r.ppid}`,
    `  fmspc          ${r.fmspc}`,
    `  valid until    ${new Date(r.collateralValidUntil * 1000).toISOString()} (collateral)`,
    `  reportData     ${r.reportData}`,
  ];
  for (const [k, v] of Object.entries(r.registers)) lines.push(`  ${k.padEnd(14)} ${v}`);
  return lines;
}

const intelQuote: EvidenceVerifier = {
  kind: "intel-dcap-quote",
  detect: (b) => b.length >= 48 && (b[0] === 3 || b[0] === 4 || b[0] === 5) && b[1] === 0 && b[2] === 2 && b[3] === 0,
  async run(bytes, options, io) {
    const quote = parseQuote(bytes);
    if (options.signaturesOnly) {
      const r = await verifyQuoteSignatures({ quote, now: options.at });
      const lines = [
        `SIGNATURES VALID: Intel ${r.teeType} quote v${r.quoteVersion} (no collateral: TCB status not evaluated)`,
        `  ppid           ${r.ppid}`,
        `  fmspc          ${r.fmspc}`,
        `  reportData     ${r.reportData}`,
        ...Object.entries(r.registers).map(([k, v]) => `  ${k.padEnd(14)} ${v}`),
      ];
      return { ok: true, json: { evidence: this.kind, ...r }, lines };
    }
    if (!options.collateral) throw new UsageError("an Intel quote needs --collateral <file|url> (or --signatures-only)");
    const collateral = await loadIntelCollateral(options.collateral, quote, io);
    const r = await verifyQuote({ quote, collateral, now: options.at });
    const ok = !options.requireUpToDate || r.verdict === "pass";
    return { ok, json: { evidence: this.kind, ...r }, lines: intelLines(r) };
  },
};

const verifiers: EvidenceVerifier[] = [intelQuote];

/** Binary, or hex text (optional 0x, whitespace ignored). */
function decodeEvidence(raw: Uint8Array): Uint8Array {
  const text = new TextDecoder().decode(raw).trim();
  if (text.length > 0 && /^(0x)?[0-9a-fA-F\s]+$/.test(text)) {
    const h = text.replace(/^0x/, "").replace(/\s+/g, "");
    if (h.length % 2 === 0) return Uint8Array.from(h.match(/../g)!, (x) => parseInt(x, 16));
  }
  return raw;
}

const usage = `usage: poc verify <evidence-file> [--collateral <file|url>] [--at <unix-seconds>] [--type intel] [--require-up-to-date] [--signatures-only] [--json]

Verifies attestation evidence offchain. Intel SGX/TDX quotes (binary or hex) need collateral:
a QuoteCollateralV3 JSON file, saved PCS responses, or a PCS/PCCS base URL. --signatures-only
checks only the PCK chain to the pinned Intel root and the quote's signatures (no TCB status).
Exit 0 when the evidence verifies, 1 when verification fails, 2 on bad input.`;

export const command: Command = {
  summary: "verify attestation evidence (Intel SGX/TDX DCAP quotes) offchain",
  usage,
  async run(argv, io) {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          collateral: { type: "string" },
          at: { type: "string" },
          type: { type: "string" },
          json: { type: "boolean" },
          "require-up-to-date": { type: "boolean" },
          "signatures-only": { type: "boolean" },
        },
      });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const { values, positionals } = parsed;
    if (positionals.length !== 1) throw new UsageError("expected exactly one evidence file");
    let at = Math.floor(Date.now() / 1000);
    if (values.at !== undefined) {
      if (!/^\d+$/.test(values.at)) throw new UsageError(`--at must be a unix time in seconds, got '${values.at}'`);
      at = Number(values.at);
    }
    const file = positionals[0]!;
    let raw: Uint8Array;
    try {
      raw = new Uint8Array(await readFile(resolve(io.cwd, file)));
    } catch (cause) {
      throw new PocError(`cannot read evidence file ${file}`, { cause, details: (cause as Error).message });
    }
    const bytes = decodeEvidence(raw);
    const byType = values.type ? verifiers.find((v) => v.kind.startsWith(values.type!)) : verifiers.find((v) => v.detect(bytes));
    if (!byType) {
      throw new PocError(values.type ? `unknown evidence type '${values.type}'` : `${file}: not a recognised evidence format (Intel DCAP quote)`);
    }
    const options: VerifyOptions = {
      collateral: values.collateral,
      at,
      requireUpToDate: values["require-up-to-date"] === true,
      signaturesOnly: values["signatures-only"] === true,
    };

    try {
      const outcome = await byType.run(bytes, options, io);
      if (values.json) io.out(JSON.stringify({ ok: outcome.ok, ...outcome.json }));
      else for (const l of outcome.lines) io.out(l);
      return outcome.ok ? 0 : 1;
    } catch (error) {
      if (error instanceof VerificationError) {
        if (values.json) io.out(JSON.stringify({ ok: false, evidence: byType.kind, error: { check: error.check, message: error.shortMessage } }));
        else io.err(`FAIL: ${error.shortMessage} [${error.check}]`);
        return 1;
      }
      if (error instanceof ParseError && values.json) {
        io.out(JSON.stringify({ ok: false, evidence: byType.kind, error: { parse: error.structure, field: error.field, offset: error.offset, message: error.shortMessage } }));
        return 2;
      }
      throw error;
    }
  },
};
