/** The Intel fixtures (test/fixtures/PROVENANCE.md) with their expected results. */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const FIXTURES = join(import.meta.dirname, "../../fixtures/intel");

export type IntelFixture = {
  name: string;
  quote: Uint8Array;
  collateral?: string;
  at: number;
  ppid: string;
  fmspc: string;
  expected: { status: string; advisoryIds: string[] } | { rejected: string };
};

const read = (name: string, file: string) => new Uint8Array(readFileSync(join(FIXTURES, name, file)));
const text = (name: string, file: string) => readFileSync(join(FIXTURES, name, file), "utf8");

export const sgxV3: IntelFixture = {
  name: "sgx-v3",
  quote: read("sgx-v3", "quote.bin"),
  collateral: text("sgx-v3", "collateral.json"),
  at: 1751626571,
  ppid: "d04ec06d4e6d92dc90d0ad3cf5ee2ddf",
  fmspc: "00a067110000",
  expected: { status: "ConfigurationAndSWHardeningNeeded", advisoryIds: ["INTEL-SA-00289", "INTEL-SA-00615"] },
};

export const tdxV4: IntelFixture = {
  name: "tdx-v4",
  quote: read("tdx-v4", "quote.bin"),
  collateral: text("tdx-v4", "collateral.json"),
  at: 1751624163,
  ppid: "811dca2a26b952e85bb6448b097ba4fd",
  fmspc: "b0c06f000000",
  expected: { status: "UpToDate", advisoryIds: [] },
};

export const tdxV5NoMatch: IntelFixture = {
  name: "tdx-v5-no-tcb-match",
  quote: read("tdx-v5-no-tcb-match", "quote.bin"),
  collateral: text("tdx-v5-no-tcb-match", "collateral.json"),
  at: 1772708331,
  ppid: "66498c9263c04ed2f0657c530ac2b0cb",
  fmspc: "90c06f000000",
  expected: { rejected: "tcb.noMatch" },
};

export const teeFail = {
  name: "tdx-v4-tee-fail",
  quote: read("tdx-v4-tee-fail", "quote.bin"),
  ppid: "ea13c3903ba2db3b83fed09efb90c417",
  fmspc: "c0806f000000",
};

export const WITH_COLLATERAL = [sgxV3, tdxV4, tdxV5NoMatch];
export const ROOT_CA_FIXTURE = new Uint8Array(readFileSync(join(FIXTURES, "intel-sgx-root-ca.der")));
