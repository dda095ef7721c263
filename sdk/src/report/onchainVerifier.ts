/**
 * The report's IntelQuoteVerifier over a deployed DcapQuoteVerifier (contracts/verifier/dcap): the
 * quote is judged by the contract (eth_call for the verdict, then a transaction when a wallet is
 * given, else a gas estimate), and a revert becomes a VerificationError naming the custom error.
 * Browser-safe; deploying a verifier on an embedded chain is the CLI's business.
 */
import type { Account, Address, Chain, PublicClient, Transport, WalletClient } from "viem";
import { decodeContractRevert } from "../chain/revert.js";
import { decodeReportBody, encodeVerifyQuote, simulateVerifyQuote, writeVerifyQuote, type OnchainVerifiedQuote } from "../chain/quoteVerifier.js";
import { VerificationError } from "../errors.js";
import { parseQuote } from "../intel/index.js";
import { bareHex, registerFields } from "./intelVerifier.js";
import type { IntelQuoteVerdict, IntelQuoteVerifier } from "./inject.js";
import type { OnchainVerification } from "./model.js";

export type CreateOnchainIntelQuoteVerifierParameters = {
  publicClient: PublicClient;
  /** The DcapQuoteVerifier. */
  verifier: Address;
  /** Sends `verifyQuote` as a transaction (gas used, platform cached); without it: eth_call + estimate. */
  walletClient?: WalletClient<Transport, Chain | undefined, Account>;
  mode?: OnchainVerification["mode"] | undefined;
  /** Called with the verdict as the contract returned it (e.g. to compare with the SDK's). */
  onResult?: (result: OnchainVerifiedQuote, info: OnchainVerification) => void;
};

/** The custom error a DcapQuoteVerifier call reverted with, if any (see chain/revert.ts). */
export function dcapRevertName(err: unknown): string | undefined {
  const name = decodeContractRevert(err)?.errorName;
  return name && !name.startsWith("undecoded ") ? name : undefined;
}

/** The report's verdict from the contract's `VerifiedQuote`. */
export function verdictFromOnchain(r: OnchainVerifiedQuote): IntelQuoteVerdict {
  const teeType = r.teeType === 0x81 ? "TDX" : "SGX";
  const { reportData: _rd, ...registers } = decodeReportBody(r.bodyType, r.reportBody);
  return {
    teeType,
    scope: "full",
    tcbStatus: r.tcbStatus,
    advisoryIds: r.advisoryIds,
    ppid: bareHex(r.ppid),
    fmspc: bareHex(r.fmspc),
    reportData: bareHex(r.reportData),
    quoteVersion: r.quoteVersion,
    validUntil: Number(r.collateralExpiry),
    ...registerFields(teeType, registers),
  };
}

export function createOnchainIntelQuoteVerifier(parameters: CreateOnchainIntelQuoteVerifierParameters): IntelQuoteVerifier {
  const { publicClient, verifier, walletClient } = parameters;
  return async ({ quote }) => {
    parseQuote(quote); // malformed input is a ParseError (exit 2), not an onchain verdict
    let result: OnchainVerifiedQuote;
    try {
      result = await simulateVerifyQuote(publicClient, { address: verifier, quote, ...(walletClient ? { account: walletClient.account } : {}) });
    } catch (err) {
      const name = dcapRevertName(err);
      if (name) throw new VerificationError(`onchain.${name}`, `the onchain verifier reverted with ${name}`);
      throw err;
    }
    const info: OnchainVerification = { chainId: await publicClient.getChainId(), verifier, mode: parameters.mode ?? (walletClient ? "embedded" : "rpc") };
    if (walletClient) {
      const hash = await writeVerifyQuote(walletClient, { address: verifier, quote });
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new VerificationError("onchain.transaction", `verifyQuote transaction ${hash} reverted after a successful simulation`);
      const block = await publicClient.getBlock({ blockHash: receipt.blockHash });
      Object.assign(info, { gasUsed: receipt.gasUsed.toString(), transactionHash: hash, blockTimestamp: Number(block.timestamp) });
    } else {
      const gas = await publicClient.estimateGas({ to: verifier, data: encodeVerifyQuote(quote) });
      info.gasUsed = gas.toString();
    }
    parameters.onResult?.(result, info);
    return { ...verdictFromOnchain(result), onchain: info };
  };
}
