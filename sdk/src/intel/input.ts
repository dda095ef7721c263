/** Input normalisation that also works across JS realms (iframes, workers, vm contexts). */
import { toBytes, type BytesLike } from "../bytes.js";
import { ParseError } from "../errors.js";

/** True for any Uint8Array, including one from another realm (where `instanceof` fails). */
export function isBytes(v: unknown): v is Uint8Array {
  return ArrayBuffer.isView(v) && Object.prototype.toString.call(v) === "[object Uint8Array]";
}

/** Like toBytes, but accepts Uint8Arrays from other realms and rejects non-byte input with a ParseError. */
export function bytesOf(input: unknown, what: string): Uint8Array {
  if (isBytes(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (typeof input === "string") return toBytes(input as BytesLike, what);
  throw new ParseError({ structure: what, field: "input", offset: 0, expected: "bytes or a hex string" });
}
