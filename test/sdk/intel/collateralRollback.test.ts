/**
 * The SDK keeps collateral between calls in two places, and neither may go back to an older TCB
 * evaluation: the PCS/PCCS client's cache (a refetch that returns an older evaluation is refused)
 * and the verifier cache behind verifyQuote (collateral of an older evaluation than one it already
 * verified is refused). Both evaluations are simulated: same platform, same signing key.
 */
import { describe, expect, it } from "vitest";
import { CollateralRollbackError, createCollateralClient, verifyQuote } from "../../../sdk/src/intel/index.js";
import { VerificationError } from "../../../sdk/src/errors.js";
import type { QuoteCollateralV3 } from "../../../sdk/src/simulate/index.js";
import { createRollbackWorld, dayAt, type EvaluationParameters, type RollbackWorld } from "./rollbackCollateral.js";

/** A PCS stand-in behind the client's `fetch` option, serving whatever collateral is current. */
function pcs(world: RollbackWorld) {
  let served: QuoteCollateralV3 = world.collateral({ evaluation: 18, issuedDay: 0 });
  const fetch = async (input: string | URL | Request): Promise<Response> => {
    const url = new URL(String(input));
    const c = served;
    if (url.pathname.endsWith("/pckcrl")) {
      return new Response(Buffer.from(c.pck_crl, "hex"), { headers: { "SGX-PCK-CRL-Issuer-Chain": encodeURIComponent(c.pck_crl_issuer_chain) } });
    }
    if (url.pathname.endsWith("/rootcacrl")) return new Response(c.root_ca_crl);
    if (url.pathname.endsWith("/tcb")) {
      return new Response(`{"tcbInfo":${c.tcb_info},"signature":"${c.tcb_info_signature}"}`, {
        headers: { "TCB-Info-Issuer-Chain": encodeURIComponent(c.tcb_info_issuer_chain) },
      });
    }
    if (url.pathname.endsWith("/qe/identity")) {
      return new Response(`{"enclaveIdentity":${c.qe_identity},"signature":"${c.qe_identity_signature}"}`, {
        headers: { "SGX-Enclave-Identity-Issuer-Chain": encodeURIComponent(c.qe_identity_issuer_chain) },
      });
    }
    return new Response("not found", { status: 404 });
  };
  let now = dayAt(1);
  const client = createCollateralClient({ baseUrl: "https://pcs.invalid", fetch: fetch as typeof globalThis.fetch, ttlSeconds: 60, now: () => now });
  const fmspc = Buffer.from(world.env.pck.sgx.fmspc).toString("hex");
  return {
    client,
    /** Serves `tcb` / `qe` from now on and lets the client's cache entry expire. */
    serve(tcb: EvaluationParameters, qe: EvaluationParameters = tcb) {
      const t = world.collateral(tcb);
      const q = world.collateral(qe);
      served = { ...t, qe_identity: q.qe_identity, qe_identity_signature: q.qe_identity_signature };
      now += 61;
    },
    get: () => client.getCollateral({ fmspc, teeType: "TDX", ca: "platform" }),
  };
}

async function refusal(p: Promise<unknown>): Promise<CollateralRollbackError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, "the call was not refused").toBeDefined();
  expect((e as Error).name).toBe("CollateralRollbackError");
  expect(e).toBeInstanceOf(VerificationError);
  expect(e).toBeInstanceOf(CollateralRollbackError);
  return e as CollateralRollbackError;
}

describe("collateral client cache: no rollback to an older TCB evaluation", () => {
  it("refuses a refetched TCB info of evaluation N-1 after N, even issued later, and keeps refusing", async () => {
    const s = pcs(createRollbackWorld("client rollback tcb"));
    expect(JSON.parse((await s.get()).tcb_info).tcbEvaluationDataNumber).toBe(18);
    s.serve({ evaluation: 17, issuedDay: 5, platformStatus: "UpToDate" });
    const e = await refusal(s.get());
    expect(e).toMatchObject({ check: "tcbInfo.rollback", kind: "tcbInfo", storedEvaluationNumber: 18, offeredEvaluationNumber: 17 });
    // A refused fetch is not cached, and the next one is judged against N again.
    expect((await refusal(s.get())).check).toBe("tcbInfo.rollback");
  });

  it("refuses a QE identity of an older evaluation the same way", async () => {
    const s = pcs(createRollbackWorld("client rollback qe"));
    await s.get();
    s.serve({ evaluation: 18, issuedDay: 5 }, { evaluation: 17, issuedDay: 5 });
    expect(await refusal(s.get())).toMatchObject({ check: "qeIdentity.rollback", kind: "qeIdentity", storedEvaluationNumber: 18, offeredEvaluationNumber: 17 });
  });

  it("takes a higher evaluation; within one evaluation refuses an older issueDate and takes the same or a later one", async () => {
    const s = pcs(createRollbackWorld("client forward"));
    await s.get();
    s.serve({ evaluation: 18, issuedDay: 0 });
    expect(JSON.parse((await s.get()).tcb_info).issueDate).toBe("2026-11-01T00:00:00Z");
    s.serve({ evaluation: 18, issuedDay: -1 });
    expect(await refusal(s.get())).toMatchObject({ check: "tcbInfo.notNewer", storedEvaluationNumber: 18, offeredEvaluationNumber: 18 });
    s.serve({ evaluation: 18, issuedDay: 2 });
    await s.get();
    s.serve({ evaluation: 19, issuedDay: 1 });
    expect(JSON.parse((await s.get()).tcb_info).tcbEvaluationDataNumber).toBe(19);
    s.serve({ evaluation: 18, issuedDay: 9 });
    expect(await refusal(s.get())).toMatchObject({ check: "tcbInfo.rollback", storedEvaluationNumber: 19, offeredEvaluationNumber: 18 });
  });
});

describe("verifier cache: no rollback to an older TCB evaluation", () => {
  it("after evaluation N (OutOfDate), collateral of N-1 (UpToDate, issued later) is refused, even though it was verified and cached before", async () => {
    const w = createRollbackWorld("verifier rollback tcb");
    const base = { quote: w.quote, now: dayAt(6), rootCaDer: w.env.pki.root.der };
    const older = w.collateral({ evaluation: 17, issuedDay: 5, platformStatus: "UpToDate" });
    const newer = w.collateral({ evaluation: 18, issuedDay: 0, platformStatus: "OutOfDate" });
    expect((await verifyQuote({ ...base, collateral: older })).status).toBe("UpToDate");
    expect((await verifyQuote({ ...base, collateral: newer })).status).toBe("OutOfDate");
    const e = await refusal(verifyQuote({ ...base, collateral: older }));
    expect(e).toMatchObject({ check: "tcbInfo.rollback", kind: "tcbInfo", storedEvaluationNumber: 18, offeredEvaluationNumber: 17 });
    expect((await refusal(verifyQuote({ ...base, collateral: JSON.stringify(older) }))).check).toBe("tcbInfo.rollback");
    // Without a cache nothing is remembered between calls, so nothing can be compared.
    expect((await verifyQuote({ ...base, cache: false, collateral: older })).status).toBe("UpToDate");
  });

  it("refuses a QE identity of an older evaluation; takes a higher one, and any issue of the current one", async () => {
    const w = createRollbackWorld("verifier rollback qe");
    const base = { quote: w.quote, now: dayAt(6), rootCaDer: w.env.pki.root.der };
    const tcb19 = w.collateral({ evaluation: 19, issuedDay: 4 });
    await verifyQuote({ ...base, collateral: w.collateral({ evaluation: 18, issuedDay: 0 }) });
    const qe17 = w.collateral({ evaluation: 17, issuedDay: 5 });
    const mixed = { ...tcb19, qe_identity: qe17.qe_identity, qe_identity_signature: qe17.qe_identity_signature };
    expect(await refusal(verifyQuote({ ...base, collateral: mixed }))).toMatchObject({ check: "qeIdentity.rollback", storedEvaluationNumber: 18, offeredEvaluationNumber: 17 });
    expect((await verifyQuote({ ...base, collateral: tcb19 })).verdict).toBe("pass");
    // Collateral is supplied per call, and every issue of an evaluation stays valid until its own
    // nextUpdate: an earlier issue of the current evaluation is not a rollback here.
    expect((await verifyQuote({ ...base, collateral: w.collateral({ evaluation: 19, issuedDay: 3 }) })).verdict).toBe("pass");
    expect(await refusal(verifyQuote({ ...base, collateral: w.collateral({ evaluation: 18, issuedDay: 5 }) }))).toMatchObject({ check: "tcbInfo.rollback" });
  });

  it("verifying at a time before the newer evaluation was issued still takes the older one (it was Intel's latest then)", async () => {
    const w = createRollbackWorld("verifier past time");
    const base = { quote: w.quote, rootCaDer: w.env.pki.root.der };
    await verifyQuote({ ...base, now: dayAt(6), collateral: w.collateral({ evaluation: 18, issuedDay: 5 }) });
    const older = w.collateral({ evaluation: 17, issuedDay: 1 });
    expect((await verifyQuote({ ...base, now: dayAt(4), collateral: older })).verdict).toBe("pass");
    expect(await refusal(verifyQuote({ ...base, now: dayAt(5), collateral: older }))).toMatchObject({ check: "tcbInfo.rollback", storedIssueDate: dayAt(5) });
  });
});
