/**
 * The indexer's production path: Ponder on a real PostgreSQL server the test starts itself
 * (Debian's initdb + pg_ctl on a temp directory, 127.0.0.1:18740), same scenario as the PGlite
 * suite (test/system/indexer/scenario.ts).
 */
import { afterAll, beforeAll, describe } from "vitest";
import { startPostgres, type PostgresServer } from "../../../testkit/postgres.js";
import { indexerScenario } from "../indexer/scenario.js";

let pg: PostgresServer;
beforeAll(() => {
  pg = startPostgres({ port: 18740 });
});
afterAll(() => pg?.stop());

describe("indexer on PostgreSQL", () => {
  indexerScenario({ port: 18741, databaseUrl: () => pg.url });
});
