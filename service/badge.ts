/**
 * GET /badge/:chainId/:cvmRegistry/:identity.svg: a shields-style SVG badge of a CVM's live status
 * (checkCvm on the service's chain), to embed in a README or a status page. Drawn here, text only
 * (no fonts fetched, nothing from the request echoed into the SVG beyond the verdict words).
 */
import { getAddress, isAddress, type Address } from "viem";
import { readCheckCvm, readCvm } from "../sdk/src/chain/cvmRegistry.js";
import type { AnyClient } from "../sdk/src/chain/write.js";
import { BadRequestError, NotFoundError } from "./errors.js";

const COLORS = { valid: "#2e7d32", invalid: "#c62828", revoked: "#6d6d6d", unknown: "#6d6d6d" } as const;

/** Width of text in Verdana 11px, approximated per character (as shields.io does without a font). */
const textWidth = (s: string) => Math.round(s.length * 6.6 + 10);

export function renderBadge(label: string, message: string, color: string): string {
  const lw = textWidth(label);
  const mw = textWidth(message);
  const w = lw + mw;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${label}: ${message}"><title>${label}: ${message}</title><linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient><clipPath id="r"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath><g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${mw}" height="20" fill="${color}"/><rect width="${w}" height="20" fill="url(#s)"/></g><g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11"><text x="${lw / 2}" y="14">${label}</text><text x="${lw + mw / 2}" y="14">${message}</text></g></svg>`;
}

export function createCvmBadge(client: AnyClient, chainId: number) {
  return async (path: string): Promise<string> => {
    const m = /^\/badge\/(\d+)\/(0x[0-9a-fA-F]{40})\/(0x[0-9a-fA-F]{40})\.svg$/.exec(path);
    if (!m) throw new BadRequestError("invalid_badge_path", "badge path is /badge/<chainId>/<cvmRegistry>/<identity>.svg", { field: "path", expected: "/badge/<chainId>/<0x address>/<0x address>.svg" });
    if (Number(m[1]) !== chainId) throw new NotFoundError("unknown_chain", `this service reads chain ${chainId}, not ${m[1]}`);
    const [registry, identity] = [m[2]!, m[3]!].map((a) => (isAddress(a) ? getAddress(a) : a)) as [Address, Address];
    const [cvm, check] = await Promise.all([readCvm(client, { registry, identity }), readCheckCvm(client, { registry, identity })]);
    const word = cvm.statusName === "none" ? "unknown" : check.valid ? "valid" : cvm.statusName === "revoked" ? "revoked" : "invalid";
    const message = word === "valid" ? `valid · level ${check.hardwareLevel}` : word;
    return renderBadge("proof of cloud", message, COLORS[word]);
  };
}
