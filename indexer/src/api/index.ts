/**
 * The indexer's HTTP API (served by `ponder start`): GraphQL at /graphql, Ponder's SQL-over-HTTP at
 * /sql, and the plain JSON the SDK's indexer client reads (sdk/src/log/indexer.ts):
 *   GET /poc/status                  { chainId, registry, leaves, block }
 *   GET /poc/leaves?from=N&limit=M   leaves [N, N+M) in index order (limit <= 5000)
 *   GET /poc/checkpoints             recorded checkpoints, oldest first
 *   GET /poc/entries/:platformKey    one entry
 *   GET /poc/table/:name             up to 1000 rows of entries, facilities, challenges, cvms,
 *                                    leaves or checkpoints (inspection and tests)
 * Hex as lower-case 0x strings, bigints as decimal strings.
 */
import { db } from "ponder:api";
import schema from "ponder:schema";
import { Hono } from "hono";
import { and, asc, client, count, eq, gte, graphql, lt } from "ponder";

const app = new Hono();
app.use("/sql/*", client({ db, schema }));
app.use("/graphql", graphql({ db, schema }));

const json = (v: unknown) => JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x)));

app.get("/poc/status", async (c) => {
  const [row] = await db.select({ n: count() }).from(schema.leaves);
  return c.json({ chainId: Number(process.env.POC_CHAIN_ID), registry: (process.env.POC_REGISTRY ?? "").toLowerCase(), leaves: Number(row?.n ?? 0) });
});

app.get("/poc/leaves", async (c) => {
  const from = BigInt(c.req.query("from") ?? "0");
  const limit = Math.min(5000, Math.max(1, Number(c.req.query("limit") ?? "5000")));
  const rows = await db
    .select()
    .from(schema.leaves)
    .where(and(gte(schema.leaves.index, from), lt(schema.leaves.index, from + BigInt(limit))))
    .orderBy(asc(schema.leaves.index));
  return c.json(json(rows));
});

app.get("/poc/checkpoints", async (c) => {
  const rows = await db.select().from(schema.checkpoints).orderBy(asc(schema.checkpoints.size));
  return c.json(json(rows));
});

app.get("/poc/entries/:platformKey", async (c) => {
  const rows = await db.select().from(schema.entries).where(eq(schema.entries.platformKey, c.req.param("platformKey").toLowerCase() as `0x${string}`));
  return rows[0] ? c.json(json(rows[0])) : c.json({ error: "no such entry" }, 404);
});

const tables = { entries: schema.entries, facilities: schema.facilities, challenges: schema.challenges, cvms: schema.cvms, leaves: schema.leaves, checkpoints: schema.checkpoints } as const;
app.get("/poc/table/:name", async (c) => {
  const table = tables[c.req.param("name") as keyof typeof tables];
  if (!table) return c.json({ error: `no table ${c.req.param("name")}` }, 404);
  return c.json(json(await db.select().from(table).limit(1000)));
});

export default app;
