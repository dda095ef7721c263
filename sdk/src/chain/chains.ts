/**
 * Chains Proof of Cloud deploys to that viem does not ship. Sepolia comes from `viem/chains`.
 */
import { defineChain, type Chain } from "viem";

/** Automata testnet: an OP-stack L2 with the P-256 precompile at 0x100 (chain ID 1398243). */
// Annotated: the inferred type names a viem-internal module, which a published .d.ts cannot.
export const automataTestnet: Chain = defineChain({
  id: 1398243,
  name: "Automata Testnet",
  nativeCurrency: { name: "Automata", symbol: "ATA", decimals: 18 },
  rpcUrls: { default: { http: ["https://1rpc.io/ata/testnet"] } },
  blockExplorers: {
    default: { name: "Automata Testnet Explorer", url: "https://explorer-testnet.ata.network", apiUrl: "https://explorer-testnet.ata.network/api" },
  },
  testnet: true,
});
