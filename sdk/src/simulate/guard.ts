/**
 * Refuses simulator trust anchors outside local chains. Deploy code calls
 * assertNotProductionParameters before pinning a root on a chain: a simulator root (every
 * simulator certificate carries SIMULATOR_ORGANIZATION in its subject) is accepted only on the
 * local chain IDs 31337 (Hardhat) and 1337 (Ganache / geth dev).
 */
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate, type Name } from "@peculiar/asn1-x509";
import { PocError } from "../errors.js";
import { toBytes } from "../bytes.js";
import { pemCertificateBlocks } from "../pki/pem.js";
import { SIMULATOR_ORGANIZATION } from "./pki.js";

export const LOCAL_CHAIN_IDS: readonly number[] = [31337, 1337];
const ID_AT_ORGANIZATION = "2.5.4.10";

export class SimulatorParametersError extends PocError {
  override name = "SimulatorParametersError";
  readonly chainId: number;
  constructor(chainId: number, what: string) {
    super(`refusing simulator trust anchor on chain ${chainId}`, {
      details: `${what} is a Proof of Cloud simulator certificate; simulator roots are allowed only on chain IDs ${LOCAL_CHAIN_IDS.join(", ")}`,
    });
    this.chainId = chainId;
  }
}

export function isLocalChainId(chainId: number | bigint): boolean {
  return LOCAL_CHAIN_IDS.includes(Number(chainId));
}

function pemOrDer(cert: Uint8Array | string): Uint8Array {
  if (cert instanceof Uint8Array) return cert;
  const block = pemCertificateBlocks(cert, "certificate")[0];
  return block ? block.der : toBytes(cert, "certificate");
}

const hasMarker = (name: Name) => name.some((rdn) => rdn.some((atv) => atv.type === ID_AT_ORGANIZATION && atv.value.toString() === SIMULATOR_ORGANIZATION));

/** True when the certificate (DER, PEM or hex) names itself a simulator certificate. */
export function isSimulatorCertificate(cert: Uint8Array | string): boolean {
  const c = AsnConvert.parse(pemOrDer(cert), Certificate);
  return hasMarker(c.tbsCertificate.subject) || hasMarker(c.tbsCertificate.issuer);
}

export type AssertNotProductionParametersParameters = {
  chainId: number | bigint;
  /** Every trust anchor about to be pinned (Intel root, AK CA roots, ...): DER, PEM or hex. */
  roots: (Uint8Array | string)[];
};

/** Throws SimulatorParametersError when a simulator root would be pinned on a non-local chain. */
export function assertNotProductionParameters(p: AssertNotProductionParametersParameters): void {
  if (isLocalChainId(p.chainId)) return;
  p.roots.forEach((root, i) => {
    if (isSimulatorCertificate(root)) throw new SimulatorParametersError(Number(p.chainId), `roots[${i}]`);
  });
}
