/** The page's default chain: /config.json, written by the service that serves the page (absent on a plain static host). */
export type PageConfig = { chainId?: number; rpc?: string; addressBook?: { chainId?: number; contracts?: Record<string, { address: string; block?: string | number }> } };

let cached: Promise<PageConfig> | undefined;
export function pageConfig(): Promise<PageConfig> {
  cached ??= fetch("./config.json")
    .then((r) => (r.ok ? (r.json() as Promise<PageConfig>) : {}))
    .catch(() => ({}));
  return cached;
}

export function contractOf(c: PageConfig, name: string): string | undefined {
  return c.addressBook?.contracts?.[name]?.address;
}

/**
 * The block to start event scans at for a contract on a chain: its creation block from the address
 * book (the page's own, or one opened in Explore), else 0. Public RPC endpoints refuse log ranges
 * from genesis, so a deployment's book makes the explorer usable there.
 */
export async function fromBlockOf(chainId: number, address: string): Promise<bigint> {
  const cfg = await pageConfig();
  const stored = localStorage.getItem(`poc.book.${chainId}`);
  const books = [cfg.chainId === chainId ? cfg.addressBook : undefined, stored ? (JSON.parse(stored) as PageConfig["addressBook"]) : undefined];
  for (const b of books) {
    for (const c of Object.values(b?.contracts ?? {})) {
      if (c.address.toLowerCase() === address.toLowerCase() && c.block !== undefined && /^\d+$/.test(String(c.block))) return BigInt(c.block);
    }
  }
  return 0n;
}
