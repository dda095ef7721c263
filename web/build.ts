/**
 * Builds the web page (web/src) into web/dist with esbuild: ESM, code-split (each page is its own
 * chunk, loaded when its route is first opened), minified, content-hashed names under assets/.
 * esbuild rather than Vite: it is already the SDK's browser-build tool here (testkit/browserBundle.ts),
 * and a static page with hash routes needs no dev server. Returns the initial JS (what index.html
 * loads before any route runs) and its gzip size, the bench's `web.initialJsGzipBytes`.
 */
import { build, type Metafile } from "esbuild";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { gzipSync } from "node:zlib";

export const WEB_DIR = import.meta.dirname;
export const DIST_DIR = join(WEB_DIR, "dist");

export type WebBuild = {
  dir: string;
  entry: string;
  initialFiles: string[];
  initialJsBytes: number;
  initialJsGzipBytes: number;
  /** The initial JS plus every chunk the Verify route (the default page) loads, gzip. */
  verifyRouteJsGzipBytes: number;
  chunks: number;
};

/** The JS files loaded before any dynamic import: the entry and its static imports, transitively. */
function initialJs(meta: Metafile, entry: string, seen = new Set<string>()): string[] {
  const visit = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const i of meta.outputs[f]?.imports ?? []) if (i.kind === "import-statement") visit(i.path);
  };
  visit(entry);
  return [...seen];
}

export async function buildWeb(outDir = DIST_DIR): Promise<WebBuild> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(outDir, "assets"), { recursive: true });
  const result = await build({
    entryPoints: [join(WEB_DIR, "src", "main.tsx")],
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    sourcemap: false,
    outdir: join(outDir, "assets"),
    entryNames: "[name]-[hash]",
    chunkNames: "chunk-[hash]",
    jsx: "automatic",
    jsxImportSource: "preact",
    metafile: true,
    logLevel: "silent",
    legalComments: "none",
  });
  const meta = result.metafile;
  const entryOut = Object.entries(meta.outputs).find(([, o]) => o.entryPoint)?.[0];
  if (!entryOut) throw new Error("esbuild produced no entry chunk");
  const initial = initialJs(meta, entryOut);
  const root = dirname(outDir);
  const sizes = (files: string[]) => {
    let raw = 0;
    let gzip = 0;
    for (const f of files) {
      const body = readFileSync(join(root, relative(root, f)));
      raw += body.length;
      gzip += gzipSync(body, { level: 9 }).length;
    }
    return { raw, gzip };
  };
  const { raw: bytes, gzip: gz } = sizes(initial);
  // The Verify page's chunk: the output whose inputs include pages/Verify.tsx, with its static imports.
  const verifyChunk = Object.entries(meta.outputs).find(([, o]) => Object.keys(o.inputs).some((i) => i.endsWith("pages/Verify.tsx")))?.[0];
  const verifyRoute = verifyChunk ? initialJs(meta, verifyChunk, new Set(initial)) : initial;
  const verifyRouteJsGzipBytes = gz + sizes(verifyRoute.filter((f) => !initial.includes(f))).gzip;
  const css = readFileSync(join(WEB_DIR, "src", "style.css"), "utf8");
  writeFileSync(join(outDir, "assets", "style.css"), css);
  const entryName = relative(join(outDir), join(root, relative(root, entryOut))).split("\\").join("/");
  const html = readFileSync(join(WEB_DIR, "index.html"), "utf8").replace("%ENTRY%", `./${entryName}`);
  writeFileSync(join(outDir, "index.html"), html);
  return { dir: outDir, entry: entryName, initialFiles: initial, initialJsBytes: bytes, initialJsGzipBytes: gz, verifyRouteJsGzipBytes, chunks: Object.keys(meta.outputs).length };
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const b = await buildWeb();
  process.stdout.write(`web: built ${b.dir} (${b.chunks} chunks; initial JS ${b.initialJsBytes} B, ${b.initialJsGzipBytes} B gzip)\n`);
}
