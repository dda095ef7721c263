import { createRequire } from "node:module";
import hardhatToolboxViem from "@nomicfoundation/hardhat-toolbox-viem";
import { configVariable, defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);

// Hardhat cannot download compilers on these machines: use the WASM build the `solc` npm package
// ships. Its version must equal SOLC_VERSION (package.json pins it exactly).
const SOLC_VERSION = "0.8.34";
const solcPackageVersion: string = require("solc/package.json").version;
if (solcPackageVersion !== SOLC_VERSION) {
  throw new Error(`solc npm package is ${solcPackageVersion}, hardhat.config.ts expects ${SOLC_VERSION}`);
}

export default defineConfig({
  plugins: [hardhatToolboxViem],
  solidity: {
    version: SOLC_VERSION,
    path: require.resolve("solc/soljson.js"),
    settings: {
      evmVersion: "osaka",
      viaIR: false,
      optimizer: { enabled: true, runs: 200 },
      // Storage layouts land in the build info: a test checks the CvmRegistry's hand-decoded slots against them.
      outputSelection: { "*": { "*": ["storageLayout"] } },
    },
  },
  paths: {
    sources: "./contracts",
  },
  networks: {
    // The embedded chain every test, the demo and the bench run on. Osaka carries the P-256
    // precompile (EIP-7951) at 0x100, as Sepolia and the Automata testnet do.
    default: {
      type: "edr-simulated",
      chainType: "l1",
      hardfork: "osaka",
      allowUnlimitedContractSize: false,
    },
    // `npx hardhat node` serves this network; pinned to osaka so the P-256 precompile is there too.
    node: {
      type: "edr-simulated",
      chainType: "l1",
      hardfork: "osaka",
      allowUnlimitedContractSize: false,
    },
    // A `hardhat node` (or any dev node) over JSON-RPC; its unlocked accounts sign. Loopback only.
    localhost: {
      type: "http",
      chainType: "l1",
      url: process.env.LOCALHOST_RPC_URL ?? "http://127.0.0.1:8545",
    },
    // RPC URLs and keys come from the encrypted keystore (`npx hardhat keystore set SEPOLIA_RPC_URL`)
    // or environment variables of the same names; never from a committed file. See docs/deploy.md.
    sepolia: {
      type: "http",
      chainType: "l1",
      chainId: 11155111,
      url: configVariable("SEPOLIA_RPC_URL"),
      accounts: [configVariable("SEPOLIA_PRIVATE_KEY")],
    },
    automataTestnet: {
      type: "http",
      chainType: "op",
      chainId: 1398243,
      url: configVariable("AUTOMATA_TESTNET_RPC_URL"),
      accounts: [configVariable("AUTOMATA_TESTNET_PRIVATE_KEY")],
    },
  },
  // Contract verification (`npx hardhat ignition verify <deploymentId> --network <name>`): Etherscan
  // for Sepolia, the Automata testnet's Blockscout explorer through the chain descriptor below.
  verify: {
    etherscan: { apiKey: configVariable("ETHERSCAN_API_KEY") },
    blockscout: { enabled: true },
  },
  chainDescriptors: {
    1398243: {
      name: "Automata Testnet",
      chainType: "op",
      blockExplorers: {
        blockscout: {
          name: "Automata Testnet Explorer",
          url: "https://explorer-testnet.ata.network",
          apiUrl: "https://explorer-testnet.ata.network/api",
        },
      },
    },
  },
});
