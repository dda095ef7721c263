/** The CVM world the end-to-end tests run in; it lives in scripts/demo so the CVM bench shares it. */
export * from "../../scripts/demo/cvmWorld.js";
export type { Wallet } from "../contracts/fixture.js";
