/** Field readers for the log's JSON files (receipts, cosigned checkpoints): each failure names its field. */
import { getAddress, isAddress, isHex, type Address, type Hex } from "viem";
import { ParseError } from "../errors.js";
import type { Member } from "./checkpoint.js";

export class JsonReader {
  constructor(readonly structure: string) {}

  bad(field: string, expected: string, got?: unknown): never {
    throw new ParseError({ structure: this.structure, field, offset: 0, expected, got: got === undefined ? undefined : JSON.stringify(got)?.slice(0, 80) });
  }

  parse(input: unknown): unknown {
    if (typeof input !== "string") return input;
    try {
      return JSON.parse(input);
    } catch (cause) {
      throw new ParseError({ structure: this.structure, field: "(json)", offset: 0, expected: "JSON text", cause });
    }
  }

  obj(v: unknown, field: string): Record<string, unknown> {
    if (typeof v !== "object" || v === null || Array.isArray(v)) this.bad(field, "an object", v);
    return v as Record<string, unknown>;
  }

  arr(v: unknown, field: string): unknown[] {
    if (!Array.isArray(v)) this.bad(field, "an array", v);
    return v;
  }

  uint(v: unknown, field: string): number {
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) this.bad(field, "a non-negative integer", v);
    return v;
  }

  str(v: unknown, field: string): string {
    if (typeof v !== "string") this.bad(field, "a string", v);
    return v;
  }

  hex(v: unknown, field: string, bytes?: number): Hex {
    if (typeof v !== "string" || !isHex(v, { strict: true }) || v.length % 2 !== 0) this.bad(field, "0x-prefixed even-length hex", v);
    if (bytes !== undefined && v.length !== 2 + 2 * bytes) this.bad(field, `${bytes} bytes of hex`, v);
    return v as Hex;
  }

  address(v: unknown, field: string): Address {
    if (typeof v !== "string" || !isAddress(v, { strict: false })) this.bad(field, "an address", v);
    return getAddress(v);
  }

  cosignatures(v: unknown, field: string) {
    return this.arr(v, field).map((x, i) => {
      const s = this.obj(x, `${field}[${i}]`);
      return { signer: this.address(s.signer, `${field}[${i}].signer`), signature: this.hex(s.signature, `${field}[${i}].signature`) };
    });
  }

  members(v: unknown, field: string): Member[] {
    return this.arr(v, field).map((x, i) => {
      const o = this.obj(x, `${field}[${i}]`);
      const member: Member = { address: this.address(o.address, `${field}[${i}].address`) };
      if (o.name !== undefined) member.name = this.str(o.name, `${field}[${i}].name`);
      if (o.contract !== undefined) {
        if (typeof o.contract !== "boolean") this.bad(`${field}[${i}].contract`, "a boolean", o.contract);
        member.contract = o.contract;
      }
      return member;
    });
  }
}
