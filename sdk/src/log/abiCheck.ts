/**
 * Strict checks around viem's ABI decoder for the log's leaf format. viem decodes values but its
 * errors do not say which field is wrong and it accepts non-canonical bytes (dirty high bits,
 * trailing data); a leaf hash commits to exact bytes, so we (1) walk the heads and tails naming the
 * first bad field, (2) decode with viem, (3) re-encode and require byte equality.
 */
import { decodeAbiParameters, encodeAbiParameters, hexToBytes, type AbiParameter } from "viem";
import { hex } from "../bytes.js";
import { ParseError } from "../errors.js";

export type LeafAbiType = "uint8" | "uint32" | "uint64" | "uint256" | "bytes32" | "address" | "string" | "bytes" | "address[]";
export type LeafAbiParameter = { readonly name: string; readonly type: LeafAbiType };

type Ctx = { data: Uint8Array; structure: string; prefix: string; base: number };

function err(ctx: Ctx, field: string, offset: number, expected: string, got?: string): never {
  throw new ParseError({ structure: ctx.structure, field: ctx.prefix + field, offset: ctx.base + offset, expected, got });
}

function word(ctx: Ctx, offset: number, field: string): Uint8Array {
  if (offset + 32 > ctx.data.length) err(ctx, field, offset, "a 32-byte word", `${Math.max(0, ctx.data.length - offset)} bytes left`);
  return ctx.data.subarray(offset, offset + 32);
}

function highZero(w: Uint8Array, bytes: number): boolean {
  for (let i = 0; i < 32 - bytes; i++) if (w[i] !== 0) return false;
  return true;
}

// A head word used as an offset or length: must fit well inside the data to mean anything.
function smallInt(ctx: Ctx, w: Uint8Array, field: string, offset: number, what: string): number {
  if (!highZero(w, 6)) err(ctx, field, offset, `a ${what} below 2^48`, `0x${hex(w)}`);
  let v = 0;
  for (let i = 26; i < 32; i++) v = v * 256 + w[i]!;
  return v;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function checkTail(ctx: Ctx, p: LeafAbiParameter, headOffset: number): void {
  const off = smallInt(ctx, word(ctx, headOffset, p.name), p.name, headOffset, "tail offset");
  if (off % 32 !== 0) err(ctx, p.name, headOffset, "a 32-byte aligned tail offset", String(off));
  const len = smallInt(ctx, word(ctx, off, `${p.name}.length`), `${p.name}.length`, off, "length");
  if (p.type === "address[]") {
    if (off + 32 + 32 * len > ctx.data.length) err(ctx, `${p.name}.length`, off, `room for ${len} addresses`, `${ctx.data.length - off - 32} bytes`);
    for (let j = 0; j < len; j++) {
      const at = off + 32 + 32 * j;
      if (!highZero(word(ctx, at, `${p.name}[${j}]`), 20)) err(ctx, `${p.name}[${j}]`, at, "an address (upper 12 bytes zero)");
    }
    return;
  }
  const padded = Math.ceil(len / 32) * 32;
  if (off + 32 + padded > ctx.data.length) err(ctx, `${p.name}.length`, off, `${padded} bytes of ${p.type}`, `${ctx.data.length - off - 32} bytes`);
  if (p.type === "string") {
    try {
      utf8.decode(ctx.data.subarray(off + 32, off + 32 + len));
    } catch {
      err(ctx, p.name, off + 32, "UTF-8 text");
    }
  }
}

/** Names the field a non-canonical byte belongs to, by its position in the canonical encoding. */
function fieldAt(params: readonly LeafAbiParameter[], canonical: Uint8Array, offset: number): string {
  if (offset < 32 * params.length) return params[Math.floor(offset / 32)]!.name;
  let owner = "trailing bytes";
  let best = -1;
  params.forEach((p, i) => {
    if (p.type !== "string" && p.type !== "bytes" && p.type !== "address[]") return;
    const w = canonical.subarray(32 * i, 32 * i + 32);
    let o = 0;
    for (let k = 26; k < 32; k++) o = o * 256 + w[k]!;
    if (o <= offset && o > best && offset < canonical.length) {
      best = o;
      owner = p.name;
    }
  });
  return owner;
}

/**
 * Decodes `data` as `abi.encode(params...)`, or throws a ParseError naming the first bad field
 * (`prefix` + name) and its offset (`base` + offset within `data`).
 */
export function decodeStrict(
  data: Uint8Array,
  params: readonly LeafAbiParameter[],
  structure: string,
  prefix = "",
  base = 0,
): Record<string, unknown> {
  const ctx: Ctx = { data, structure, prefix, base };
  params.forEach((p, i) => {
    const at = 32 * i;
    const w = word(ctx, at, p.name);
    switch (p.type) {
      case "uint8":
      case "uint32":
      case "uint64":
        if (!highZero(w, Number(p.type.slice(4)) / 8)) err(ctx, p.name, at, `a ${p.type} (upper bytes zero)`, `0x${hex(w)}`);
        break;
      case "address":
        if (!highZero(w, 20)) err(ctx, p.name, at, "an address (upper 12 bytes zero)", `0x${hex(w)}`);
        break;
      case "uint256":
      case "bytes32":
        break;
      default:
        checkTail(ctx, p, at);
    }
  });
  let values: readonly unknown[];
  try {
    values = decodeAbiParameters(params as readonly AbiParameter[], data);
  } catch (cause) {
    throw new ParseError({ structure, field: prefix || "(abi)", offset: base, expected: "ABI-encoded data", cause });
  }
  const canonical = hexToBytes(encodeAbiParameters(params as readonly AbiParameter[], values as unknown[]));
  if (canonical.length !== data.length || !sameBytes(canonical, data)) {
    let d = 0;
    while (d < canonical.length && d < data.length && canonical[d] === data[d]) d++;
    err(ctx, fieldAt(params, canonical, d), d, "the canonical ABI encoding", d >= canonical.length ? `${data.length - canonical.length} extra bytes` : undefined);
  }
  const out: Record<string, unknown> = {};
  params.forEach((p, i) => (out[p.name] = values[i]));
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
