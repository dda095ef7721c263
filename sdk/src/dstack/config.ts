/**
 * The attestation's `config` string: JSON that holds the VM config (`vm_config`, itself JSON text,
 * or the VM config's fields at the top level in SEV-SNP attestations). Nothing in it is signed by
 * itself: `os_image_hash` is trusted only when an os-image-hash runtime event (replayed into a
 * signed register) or the launch measurement agrees with it. Layout: docs/dstack-attestation.md.
 */
import { ParseError } from "../errors.js";

export type DstackVmConfig = {
  /** Hex, as the config states it (unsigned). */
  osImageHash?: string | undefined;
  /** dstack image name, e.g. "dstack-0.6.0". */
  image?: string | undefined;
  /** "lite" TDX attestations carry the OS image's measurement document here. */
  tdxMeasurement?: unknown | undefined;
  /** SEV-SNP: the MrConfigV3 document (also carried in the quote variant). */
  mrConfig?: string | undefined;
  /** Guest memory in bytes (lite TDX: the TD HOB in RTMR0 depends on it). */
  memorySize?: number | undefined;
};

const S = "dstack attestation config";

function json(text: string, field: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (cause) {
    throw new ParseError({ structure: S, field, offset: 0, expected: "JSON text", cause });
  }
  if (!v || typeof v !== "object" || Array.isArray(v)) throw new ParseError({ structure: S, field, offset: 0, expected: "a JSON object" });
  return v as Record<string, unknown>;
}

const optString = (o: Record<string, unknown>, k: string, field: string): string | undefined => {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new ParseError({ structure: S, field, offset: 0, expected: "a string", got: typeof v });
  return v;
};

/** Reads the VM config out of the config string; an empty config is an empty VM config. */
export function parseDstackVmConfig(config: string): DstackVmConfig {
  if (config.trim() === "") return {};
  const outer = json(config, "config");
  const nested = optString(outer, "vm_config", "vm_config");
  const vm = nested !== undefined ? json(nested, "vm_config") : outer;
  const osImageHash = optString(vm, "os_image_hash", "vm_config.os_image_hash")?.toLowerCase().replace(/^0x/, "");
  if (osImageHash !== undefined && !/^([0-9a-f]{2})+$/.test(osImageHash)) throw new ParseError({ structure: S, field: "vm_config.os_image_hash", offset: 0, expected: "hex" });
  return {
    osImageHash,
    image: optString(vm, "image", "vm_config.image"),
    ...(vm.tdx_measurement !== undefined ? { tdxMeasurement: vm.tdx_measurement } : {}),
    mrConfig: optString(vm, "mr_config", "vm_config.mr_config") ?? optString(outer, "mr_config", "mr_config"),
    ...(typeof vm.memory_size === "number" && Number.isSafeInteger(vm.memory_size) && vm.memory_size > 0 ? { memorySize: vm.memory_size } : {}),
  };
}
