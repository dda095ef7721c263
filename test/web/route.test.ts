/**
 * The page's hash routes (web/src/route.ts): every explorer item's URL parses back to the same
 * route (chain ID, address, key, the reader's RPC), and no string, however malformed, makes the
 * router throw: it falls back to the Verify page.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { href, parseRoute, type Route } from "../../web/src/route.js";

const hexOf = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => `0x${Buffer.from(b).toString("hex")}`);
const rpc = fc.option(fc.webUrl(), { nil: undefined });
const chainId = fc.integer({ min: 1, max: 2 ** 40 });

const route: fc.Arbitrary<Route> = fc.oneof(
  fc.constant<Route>({ page: "verify" }),
  fc.constant<Route>({ page: "receipts" }),
  fc.constant<Route>({ page: "members" }),
  fc.record({ chainId, registry: hexOf(20), rpc }).map((r) => ({ page: "explore" as const, ...r })),
  fc.record({ chainId, registry: hexOf(20), key: hexOf(32), rpc }).map((r) => ({ page: "entry" as const, ...r })),
  fc.record({ chainId, registry: hexOf(20), index: fc.nat(), rpc }).map((r) => ({ page: "leaf" as const, ...r })),
  fc.record({ chainId, registry: hexOf(20), identity: hexOf(20), rpc }).map((r) => ({ page: "cvm" as const, ...r })),
);

const clean = (r: Route) => JSON.parse(JSON.stringify(r));

describe("web routes", () => {
  it("href then parseRoute gives the same route back", () => {
    fc.assert(
      fc.property(route, (r) => {
        expect(clean(parseRoute(href(r)))).toEqual(clean(r));
      }),
    );
  });

  it("any hash parses to some route without throwing; what is not a known route is the Verify page", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(() => parseRoute(`#${s}`)).not.toThrow();
      }),
    );
    for (const bad of ["#/entry/1/0x12/0x34", "#/cvm/x/0x0000000000000000000000000000000000000000/0x00", "#/leaf/1/0x0000000000000000000000000000000000000000/-1", "#/nowhere", ""]) {
      expect(parseRoute(bad)).toEqual({ page: "verify" });
    }
  });

  it("the shareable URL of an entry names chain, registry and key", () => {
    const key = `0x${"ab".repeat(32)}`;
    const registry = `0x${"12".repeat(20)}`;
    expect(href({ page: "entry", chainId: 31337, registry, key })).toBe(`#/entry/31337/${registry}/${key}`);
    expect(href({ page: "cvm", chainId: 1, registry, identity: registry, rpc: "https://rpc.example/x?y=1" })).toBe(`#/cvm/1/${registry}/${registry}?rpc=${encodeURIComponent("https://rpc.example/x?y=1")}`);
  });
});
