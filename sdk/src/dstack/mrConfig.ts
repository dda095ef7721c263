/**
 * dstack's MrConfigV3 document: the app identity a SEV-SNP guest is launched with, bound into the
 * report's HOST_DATA as SHA-256("dstack-mr-config-v3:" || 0x00 || document) (dstack-types
 * `MrConfigV3::snp_host_data_from_document`). Layout: docs/dstack-attestation.md.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { concatBytes, hex } from "../bytes.js";
import { ParseError } from "../errors.js";

export type DstackMrConfig = {
  version: number;
  appId?: string | undefined;
  composeHash: string;
  instanceId?: string | undefined;
  keyProvider: string;
  keyProviderId?: string | undefined;
};

const S = "dstack mr_config";
const DOMAIN = new TextEncoder().encode("dstack-mr-config-v3:");

/** The 32-byte HOST_DATA a SEV-SNP report must carry for this document (hashed as given, byte for byte). */
export function mrConfigHostData(document: string): Uint8Array {
  return sha256(concatBytes(DOMAIN, new Uint8Array([0]), new TextEncoder().encode(document)));
}

export function parseMrConfig(document: string): DstackMrConfig {
  let v: unknown;
  try {
    v = JSON.parse(document);
  } catch (cause) {
    throw new ParseError({ structure: S, field: "document", offset: 0, expected: "JSON text", cause });
  }
  if (!v || typeof v !== "object" || Array.isArray(v)) throw new ParseError({ structure: S, field: "document", offset: 0, expected: "a JSON object" });
  const o = v as Record<string, unknown>;
  const hexField = (k: string, required: boolean): string | undefined => {
    const x = o[k];
    if (x === undefined || x === null) {
      if (required) throw new ParseError({ structure: S, field: k, offset: 0, expected: "hex", got: "missing" });
      return undefined;
    }
    if (typeof x !== "string" || !/^([0-9a-fA-F]{2})*$/.test(x)) throw new ParseError({ structure: S, field: k, offset: 0, expected: "hex" });
    return x.toLowerCase();
  };
  const version = o.version ?? 3;
  if (version !== 3) throw new ParseError({ structure: S, field: "version", offset: 0, expected: "3", got: String(version) });
  if (typeof o.key_provider !== "string") throw new ParseError({ structure: S, field: "key_provider", offset: 0, expected: "a string" });
  return {
    version: 3,
    appId: hexField("app_id", false),
    composeHash: hexField("compose_hash", true)!,
    instanceId: hexField("instance_id", false),
    keyProvider: o.key_provider,
    keyProviderId: hexField("key_provider_id", false),
  };
}

export const hostDataHex = (document: string) => hex(mrConfigHostData(document));
