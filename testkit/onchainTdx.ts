/**
 * The simulator's TDX world for onchain tests. The simulator's certificates below the root carry
 * Intel's role common names by default (roleNames "intel", see docs/simulator.md), which the
 * onchain CollateralStore and the SDK's Intel verifier require, so this is the simulator's
 * environment as is; the name stays because other tests and scripts import it.
 */
import {
  createSimulatedTdxEnvironment,
  type IssuePckCertificateParameters,
  type SimulatedTdxEnvironment,
} from "../sdk/src/simulate/index.js";

/** createSimulatedTdxEnvironment's world (Intel role CNs, simulator root and Organization). */
export function createOnchainTdxEnvironment(p: { seed: string; issuedAt?: Date; platform?: IssuePckCertificateParameters }): SimulatedTdxEnvironment {
  return createSimulatedTdxEnvironment({ seed: p.seed, issuedAt: p.issuedAt, platform: p.platform, roleNames: "intel" });
}
