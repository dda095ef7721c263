/**
 * The shared certificate reader (sdk/src/pki/certificate.ts) on real certificates: it reads them,
 * and it refuses, with a typed ParseError, every encoding DER forbids that a signature would not
 * catch on its own: truncation at any offset, trailing bytes after any element, and a non-minimal
 * length on any element.
 */
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readCertificate } from "../../../sdk/src/pki/certificate.js";
import { pemCertificateBlocks } from "../../../sdk/src/pki/pem.js";
import { ParseError } from "../../../sdk/src/errors.js";

const F = "test/fixtures";
const pem = (path: string) => pemCertificateBlocks(readFileSync(`${F}/${path}`, "utf8"), path).map((b) => b.der);
const CERTS: [string, Uint8Array][] = [
  ["Intel SGX Root CA (ECDSA P-256)", new Uint8Array(readFileSync(`${F}/intel/intel-sgx-root-ca.der`))],
  ["AMD Milan ARK (RSA-PSS)", pem("amd/ark-ask-milan.pem").at(-1)!],
  ["AWS Nitro root (ECDSA P-384)", pem("nitro/aws-nitro-root-g1.pem")[0]!],
  ["GCE TPM EK root (RSA PKCS#1 v1.5)", new Uint8Array(readFileSync(`${F}/tpm/gce-tpm-ek-root-1.cer`))],
];

/** A DER tree, re-encodable with one element's length written non-minimally. */
type Node = { tag: number; start: number; value?: Uint8Array; children?: Node[] };

function lengthBytes(len: number): number[] {
  if (len < 0x80) return [len];
  const out: number[] = [];
  for (let n = len; n > 0; n = Math.floor(n / 256)) out.unshift(n & 0xff);
  return [0x80 | out.length, ...out];
}

function parseTree(b: Uint8Array, start: number, end: number): Node[] {
  const out: Node[] = [];
  let o = start;
  while (o < end) {
    const tag = b[o]!;
    let len = b[o + 1]!;
    let v = o + 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + b[v + i]!;
      v += n;
    }
    const node: Node = { tag, start: o };
    if (tag & 0x20) node.children = parseTree(b, v, v + len);
    else node.value = b.subarray(v, v + len);
    out.push(node);
    o = v + len;
  }
  return out;
}

/** Encodes `node`; `bad` gets a non-minimal length (long form for a short one, or a leading zero). */
function encode(node: Node, bad?: Node): number[] {
  const content = node.children ? node.children.flatMap((c) => encode(c, bad)) : [...node.value!];
  let len = lengthBytes(content.length);
  if (node === bad) len = content.length < 0x80 ? [0x81, content.length] : [0x80 | len.length, 0, ...len.slice(1)];
  return [node.tag, ...len, ...content];
}

const walk = (n: Node, out: Node[] = []): Node[] => (out.push(n), n.children?.forEach((c) => walk(c, out)), out);

function parseError(der: Uint8Array): ParseError {
  try {
    readCertificate(der, "test certificate");
  } catch (e) {
    expect(e).toBeInstanceOf(ParseError);
    expect((e as ParseError).structure).toBe("test certificate");
    return e as ParseError;
  }
  throw new Error("accepted");
}

describe.each(CERTS)("readCertificate on %s", (_name, der) => {
  const root = parseTree(der, 0, der.length)[0]!;

  it("reads it, and re-encoding the tree gives the same bytes", () => {
    const c = readCertificate(der, "test certificate");
    expect(c.tbs.length).toBeGreaterThan(0);
    expect(c.notAfter).toBeGreaterThan(c.notBefore);
    expect(c.subject).toMatch(/=/);
    expect(new Uint8Array(encode(root))).toEqual(der);
  });

  it("refuses truncation at every offset", () => {
    for (let n = 0; n < der.length; n++) parseError(der.subarray(0, n));
  });

  it("refuses trailing bytes after the certificate", () => {
    for (const extra of [[0], [0x05, 0x00], [0x30, 0x00]]) {
      const e = parseError(new Uint8Array([...der, ...extra]));
      expect(e.offset).toBe(der.length);
    }
  });

  it("refuses an extra element at the end of every constructed element", () => {
    for (const node of walk(root).filter((n) => n.children)) {
      node.children!.push({ tag: 0x05, start: -1, value: new Uint8Array(0) });
      try {
        parseError(new Uint8Array(encode(root)));
      } finally {
        node.children!.pop();
      }
    }
  });

  it("refuses a non-minimal length on every element", () => {
    for (const node of walk(root)) {
      const e = parseError(new Uint8Array(encode(root, node)));
      expect(e.expected, `element at ${node.start}`).toBe("a minimal DER length");
      expect(e.offset, `element at ${node.start}`).toBe(node.start + 1);
    }
  });

  it("refuses a non-minimal serial number", () => {
    const serial = walk(root).find((n) => n.tag === 0x02 && n.start > 8)!;
    const saved = serial.value!;
    serial.value = new Uint8Array([0, ...saved]);
    try {
      const bytes = new Uint8Array(encode(root));
      if ((saved[0]! & 0x80) === 0) expect(parseError(bytes).expected).toBe("a minimal INTEGER");
    } finally {
      serial.value = saved;
    }
  });
});

describe("pki/ reads certificates with no ASN.1 library", () => {
  it("no file under sdk/src/pki imports @peculiar", () => {
    for (const f of readdirSync("sdk/src/pki")) {
      expect(readFileSync(`sdk/src/pki/${f}`, "utf8"), f).not.toMatch(/from\s+["']@peculiar\//);
    }
  });
});
