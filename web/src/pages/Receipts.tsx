/** Receipts: an offline log receipt verified in the browser against a pinned member list (sdk/src/log). */
import { useState } from "preact/hooks";
import { getAddress, isAddress, type Address } from "viem";
import { PocError } from "../../../sdk/src/errors.js";
import { verifyReceipt, type VerifyReceiptReturnType } from "../../../sdk/src/log/receipt.js";
import { readFileBytes } from "../files.js";

/** Addresses from a text list (one per line, commas or spaces) or a JSON array / {members: [...]}. */
export function parseMemberList(text: string): Address[] {
  const t = text.trim();
  if (!t) return [];
  let items: unknown[];
  if (t.startsWith("[") || t.startsWith("{")) {
    const j = JSON.parse(t) as unknown;
    items = Array.isArray(j) ? j : ((j as { members?: unknown[] }).members ?? []);
    items = items.map((x) => (typeof x === "object" && x !== null && "address" in x ? (x as { address: unknown }).address : x));
  } else items = t.split(/[\s,]+/);
  return items.map((x, i) => {
    if (typeof x !== "string" || !isAddress(x)) throw new PocError(`pinned member ${i + 1} is not an address: ${String(x)}`);
    return getAddress(x);
  });
}

export function Page() {
  const [receipt, setReceipt] = useState<File>();
  const [members, setMembers] = useState("");
  const [result, setResult] = useState<VerifyReceiptReturnType>();
  const [error, setError] = useState<string>();

  async function run(e: Event) {
    e.preventDefault();
    setError(undefined);
    setResult(undefined);
    try {
      if (!receipt) throw new PocError("choose a receipt file first");
      const json = JSON.parse(new TextDecoder().decode(await readFileBytes(receipt)));
      const trustedMembers = parseMemberList(members);
      setResult(await verifyReceipt(json, trustedMembers.length ? { trustedMembers } : {}));
    } catch (err) {
      setError(err instanceof PocError ? err.shortMessage : String(err));
    }
  }

  return (
    <section aria-labelledby="receipts-title">
      <h2 id="receipts-title">Verify an offline receipt</h2>
      <p>A receipt proves a registry log entry is in a checkpoint the Alliance cosigned. It is checked here with no chain: pin the member list you trust.</p>
      <form onSubmit={run}>
        <label for="receipt-file">Receipt file (JSON from poc log prove)</label>
        <input id="receipt-file" type="file" accept=".json,application/json" onChange={(e) => setReceipt((e.currentTarget as HTMLInputElement).files?.[0])} />
        <label for="pinned-members">Pinned member list (addresses, one per line, or JSON; empty: the receipt's own list)</label>
        <textarea id="pinned-members" value={members} onInput={(e) => setMembers((e.currentTarget as HTMLTextAreaElement).value)} />
        <div>
          <button type="submit">Verify receipt</button>
        </div>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {result && (
        <section aria-live="polite" aria-labelledby="receipt-result">
          <h3 id="receipt-result">
            Receipt: <span class={`status status-${result.status}`} data-testid="receipt-status">{result.status}</span> (leaf {result.index} of {result.treeSize}
            {result.entry ? `, ${["", "FacilitySet", "EntrySet", "StatusChanged", "Heartbeat", "ChallengeOpened", "ChallengeClosed", "ListenerAdded", "ListenerRemoved"][result.entry.leafType]}` : ""}; {result.counted.length} of{" "}
            {result.required} cosignatures counted)
          </h3>
          <table>
            <caption>Checks</caption>
            <thead>
              <tr>
                <th scope="col">Check</th>
                <th scope="col">Result</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {result.checks.map((c) => (
                <tr key={c.name}>
                  <th scope="row">{c.name}</th>
                  <td>
                    <span class={`status status-${c.ok ? "passed" : "failed"}`}>{c.ok ? "PASS" : "FAIL"}</span>
                  </td>
                  <td>{c.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </section>
  );
}
