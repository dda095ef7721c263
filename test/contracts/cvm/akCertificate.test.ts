/**
 * The vTPM AK certificate chain onchain, on the real GCE attestation (test/fixtures/tpm): AK
 * certificate → Google's vTPM intermediate → pinned root, all RSA (sha256WithRSAEncryption).
 */
import { describe, it, expect, beforeAll } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { encodeFunctionData, toHex, type Hex } from "viem";
import { sha256 } from "@noble/hashes/sha2.js";
import { createSimulatedTpm } from "../../../sdk/src/simulate/index.js";
import { tpmAkCertificateVerifierAbi } from "../../../sdk/src/chain/abi/TpmAkCertificateVerifier.js";
import { connectChain, deployStack, pass, ProposalClass, type Connection } from "../fixture.js";
import { expectCvmRevert } from "../../../testkit/cvmRevert.js";
import { gceQuoteArgs, loadGceAttestation, TPM_FIXTURES } from "../../../testkit/tpmFixtures.js";

const dir = TPM_FIXTURES;
const gce = loadGceAttestation();
const akPublic: Hex = `0x${gce.ak_pub_tpmt_public}`;
const akCert: Hex = `0x${gce.ak_cert_der}`;
const intermediate = toHex(readFileSync(join(dir, "gce-tpm-ek-intermediate-2.crt")));
const root = toHex(readFileSync(join(dir, "gce-tpm-ek-root-1.cer")));
const otherRoot = toHex(readFileSync(join(dir, "gcp-ek-ak-ca-root.crt")));
const hash = (h: Hex) => toHex(sha256(Buffer.from(h.slice(2), "hex")));
const flip = (h: Hex, at: number): Hex => {
  const b = Buffer.from(h.slice(2), "hex");
  b[at] = b[at]! ^ 1;
  return `0x${b.toString("hex")}`;
};

describe("TpmAkCertificateVerifier on the real GCE AK certificate", () => {
  let c: Connection;
  let v: any;
  let stack: Awaited<ReturnType<typeof deployStack>>;
  beforeAll(async () => {
    c = await connectChain();
    stack = await deployStack(c, 3);
    v = await c.viem.deployContract("TpmAkCertificateVerifier", [stack.alliance.address, [hash(root)]]);
  });

  it("verifies AK certificate → intermediate → pinned root and returns the AK's key hash", async () => {
    expect(await v.read.verifyAkCertificate([akPublic, [akCert, intermediate, root]])).toBe(hash(akPublic));
    const gas = await c.publicClient.estimateGas({
      to: v.address,
      data: encodeFunctionData({ abi: tpmAkCertificateVerifierAbi, functionName: "verifyAkCertificate", args: [akPublic, [akCert, intermediate, root]] }),
    });
    expect(gas).toBeLessThan(1_000_000n);
  });

  it("a pinned issuing CA (Google's AK intermediate) ends the chain: its own signature is not checked, the RSA-4096 root is skipped", async () => {
    const w = await c.viem.deployContract("TpmAkCertificateVerifier", [stack.alliance.address, [hash(intermediate)]]);
    expect(await w.read.verifyAkCertificate([akPublic, [akCert, intermediate]])).toBe(hash(akPublic));
    const gas = (chain: Hex[], at = w.address) =>
      c.publicClient.estimateGas({ to: at, data: encodeFunctionData({ abi: tpmAkCertificateVerifierAbi, functionName: "verifyAkCertificate", args: [akPublic, chain] }) });
    console.log(`AK chain gas: [AK, intermediate] pinned intermediate ${await gas([akCert, intermediate])}, [AK, intermediate, root] pinned root ${await gas([akCert, intermediate, root], v.address)}`);
    // Only the pinned certificate is exempt: a tampered AK certificate is still refused, and the root is not pinned here.
    const len = (akCert.length - 2) / 2;
    await expectCvmRevert(w.read.verifyAkCertificate([akPublic, [flip(akCert, len - 5), intermediate]]), "CertificateSignatureInvalid");
    await expectCvmRevert(w.read.verifyAkCertificate([akPublic, [akCert, intermediate, root]]), "RootNotPinned");
  });

  it("the real GCE quote verifies onchain under that AK: quote + AK chain give the same key hash", async () => {
    const tpmVerifier = await c.viem.deployContract("TpmQuoteVerifier", []);
    const r = (await tpmVerifier.read.verifyQuote([...gceQuoteArgs(gce)])) as { akKeyHash: Hex };
    expect(r.akKeyHash).toBe(await v.read.verifyAkCertificate([akPublic, [akCert, intermediate, root]]));
  });

  it("refuses an unpinned root, a broken link, a bad signature, another AK", async () => {
    await expectCvmRevert(v.read.verifyAkCertificate([akPublic, [akCert, intermediate, otherRoot]]), "RootNotPinned");
    await expectCvmRevert(v.read.verifyAkCertificate([akPublic, [akCert, root]]), "IssuerMismatch");
    const len = (akCert.length - 2) / 2;
    await expectCvmRevert(v.read.verifyAkCertificate([akPublic, [flip(akCert, len - 5), intermediate, root]]), "CertificateSignatureInvalid");
    await expectCvmRevert(v.read.verifyAkCertificate([akPublic, [akCert]]), "ChainTooShort");
    const sim = await createSimulatedTpm({ seed: "not gce", akType: "rsa" });
    await expectCvmRevert(v.read.verifyAkCertificate([toHex(sim.akPublic), [akCert, intermediate, root]]), "AkKeyMismatch");
  });

  it("roots are pinned only by a security-critical Alliance proposal", async () => {
    await expectCvmRevert(v.write.setRootPinned([hash(otherRoot), true]), "NotAlliance");
    const call = { target: v.address, value: 0n, data: encodeFunctionData({ abi: tpmAkCertificateVerifierAbi, functionName: "setRootPinned", args: [hash(root), false] }) };
    await expectCvmRevert(pass(c, stack.alliance.address, [call], ProposalClass.Ordinary, stack.members.slice(0, 2), "unpin"), "ClassTooWeak");
    await pass(c, stack.alliance.address, [call], ProposalClass.SecurityCritical, stack.members.slice(0, 2), "unpin");
    await expectCvmRevert(v.read.verifyAkCertificate([akPublic, [akCert, intermediate, root]]), "RootNotPinned");
  });
});
