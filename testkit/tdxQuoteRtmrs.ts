/**
 * Test-only: RTMR0–3 read from a TDX v4 quote at the fixed offsets of its TD report body
 * (48-byte header, then the body: RTMR0 at body+328, each 48 bytes). The real quote parser and
 * verifier belong to sdk/src/intel; tests only need the four registers the event log must match.
 */
import { toBytes } from "../sdk/src/bytes.js";

export const TDX_HEADER_SIZE = 48;
export const TDX_BODY_RTMR0 = 328;

export function rtmrsFromTdxV4Quote(quote: Uint8Array | string): [Uint8Array, Uint8Array, Uint8Array, Uint8Array] {
  const q = toBytes(quote);
  const version = q[0]! | (q[1]! << 8);
  const teeType = q[4]! | (q[5]! << 8) | (q[6]! << 16) | (q[7]! << 24);
  if (version !== 4 || teeType !== 0x81) throw new Error(`not a TDX v4 quote (version ${version}, tee ${teeType.toString(16)})`);
  const at = (i: number) => q.slice(TDX_HEADER_SIZE + TDX_BODY_RTMR0 + 48 * i, TDX_HEADER_SIZE + TDX_BODY_RTMR0 + 48 * (i + 1));
  return [at(0), at(1), at(2), at(3)];
}
