/** TCB evaluation rules, one describe per rule of Intel's QVL, on the real TCB infos with edits. */
import { describe, expect, it } from "vitest";
import { VerificationError } from "../../../sdk/src/errors.js";
import { parsePckExtensions, parseQuote, parseTcbInfo } from "../../../sdk/src/intel/index.js";
import { checkTdPolicy, isDebugEnclave } from "../../../sdk/src/intel/policy.js";
import type { TdReportBody } from "../../../sdk/src/intel/quote.js";
import { convergeStatus, evaluateTcb, TcbEvaluationError, type StatusWithAdvisories } from "../../../sdk/src/intel/tcb.js";
import { sgxV3, tdxV4, tdxV5NoMatch } from "./fixtures.js";

const upToDateQe: StatusWithAdvisories = { status: "UpToDate", advisoryIds: [] };

function setup(f: typeof tdxV4) {
  const quote = parseQuote(f.quote);
  const ext = parsePckExtensions(quote.pckChain[0]!);
  const tcbInfo = parseTcbInfo(JSON.parse(JSON.parse(f.collateral!).tcb_info));
  const platform = { cpuSvnComponents: ext.cpuSvnComponents, pceSvn: ext.pceSvn, fmspc: ext.fmspc, pceId: ext.pceId };
  return { quote, tcbInfo, platform };
}

const clone = <T>(x: T): T => structuredClone(x);

describe("status convergence (QVL convergeTcbStatusWithQeTcbStatus / ...WithTdxModuleStatus)", () => {
  it("an OutOfDate QE or module makes UpToDate and SWHardeningNeeded OutOfDate", () => {
    expect(convergeStatus("UpToDate", "OutOfDate")).toBe("OutOfDate");
    expect(convergeStatus("SWHardeningNeeded", "OutOfDate")).toBe("OutOfDate");
  });
  it("and the configuration statuses OutOfDateConfigurationNeeded", () => {
    expect(convergeStatus("ConfigurationNeeded", "OutOfDate")).toBe("OutOfDateConfigurationNeeded");
    expect(convergeStatus("ConfigurationAndSWHardeningNeeded", "OutOfDate")).toBe("OutOfDateConfigurationNeeded");
  });
  it("Revoked anywhere is Revoked; an UpToDate QE leaves the platform status", () => {
    expect(convergeStatus("UpToDate", "Revoked")).toBe("Revoked");
    expect(convergeStatus("OutOfDate", "UpToDate")).toBe("OutOfDate");
  });
});

describe("SGX: the first level whose 16 components and PCESVN are all <= the PCK certificate's", () => {
  const { quote, tcbInfo, platform } = setup(sgxV3);
  it("matches the fixture's level with its advisories", () => {
    const r = evaluateTcb(tcbInfo, platform, quote.body, 3, upToDateQe);
    expect(r.status).toBe("ConfigurationAndSWHardeningNeeded");
    expect(r.advisoryIds).toEqual(["INTEL-SA-00289", "INTEL-SA-00615"]);
  });
  it("a lower CPUSVN component falls through to an older level (10,10,...: OutOfDateConfigurationNeeded)", () => {
    const cpu = platform.cpuSvnComponents.slice();
    cpu[0] = 10;
    cpu[1] = 10;
    const r = evaluateTcb(tcbInfo, { ...platform, cpuSvnComponents: cpu }, quote.body, 3, upToDateQe);
    expect(r.status).toBe("OutOfDateConfigurationNeeded");
    expect(r.advisoryIds).toContain("INTEL-SA-00828");
  });
  it("PCESVN below every level is no match: TcbEvaluationError tcb.noMatch", () => {
    expect(() => evaluateTcb(tcbInfo, { ...platform, pceSvn: 4 }, quote.body, 3, upToDateQe)).toThrow(
      expect.objectContaining({ check: "tcb.noMatch" }),
    );
  });
  it("an OutOfDate QE converges the platform status and adds its advisories", () => {
    const qe = { status: "OutOfDate" as const, advisoryIds: ["INTEL-SA-00615", "INTEL-SA-00999"] };
    const r = evaluateTcb(tcbInfo, platform, quote.body, 3, qe);
    expect(r.status).toBe("OutOfDateConfigurationNeeded");
    expect(r.advisoryIds).toEqual(["INTEL-SA-00289", "INTEL-SA-00615", "INTEL-SA-00999"]);
  });
  it("a Revoked level is rejected", () => {
    const t = clone(tcbInfo);
    t.tcbLevels[1]!.tcbStatus = "Revoked";
    expect(() => evaluateTcb(t, platform, quote.body, 3, upToDateQe)).toThrow(expect.objectContaining({ check: "tcb.revoked" }));
  });
});

describe("the TCB info must be for this platform and TEE", () => {
  const { quote, tcbInfo, platform } = setup(tdxV4);
  it("FMSPC and PCE ID must equal the PCK certificate's", () => {
    expect(() => evaluateTcb({ ...tcbInfo, fmspc: new Uint8Array(6) }, platform, quote.body, 4, upToDateQe)).toThrow(
      expect.objectContaining({ check: "tcbInfo.fmspc" }),
    );
    expect(() => evaluateTcb({ ...tcbInfo, pceId: Uint8Array.of(1, 0) }, platform, quote.body, 4, upToDateQe)).toThrow(
      expect.objectContaining({ check: "tcbInfo.pceId" }),
    );
  });
  it("a TDX quote needs a TDX TCB info, an SGX quote an SGX one", () => {
    expect(() => evaluateTcb({ ...tcbInfo, id: "SGX" }, platform, quote.body, 4, upToDateQe)).toThrow(
      expect.objectContaining({ check: "tcbInfo.teeType" }),
    );
    const sgx = setup(sgxV3);
    expect(() => evaluateTcb({ ...sgx.tcbInfo, id: "TDX" }, sgx.platform, sgx.quote.body, 3, upToDateQe)).toThrow(
      expect.objectContaining({ check: "tcbInfo.teeType" }),
    );
  });
});

describe("TDX: TEE_TCB_SVN against tdxtcbcomponents, and the TDX module identity", () => {
  const { quote, tcbInfo, platform } = setup(tdxV4);
  const body = quote.body as TdReportBody;
  const withSvn = (svn: number[]): TdReportBody => {
    const t = new Uint8Array(16);
    t.set(svn);
    return { ...body, teeTcbSvn: t };
  };
  it("the fixture: module TDX_01 at SVN 6 is UpToDate", () => {
    const r = evaluateTcb(tcbInfo, platform, body, 4, upToDateQe);
    expect(r).toMatchObject({ status: "UpToDate", tdxModuleStatus: "UpToDate" });
  });
  it("with module version > 0, components 0 and 1 are not compared (index 2 on)", () => {
    // Level 0 asks 5,0,2: SVN 3 for component 0 would fail a plain comparison.
    const r = evaluateTcb(tcbInfo, platform, withSvn([4, 1, 2]), 4, upToDateQe);
    expect(r.status).toBe("UpToDate");
  });
  it("a module SVN below TDX_01's UpToDate level gives the module's OutOfDate status", () => {
    const r = evaluateTcb(tcbInfo, platform, withSvn([3, 1, 2]), 4, upToDateQe);
    expect(r).toMatchObject({ status: "OutOfDate", tdxModuleStatus: "OutOfDate" });
  });
  it("a module SVN below every TDX_01 level is rejected", () => {
    expect(() => evaluateTcb(tcbInfo, platform, withSvn([1, 1, 2]), 4, upToDateQe)).toThrow(expect.objectContaining({ check: "tdxModule.isvSvn" }));
  });
  it("a module version without an identity in the TCB info is rejected", () => {
    expect(() => evaluateTcb(tcbInfo, platform, withSvn([6, 2, 3]), 4, upToDateQe)).toThrow(expect.objectContaining({ check: "tdxModule.identity" }));
  });
  it("module version 0 compares all 16 components (TDX late microcode component 2 below 2: no match)", () => {
    expect(() => evaluateTcb(tcbInfo, platform, withSvn([6, 0, 1]), 4, upToDateQe)).toThrow(TcbEvaluationError);
    expect(evaluateTcb(tcbInfo, platform, withSvn([6, 0, 2]), 4, upToDateQe).status).toBe("UpToDate");
  });
  it("MRSIGNERSEAM must be the module signer and SEAMATTRIBUTES zero", () => {
    expect(() => evaluateTcb(tcbInfo, platform, { ...body, mrSignerSeam: new Uint8Array(48).fill(1) }, 4, upToDateQe)).toThrow(
      expect.objectContaining({ check: "tdxModule.mrSigner" }),
    );
    const attrs = new Uint8Array(8);
    attrs[0] = 1;
    expect(() => evaluateTcb(tcbInfo, platform, { ...body, seamAttributes: attrs }, 4, upToDateQe)).toThrow(
      expect.objectContaining({ check: "tdxModule.attributes" }),
    );
  });
  it("the v5 fixture (TD 1.5) matches no level: its CPUSVN component 8 is 3, every level asks 5", () => {
    const v5 = setup(tdxV5NoMatch);
    expect(v5.platform.cpuSvnComponents[7]).toBe(3);
    expect(() => evaluateTcb(v5.tcbInfo, v5.platform, v5.quote.body, 5, upToDateQe)).toThrow(expect.objectContaining({ check: "tcb.noMatch" }));
  });
});

describe("policy: debug refused, TD attribute rules", () => {
  const td = parseQuote(tdxV4.quote).body as TdReportBody;
  const withAttr = (byte: number, value: number): TdReportBody => {
    const a = td.tdAttributes.slice();
    a[byte] = value;
    return { ...td, tdAttributes: a };
  };
  it("the fixture TD passes", () => expect(() => checkTdPolicy(td)).not.toThrow());
  it("a debuggable TD (TUD) is refused", () => expect(() => checkTdPolicy(withAttr(0, 1))).toThrow(expect.objectContaining({ check: "td.debug" })));
  it("reserved TDATTRIBUTES bits are refused", () => {
    expect(() => checkTdPolicy(withAttr(1, 1))).toThrow(expect.objectContaining({ check: "td.attributes" }));
    expect(() => checkTdPolicy(withAttr(3, 0x30))).toThrow(expect.objectContaining({ check: "td.attributes" }));
    expect(() => checkTdPolicy(withAttr(7, 0x01))).toThrow(expect.objectContaining({ check: "td.attributes" }));
  });
  it("PKS, KL and PERFMON are allowed", () => {
    expect(() => checkTdPolicy(withAttr(3, 0x10 | 0x40 | 0x80))).not.toThrow();
    expect(() => checkTdPolicy(withAttr(7, 0x80))).not.toThrow();
  });
  it("SEPT_VE_DISABLE must be set", () => expect(() => checkTdPolicy(withAttr(3, 0))).toThrow(expect.objectContaining({ check: "td.septVeDisable" })));
  it("a TD 1.5 report with a service TD bound is refused", () => {
    expect(() => checkTdPolicy({ ...td, kind: "td15", mrServiceTd: new Uint8Array(48).fill(2) })).toThrow(VerificationError);
  });
  it("an SGX enclave with the DEBUG attribute is a debug enclave", () => {
    const body = parseQuote(sgxV3.quote).body;
    if (body.kind !== "sgx") throw new Error("expected SGX");
    expect(isDebugEnclave(body)).toBe(false);
    const attributes = body.attributes.slice();
    attributes[0] |= 2;
    expect(isDebugEnclave({ ...body, attributes })).toBe(true);
  });
});
