/**
 * `poc cvm register|status|reattest|rotate|revoke`: the CVM registry from the command line.
 * The identity key lives in the CVM: commands that need its signature read it from POC_CVM_KEY;
 * the transaction is sent with POC_PRIVATE_KEY (any relayer; the owner for `revoke`).
 * `--prepare` prints what the CVM must put in its TEE report data / TPM qualifying data first.
 * Formats: docs/cvm-registry.md. Exit 0 done / valid, 1 refused / not valid, 2 bad input.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { getAddress, isAddress, isHex, keccak256, stringToBytes, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { waitForTransactionReceipt } from "viem/actions";
import {
  hashReAttestation,
  hashRegistration,
  hashRotation,
  readCvm,
  readCvmNonce,
  signRegistration,
  signRotation,
  writeRegisterCvm,
  writeReattestCvm,
  writeRevokeCvm,
  writeRotateCvm,
} from "../../sdk/src/chain/cvmRegistry.js";
import { decodeContractRevert } from "../../sdk/src/chain/revert.js";
import { findAddress, type AddressBook } from "../../sdk/src/chain/addressBook.js";
import { TCB_STATUS_NAMES } from "../../sdk/src/vocabulary/tcbStatus.js";
import { akKeyHash, dcapEvidence, tpmEvidence, type TpmEvidence } from "../../sdk/src/chain/workload.js";
import { UsageError, type CliIO, type Command } from "../io.js";
import { chainOptions, chainUsage, connect, isoTime, signingAccount, toJson, walletFor, type ChainDeps } from "./_chain.js";

const usage = `usage:
  poc cvm status <identity> [--json]                       exit 0 when valid now, 1 otherwise
  poc cvm register --owner ADDR --deadline UNIX --prepare [--ak-public FILE] [--json]
      prints the Registration hash: TEE report data = hash || sha256(AK TPMT_PUBLIC), TPM qualifying data = hash
  poc cvm register --owner ADDR --deadline UNIX --quote FILE --tpm FILE.json [--json]
  poc cvm reattest <identity> --prepare [--json]           prints the ReAttestation hash (TPM qualifying data)
  poc cvm reattest <identity> --tpm FILE.json --tee-registers-hash HEX [--json]
  poc cvm rotate <identity> --new-identity ADDR --prepare [--json]
  poc cvm rotate <identity> [--new-identity ADDR] --tpm FILE.json --tee-registers-hash HEX [--json]
      both keys sign the Rotation: the old one in POC_CVM_KEY, the new one in POC_CVM_NEW_KEY
  poc cvm revoke <identity> [--reason TEXT] [--json]        (owner key in POC_PRIVATE_KEY)
  --tpm FILE.json: { "akPublic", "attest", "signature", "pcrValues" } as 0x-hex (TPMT_PUBLIC,
  TPMS_ATTEST, TPMT_SIGNATURE, the selected PCR values concatenated); --quote: a raw TDX quote.
  identity key (register, rotate): env POC_CVM_KEY (rotate: also POC_CVM_NEW_KEY); sender: env POC_PRIVATE_KEY
  --cvm-registry ADDR   CvmRegistry address (env POC_CVM_REGISTRY, or "CvmRegistry" in the address book)
${chainUsage}`;

const options = {
  ...chainOptions,
  "cvm-registry": { type: "string" },
  owner: { type: "string" },
  deadline: { type: "string" },
  prepare: { type: "boolean" },
  "ak-public": { type: "string" },
  quote: { type: "string" },
  tpm: { type: "string" },
  "tee-registers-hash": { type: "string" },
  "new-identity": { type: "string" },
  reason: { type: "string" },
} as const;

export function makeCvmCommand(deps: ChainDeps = {}): Command {
  return { summary: "CVM identity registry: register, status, reattest, rotate, revoke", usage, run: (argv, io) => run(argv, io, deps) };
}

const subcommands = { status, register, reattest, rotate, revoke } as const;

async function run(argv: string[], io: CliIO, deps: ChainDeps): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || !Object.hasOwn(subcommands, sub)) {
    throw new UsageError(`expected register, status, reattest, rotate or revoke, got ${sub ?? "nothing"}`);
  }
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options });
  const ctx = await connect(values, io, deps, {});
  const registry = cvmRegistryAddress(values["cvm-registry"], io, ctx.chainId, ctx.book);
  const c = { ...ctx, registry, values, positionals, io };
  try {
    return await subcommands[sub as keyof typeof subcommands](c);
  } catch (e) {
    // A refusal by the registry (or any contract it calls) is exit 1, not an input error.
    const revert = decodeContractRevert(e);
    if (!revert) throw e;
    if (values.json) io.out(toJson({ refused: revert.errorName, args: revert.args }));
    else io.err(`refused: ${revert.reason}`);
    return 1;
  }
}

type Ctx = Awaited<ReturnType<typeof connect>> & {
  registry: Address;
  values: ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof options }>>["values"];
  positionals: string[];
  io: CliIO;
};

/** --cvm-registry, POC_CVM_REGISTRY, or `CvmRegistry` in the address book `connect` loaded. */
function cvmRegistryAddress(flag: string | undefined, io: CliIO, chainId: number, book: AddressBook | undefined): Address {
  const v = flag ?? io.env.POC_CVM_REGISTRY;
  if (v !== undefined) {
    if (!isAddress(v)) throw new UsageError(`--cvm-registry: not an address: ${v}`);
    return getAddress(v);
  }
  const a = book && findAddress(book, "CvmRegistry");
  if (a) return a;
  throw new UsageError(`no CvmRegistry address: pass --cvm-registry, set POC_CVM_REGISTRY or add it to deployments/${chainId}.json`);
}

function addressArg(v: string | undefined, what: string): Address {
  if (!v || !isAddress(v)) throw new UsageError(`${what}: expected an address, got ${v ?? "nothing"}`);
  return getAddress(v);
}

function hexArg(v: string | undefined, what: string, bytes?: number): Hex {
  if (!v || !isHex(v) || (bytes !== undefined && v.length !== 2 + 2 * bytes)) throw new UsageError(`${what}: expected 0x-hex${bytes ? ` of ${bytes} bytes` : ""}`);
  return v as Hex;
}

function cvmKey(io: CliIO, name: "POC_CVM_KEY" | "POC_CVM_NEW_KEY" = "POC_CVM_KEY") {
  const k = io.env[name];
  if (!k || !/^0x[0-9a-fA-F]{64}$/.test(k)) throw new UsageError(`set ${name} to the CVM ${name === "POC_CVM_KEY" ? "" : "new "}identity key (0x + 64 hex digits)`);
  return privateKeyToAccount(k as Hex);
}

function readFile(io: CliIO, path: string | undefined, what: string): Uint8Array {
  if (!path) throw new UsageError(`${what}: missing`);
  const f = resolve(io.cwd, path);
  if (!existsSync(f)) throw new UsageError(`no such file: ${path}`);
  return new Uint8Array(readFileSync(f));
}

function readTpm(io: CliIO, path: string | undefined): TpmEvidence {
  const text = new TextDecoder().decode(readFile(io, path, "--tpm"));
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${path}: not JSON (${(e as Error).message})`);
  }
  for (const k of ["akPublic", "attest", "signature", "pcrValues"]) {
    if (typeof j[k] !== "string" || !isHex(j[k])) throw new UsageError(`${path}: field ${k} must be 0x-hex`);
  }
  return tpmEvidence(j as { akPublic: Hex; attest: Hex; signature: Hex; pcrValues: Hex });
}

async function send(c: Ctx, what: string, write: (wallet: ReturnType<typeof walletFor>) => Promise<Hex>, extra: Record<string, unknown>) {
  const wallet = walletFor(c.transport, signingAccount(c.io), c.chainId);
  c.io.progress(`${what}...`);
  const hash = await write(wallet);
  const receipt = await waitForTransactionReceipt(c.client, { hash });
  const result = { ...extra, transactionHash: hash, status: receipt.status, gasUsed: receipt.gasUsed };
  if (c.values.json) c.io.out(toJson(result));
  else c.io.out(`${what}: ${receipt.status} in ${hash} (${receipt.gasUsed} gas)`);
  return receipt.status === "success" ? 0 : 1;
}

async function status(c: Ctx): Promise<number> {
  const identity = addressArg(c.positionals[0], "identity");
  const v = await readCvm(c.client, { registry: c.registry, identity });
  if (c.values.json) {
    c.io.out(toJson({ identity, ...v }));
    return v.valid ? 0 : 1;
  }
  if (v.statusName === "none") {
    c.io.out(`${identity}: not registered`);
    return 1;
  }
  c.io.out(`identity       ${identity}  ${v.valid ? "VALID" : "NOT VALID"}`);
  c.io.out(`status         ${v.statusName}${v.statusName === "rotated" ? ` -> ${v.rotatedTo}` : ""}`);
  c.io.out(`owner          ${v.owner}`);
  c.io.out(`measurement    ${v.measurementHash} (${v.measurementCount} in history)`);
  c.io.out(`hardware       ${v.platformKey} level ${v.hardwareLevel}`);
  c.io.out(`TCB status     ${TCB_STATUS_NAMES[v.tcbStatus] ?? v.tcbStatus}`);
  c.io.out(`TEE attested   ${isoTime(v.teeAttestedAt)} (TTL ${v.teeTtl} s)`);
  c.io.out(`TPM attested   ${isoTime(v.tpmAttestedAt)} (TTL ${v.tpmTtl} s)`);
  c.io.out(`nonce          ${v.nonce}`);
  return v.valid ? 0 : 1;
}

async function register(c: Ctx): Promise<number> {
  const owner = addressArg(c.values.owner, "--owner");
  if (!c.values.deadline || !/^\d+$/.test(c.values.deadline)) throw new UsageError("--deadline: expected unix seconds");
  const deadline = BigInt(c.values.deadline);
  const id = cvmKey(c.io);
  const target = { chainId: c.chainId, registry: c.registry };
  const nonce = await readCvmNonce(c.client, { registry: c.registry, identity: id.address });
  const msg = { identity: id.address, owner, nonce, deadline };
  const digest = hashRegistration(target, msg);
  if (c.values.prepare) {
    const ak = c.values["ak-public"] ? akKeyHash(readFile(c.io, c.values["ak-public"], "--ak-public")) : undefined;
    const out = { identity: id.address, owner, nonce, deadline, registrationHash: digest, akKeyHash: ak, reportData: ak ? `${digest}${ak.slice(2)}` : undefined, qualifyingData: digest };
    if (c.values.json) c.io.out(toJson(out));
    else {
      c.io.out(`registration hash  ${digest}  (identity ${id.address}, nonce ${nonce})`);
      c.io.out(ak ? `TEE report data    ${out.reportData}` : "TEE report data    <registration hash> || sha256(AK TPMT_PUBLIC)  (pass --ak-public to compute)");
      c.io.out(`TPM qualifying     ${digest}`);
    }
    return 0;
  }
  const tee = dcapEvidence(readFile(c.io, c.values.quote, "--quote"));
  const tpm = readTpm(c.io, c.values.tpm);
  const identitySignature = await signRegistration(id, target, msg);
  return send(c, `registering ${id.address}`, (wallet) => writeRegisterCvm(wallet, { registry: c.registry, tee, tpm, ...msg, identitySignature }), {
    identity: id.address,
    owner,
    nonce,
    registrationHash: digest,
  });
}

async function reattest(c: Ctx): Promise<number> {
  const identity = addressArg(c.positionals[0], "identity");
  const nonce = await readCvmNonce(c.client, { registry: c.registry, identity });
  const digest = hashReAttestation({ chainId: c.chainId, registry: c.registry }, { identity, nonce });
  if (c.values.prepare) {
    if (c.values.json) c.io.out(toJson({ identity, nonce, qualifyingData: digest }));
    else c.io.out(`TPM qualifying data  ${digest}  (identity ${identity}, nonce ${nonce})`);
    return 0;
  }
  const tpm = readTpm(c.io, c.values.tpm);
  const teeRegistersHash = hexArg(c.values["tee-registers-hash"], "--tee-registers-hash", 32);
  return send(c, `re-attesting ${identity}`, (wallet) => writeReattestCvm(wallet, { registry: c.registry, identity, tpm, teeRegistersHash }), { identity, nonce });
}

async function rotate(c: Ctx): Promise<number> {
  const identity = addressArg(c.positionals[0], "identity");
  // Sending needs the new key's signature anyway, so its address comes from the key unless given.
  const next = c.values.prepare ? undefined : cvmKey(c.io, "POC_CVM_NEW_KEY");
  const newIdentity = c.values["new-identity"] === undefined && next ? next.address : addressArg(c.values["new-identity"], "--new-identity");
  if (next && next.address !== newIdentity) throw new UsageError(`POC_CVM_NEW_KEY is ${next.address}, not the new identity ${newIdentity}`);
  const target = { chainId: c.chainId, registry: c.registry };
  const nonce = await readCvmNonce(c.client, { registry: c.registry, identity });
  const qualifying = hashReAttestation(target, { identity, nonce, newIdentity });
  if (c.values.prepare) {
    const out = { identity, newIdentity, nonce, qualifyingData: qualifying, rotationHash: hashRotation(target, { identity, newIdentity, nonce }) };
    if (c.values.json) c.io.out(toJson(out));
    else c.io.out(`TPM qualifying data  ${qualifying}  (rotation ${identity} -> ${newIdentity}, nonce ${nonce})`);
    return 0;
  }
  const old = cvmKey(c.io);
  if (old.address !== identity) throw new UsageError(`POC_CVM_KEY is ${old.address}, not the identity ${identity}`);
  const tpm = readTpm(c.io, c.values.tpm);
  const teeRegistersHash = hexArg(c.values["tee-registers-hash"], "--tee-registers-hash", 32);
  const oldKeySignature = await signRotation(old, target, { identity, newIdentity, nonce });
  const newKeySignature = await signRotation(next!, target, { identity, newIdentity, nonce });
  return send(
    c,
    `rotating ${identity} -> ${newIdentity}`,
    (wallet) => writeRotateCvm(wallet, { registry: c.registry, identity, newIdentity, oldKeySignature, newKeySignature, tpm, teeRegistersHash }),
    { identity, newIdentity, nonce },
  );
}

async function revoke(c: Ctx): Promise<number> {
  const identity = addressArg(c.positionals[0], "identity");
  const reasonHash = keccak256(stringToBytes(c.values.reason ?? ""));
  return send(c, `revoking ${identity}`, (wallet) => writeRevokeCvm(wallet, { registry: c.registry, identity, reasonHash }), { identity, reasonHash });
}

export const command: Command = makeCvmCommand();
