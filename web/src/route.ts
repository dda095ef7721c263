/**
 * Hash routes: every page and every explorer item has a URL that can be shared. The chain ID and
 * the contract's address are in the route, so a link names exactly what it shows; the RPC endpoint
 * is the reader's (the `rpc` query parameter, else the page's configured chain). Format: docs/web.md.
 */
export type Route =
  | { page: "verify" }
  | { page: "receipts" }
  | { page: "members" }
  | { page: "explore"; chainId?: number; registry?: string; rpc?: string }
  | { page: "entry"; chainId: number; registry: string; key: string; rpc?: string }
  | { page: "leaf"; chainId: number; registry: string; index: number; rpc?: string }
  | { page: "cvm"; chainId: number; registry: string; identity: string; rpc?: string };

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const KEY = /^0x[0-9a-fA-F]{64}$/;

export function parseRoute(hash: string): Route {
  const [path, query = ""] = hash.replace(/^#/, "").split("?");
  const rpc = new URLSearchParams(query).get("rpc") ?? undefined;
  const parts = (path ?? "").split("/").filter((p) => p);
  const [head, a, b, c] = parts;
  const chainId = a !== undefined && /^\d+$/.test(a) ? Number(a) : undefined;
  switch (head) {
    case "receipts":
      return { page: "receipts" };
    case "members":
      return { page: "members" };
    case "explore":
      return { page: "explore", ...(chainId ? { chainId } : {}), ...(b && ADDRESS.test(b) ? { registry: b } : {}), ...(rpc ? { rpc } : {}) };
    case "entry":
      if (chainId && b && ADDRESS.test(b) && c && KEY.test(c)) return { page: "entry", chainId, registry: b, key: c, ...(rpc ? { rpc } : {}) };
      break;
    case "leaf":
      if (chainId && b && ADDRESS.test(b) && c && /^\d+$/.test(c)) return { page: "leaf", chainId, registry: b, index: Number(c), ...(rpc ? { rpc } : {}) };
      break;
    case "cvm":
      if (chainId && b && ADDRESS.test(b) && c && ADDRESS.test(c)) return { page: "cvm", chainId, registry: b, identity: c, ...(rpc ? { rpc } : {}) };
      break;
  }
  return { page: "verify" };
}

export function href(r: Route): string {
  const q = "rpc" in r && r.rpc ? `?rpc=${encodeURIComponent(r.rpc)}` : "";
  switch (r.page) {
    case "verify":
    case "receipts":
    case "members":
      return `#/${r.page}`;
    case "explore":
      return `#/explore${r.chainId ? `/${r.chainId}` : ""}${r.registry ? `/${r.registry}` : ""}${q}`;
    case "entry":
      return `#/entry/${r.chainId}/${r.registry}/${r.key}${q}`;
    case "leaf":
      return `#/leaf/${r.chainId}/${r.registry}/${r.index}${q}`;
    case "cvm":
      return `#/cvm/${r.chainId}/${r.registry}/${r.identity}${q}`;
  }
}
