/**
 * The page's entry: header, navigation and the hash router. Each page is a separate chunk loaded
 * on first visit (the SDK's verifiers and viem are not in the initial JS; docs/web.md).
 */
import { render, type ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import { parseRoute, type Route } from "./route.js";

type PageModule = { Page: ComponentType<{ route: Route }> };
const loaders: Record<string, () => Promise<PageModule>> = {
  verify: () => import("./pages/Verify.js"),
  explore: () => import("./pages/Explore.js"),
  entry: () => import("./pages/Explore.js"),
  leaf: () => import("./pages/Explore.js"),
  cvm: () => import("./pages/Explore.js"),
  receipts: () => import("./pages/Receipts.js"),
  members: () => import("./pages/Members.js"),
};
const titles: Record<string, string> = { verify: "Verify", explore: "Explore", entry: "Explore", leaf: "Explore", cvm: "Explore", receipts: "Receipts", members: "Members" };
const NAV: [string, string][] = [
  ["verify", "Verify"],
  ["explore", "Explore"],
  ["receipts", "Receipts"],
  ["members", "Members"],
];

function App() {
  const [route, setRoute] = useState<Route>(() => parseRoute(location.hash));
  const [mod, setMod] = useState<{ page: string; m: PageModule } | undefined>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  useEffect(() => {
    document.title = `${titles[route.page]} · Proof of Cloud`;
    loaders[route.page]!().then((m) => setMod({ page: route.page, m }), (e: Error) => setError(e.message));
  }, [route.page]);
  const section = titles[route.page]!.toLowerCase();
  const Page = mod?.m.Page;
  return (
    <>
      <header>
        <h1>Proof of Cloud</h1>
        <nav aria-label="Main">
          {NAV.map(([p, label]) => (
            <a key={p} href={`#/${p}`} aria-current={section === p ? "page" : undefined}>
              {label}
            </a>
          ))}
        </nav>
      </header>
      <main id="main">
        {error ? <p class="error" role="alert">{error}</p> : Page ? <Page route={route} /> : <p>Loading…</p>}
      </main>
    </>
  );
}

const root = document.getElementById("app")!;
// The static "Loading…" placeholder goes; Preact renders into an empty element.
root.textContent = "";
render(<App />, root);
