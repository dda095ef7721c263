/** Typed readers over untrusted JSON: each failure is a ParseError naming the JSON path. */
import { toBytes } from "../bytes.js";
import { ParseError } from "../errors.js";

export type JsonObject = Record<string, unknown>;

export function jsonFail(structure: string, field: string, expected: string, got?: string): ParseError {
  return new ParseError({ structure, field, offset: 0, expected, got });
}

export function parseJsonText(text: string, structure: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ParseError({ structure, field: "json", offset: 0, expected: "valid JSON", cause });
  }
}

export class JsonReader {
  constructor(
    readonly obj: JsonObject,
    readonly structure: string,
    readonly path: string,
  ) {}

  static of(value: unknown, structure: string, path = "$"): JsonReader {
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw jsonFail(structure, path, "an object");
    return new JsonReader(value as JsonObject, structure, path);
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined;
  }

  string(key: string): string {
    const v = this.obj[key];
    if (typeof v !== "string") throw jsonFail(this.structure, `${this.path}.${key}`, "a string");
    return v;
  }

  int(key: string, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.obj[key];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > max) {
      throw jsonFail(this.structure, `${this.path}.${key}`, `an integer in 0..${max}`);
    }
    return v;
  }

  hexBytes(key: string, len?: number): Uint8Array {
    const s = this.string(key);
    if (!/^[0-9a-fA-F]*$/.test(s) || s.length % 2 !== 0 || (len !== undefined && s.length !== 2 * len)) {
      throw jsonFail(this.structure, `${this.path}.${key}`, len === undefined ? "hex" : `${len} bytes of hex`);
    }
    return toBytes(s);
  }

  /** ISO 8601 UTC date as unix seconds. */
  date(key: string): number {
    const s = this.string(key);
    const ms = Date.parse(s);
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(s) || !Number.isFinite(ms)) {
      throw jsonFail(this.structure, `${this.path}.${key}`, "an ISO 8601 UTC date");
    }
    return Math.floor(ms / 1000);
  }

  object(key: string): JsonReader {
    return JsonReader.of(this.obj[key], this.structure, `${this.path}.${key}`);
  }

  array(key: string): unknown[] {
    const v = this.obj[key];
    if (!Array.isArray(v)) throw jsonFail(this.structure, `${this.path}.${key}`, "an array");
    return v;
  }

  strings(key: string): string[] {
    if (this.obj[key] === undefined) return [];
    return this.array(key).map((v, i) => {
      if (typeof v !== "string") throw jsonFail(this.structure, `${this.path}.${key}[${i}]`, "a string");
      return v;
    });
  }
}
