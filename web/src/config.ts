/** The page's default chain: /config.json, written by the service that serves the page (absent on a plain static host). */
export type PageConfig = { chainId?: number; rpc?: string; addressBook?: { chainId?: number; contracts?: Record<string, { address: string }> } };

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
