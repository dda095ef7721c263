/**
 * The indexer on its embedded default: Ponder with PGlite in a temp directory (no server).
 * The scenario is shared with the PostgreSQL suite: test/system/indexer/scenario.ts.
 */
import { describe } from "vitest";
import { indexerScenario } from "./scenario.js";

describe("indexer on PGlite (the embedded default)", () => {
  indexerScenario({ port: 18730 });
});
