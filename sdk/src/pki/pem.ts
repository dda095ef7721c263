/**
 * PEM certificates: the SDK's one PEM implementation, in two modes.
 *
 * Strict (`parsePemChain`): chains as carried in certification data type 5 and in collateral issuer
 * chains. The text must be exactly the canonical encoding of the certificates it holds (64-column
 * base64, "\n" line ends), optionally followed by NUL padding: any other byte is rejected, so no
 * byte of the chain can change without the chain changing.
 *
 * Lenient (`pemCertificateBlocks`): every CERTIFICATE block in a text, whatever the whitespace and
 * surrounding text (files a person hands to `poc verify`, PEM bundles, collateral JSON strings
 * that are hashed or uploaded as DER, not signed as text).
 */
import { ParseError } from "../errors.js";

const BEGIN = "-----BEGIN CERTIFICATE-----";
const END = "-----END CERTIFICATE-----";

export function base64Encode(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function base64Decode(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The canonical PEM block of one DER certificate. */
export function certificateToPem(der: Uint8Array): string {
  const b64 = base64Encode(der);
  let body = "";
  for (let i = 0; i < b64.length; i += 64) body += b64.slice(i, i + 64) + "\n";
  return `${BEGIN}\n${body}${END}\n`;
}

export type PemChainOptions = {
  structure: string;
  /** Byte offset of the chain inside its container, for error messages. */
  base?: number | undefined;
  /** Accept "\r\n" and missing final newline (collateral from HTTP servers); quote data stays strict. */
  lenient?: boolean | undefined;
};

/** The PEM text of NUL-padded chain bytes; rejects non-ASCII bytes and non-NUL padding. */
export function pemTextFromBytes(input: Uint8Array, structure: string, base = 0): string {
  let end = input.indexOf(0);
  if (end < 0) end = input.length;
  for (let i = end; i < input.length; i++) {
    if (input[i] !== 0) {
      throw new ParseError({ structure, field: "padding", offset: base + i, expected: "NUL padding after the PEM chain" });
    }
  }
  for (let i = 0; i < end; i++) {
    if (input[i]! > 0x7e || (input[i]! < 0x20 && input[i] !== 0x0a && input[i] !== 0x0d)) {
      throw new ParseError({ structure, field: "pem", offset: base + i, expected: "printable ASCII" });
    }
  }
  return ascii.decode(input.subarray(0, end));
}

// Only bytes 0x0a, 0x0d and 0x20-0x7e reach this decoder, where windows-1252 is plain ASCII.
const ascii = new TextDecoder("latin1");

// Decoding is pure, so strict chains seen before are served from a small memo (quotes from one
// platform repeat the same chain).
const memo = new Map<string, Uint8Array[]>();
const MEMO_MAX = 256;

/** Decodes a PEM chain (bytes or text) into DER certificates, leaf first. */
export function parsePemChain(input: Uint8Array | string, options: PemChainOptions): Uint8Array[] {
  const { structure, base = 0, lenient = false } = options;
  let text = typeof input === "string" ? input : pemTextFromBytes(input, structure, base);
  if (lenient) text = text.replace(/\r\n/g, "\n").trim() + "\n";
  const hit = memo.get(text);
  if (hit) return hit.slice();
  const certs = decodeStrict(text, structure, base);
  if (memo.size >= MEMO_MAX) memo.delete(memo.keys().next().value!);
  memo.set(text, certs);
  return certs.slice();
}

function decodeStrict(text: string, structure: string, base: number): Uint8Array[] {
  const certs: Uint8Array[] = [];
  let pos = 0;
  while (pos < text.length) {
    if (!text.startsWith(BEGIN + "\n", pos)) {
      throw new ParseError({ structure, field: "pem", offset: base + pos, expected: `"${BEGIN}"` });
    }
    const stop = text.indexOf(END, pos);
    if (stop < 0) throw new ParseError({ structure, field: "pem", offset: base + pos, expected: `"${END}"` });
    const b64 = text.slice(pos + BEGIN.length + 1, stop).replace(/\n/g, "");
    let der: Uint8Array;
    try {
      der = base64Decode(b64);
    } catch (cause) {
      throw new ParseError({ structure, field: "pem base64", offset: base + pos, expected: "base64", cause });
    }
    const canonical = certificateToPem(der);
    if (!text.startsWith(canonical, pos)) {
      throw new ParseError({
        structure,
        field: "pem",
        offset: base + pos,
        expected: "canonical PEM (64-column base64, LF line ends)",
      });
    }
    certs.push(der);
    pos += canonical.length;
  }
  if (certs.length === 0) throw new ParseError({ structure, field: "pem", offset: base, expected: "at least one certificate" });
  return certs;
}

/**
 * Every "-----BEGIN <label>-----" ... "-----END <label>-----" block of `text`, in order: its base64
 * body with whitespace removed (not decoded) and the block's character offset. Lenient mode's base.
 */
export function pemBlocks(text: string, label: string): { base64: string; offset: number }[] {
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, "g");
  return [...text.matchAll(re)].map((m) => ({ base64: m[1]!.replace(/\s+/g, ""), offset: m.index }));
}

/**
 * Every "-----BEGIN CERTIFICATE-----" block of `text`, in order, as DER with the block's character
 * offset; whitespace inside a block is ignored. Throws ParseError (field "PEM body") on a block whose
 * body is not base64; returns [] when there is no block (callers decide whether that is an error).
 */
export function pemCertificateBlocks(text: string, structure: string): { der: Uint8Array; offset: number }[] {
  const out: { der: Uint8Array; offset: number }[] = [];
  for (const { base64, offset } of pemBlocks(text, "CERTIFICATE")) {
    try {
      out.push({ der: base64Decode(base64), offset });
    } catch (cause) {
      throw new ParseError({ structure, field: "PEM body", offset, expected: "base64", cause });
    }
  }
  return out;
}
