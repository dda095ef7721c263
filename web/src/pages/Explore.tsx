/**
 * Explore: a deployment read through viem and the SDK's chain actions (sdk/src/chain, sdk/src/log):
 * facilities, hardware entries, CVMs, the transparency log and its recorded checkpoints. Every
 * entry, CVM and log leaf has its own route (chain ID, contract address, key), and each CVM an SVG
 * badge the service draws from its live status.
 */
import { useEffect, useState } from "preact/hooks";
import { createPublicClient, http, type Address, type Hex, type PublicClient } from "viem";
import { getLogLeaves, readFacility, readHardwareEntry, entryStatusNames, type LogLeafRecord, type ReadHardwareEntryReturnType } from "../../../sdk/src/chain/hardwareRegistry.js";
import { readCheckCvm, readCvm, readMeasurementHistory, type ReadCvmReturnType } from "../../../sdk/src/chain/cvmRegistry.js";
import { cvmRegistryAbi } from "../../../sdk/src/chain/abi/CvmRegistry.js";
import { readRecordedCheckpoints, type RecordedCheckpoint } from "../../../sdk/src/log/recorded.js";
import { leafTypeName, logLeafToJson, type EntrySetPayload, type FacilitySetPayload } from "../../../sdk/src/log/leaf.js";
import { parseAddressBook } from "../../../sdk/src/chain/addressBook.js";
import { contractOf, fromBlockOf, pageConfig } from "../config.js";
import { readFileBytes } from "../files.js";
import { href, type Route } from "../route.js";
import { toJson } from "../files.js";

const LEVELS = ["none", "1 human-assisted", "2 automated", "3 continuous"];

type Ctx = { client: PublicClient; chainId: number; rpc: string; now: bigint };

async function connect(chainId: number, rpcGiven?: string): Promise<Ctx> {
  const cfg = await pageConfig();
  const rpc = rpcGiven ?? (cfg.chainId === chainId ? cfg.rpc : undefined) ?? localStorage.getItem(`poc.rpc.${chainId}`) ?? undefined;
  if (!rpc) throw new Error(`no RPC endpoint for chain ${chainId}: add ?rpc=URL to the address`);
  const client = createPublicClient({ transport: http(new URL(rpc, location.href).href) }) as PublicClient;
  const got = await client.getChainId();
  if (got !== chainId) throw new Error(`the RPC endpoint serves chain ${got}, not chain ${chainId}`);
  localStorage.setItem(`poc.rpc.${chainId}`, rpc);
  const now = (await client.getBlock()).timestamp;
  return { client, chainId, rpc, now };
}

function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data?: T; error?: string } {
  const [state, setState] = useState<{ data?: T; error?: string }>({});
  useEffect(() => {
    let live = true;
    setState({});
    load().then(
      (data) => live && setState({ data }),
      (e: { shortMessage?: string; message?: string }) => live && setState({ error: (e.shortMessage ?? e.message ?? String(e)).split("\n")[0] }),
    );
    return () => {
      live = false;
    };
  }, deps);
  return state;
}

const Status = ({ s }: { s: string }) => <span class={`status status-${s}`}>{s}</span>;
const age = (now: bigint, t: bigint) => (t === 0n ? "never" : `${Number(now - t)} s ago`);
const Loading = ({ error }: { error?: string }) =>
  error ? (
    <p class="error" role="alert">
      {error}
    </p>
  ) : (
    <p role="status">Reading the chain…</p>
  );

export function Page({ route }: { route: Route }) {
  switch (route.page) {
    case "entry":
      return <EntryPage route={route} />;
    case "leaf":
      return <LeafPage route={route} />;
    case "cvm":
      return <CvmPage route={route} />;
    case "explore":
      return route.chainId && route.registry ? <Overview chainId={route.chainId} registry={route.registry as Address} rpc={route.rpc} /> : <PickChain />;
    default:
      return null;
  }
}

function PickChain() {
  const [rpc, setRpc] = useState("");
  const [registry, setRegistry] = useState("");
  const [chainId, setChainId] = useState("");
  useEffect(() => {
    pageConfig().then((c) => {
      if (c.rpc) setRpc(c.rpc);
      if (c.chainId) setChainId(String(c.chainId));
      const r = contractOf(c, "HardwareRegistry");
      if (r) setRegistry(r);
    });
  }, []);
  const [bookError, setBookError] = useState<string>();
  async function openBook(file: File | undefined) {
    setBookError(undefined);
    if (!file) return;
    try {
      const json = JSON.parse(new TextDecoder().decode(await readFileBytes(file))) as { format?: string; chainId?: number };
      // A book in an older shape names no format: it is read for the chain ID it states or the one typed in.
      const book = parseAddressBook(json, json.format ? undefined : Number(json.chainId ?? chainId));
      setChainId(String(book.chainId));
      const r = book.contracts.HardwareRegistry?.address;
      if (r) setRegistry(r);
      // Kept per chain ID so the overview finds the book's CvmRegistry too.
      localStorage.setItem(`poc.book.${book.chainId}`, JSON.stringify({ contracts: Object.fromEntries(Object.entries(book.contracts).map(([k, v]) => [k, { address: v.address, ...(v.block !== undefined ? { block: v.block.toString() } : {}) }])) }));
    } catch (e) {
      setBookError((e as Error).message.split("\n")[0]);
    }
  }
  function go(e: Event) {
    e.preventDefault();
    const isDefault = rpc === "/rpc";
    location.hash = href({ page: "explore", chainId: Number(chainId), registry, ...(isDefault ? {} : { rpc }) });
  }
  return (
    <section aria-labelledby="explore-title">
      <h2 id="explore-title">Explore a deployment</h2>
      <form onSubmit={go}>
        <label for="rpc-url">RPC URL</label>
        <input id="rpc-url" type="text" value={rpc} onInput={(e) => setRpc((e.currentTarget as HTMLInputElement).value)} required />
        <label for="address-book">Address book (deployments/&lt;chainId&gt;.json), to fill in the fields below</label>
        <input id="address-book" type="file" accept=".json,application/json" onChange={(e) => openBook((e.currentTarget as HTMLInputElement).files?.[0])} />
        {bookError && (
          <p class="error" role="alert">
            {bookError}
          </p>
        )}
        <label for="chain-id">Chain ID</label>
        <input id="chain-id" type="number" min="1" value={chainId} onInput={(e) => setChainId((e.currentTarget as HTMLInputElement).value)} required />
        <label for="registry-address">HardwareRegistry address (from the address book)</label>
        <input id="registry-address" type="text" pattern="0x[0-9a-fA-F]{40}" value={registry} onInput={(e) => setRegistry((e.currentTarget as HTMLInputElement).value)} required />
        <div>
          <button type="submit">Open</button>
        </div>
      </form>
    </section>
  );
}

type OverviewData = {
  ctx: Ctx;
  leaves: LogLeafRecord[];
  facilities: { id: Hex; p: FacilitySetPayload }[];
  entries: { key: Hex; e: ReadHardwareEntryReturnType; endorsers: number }[];
  cvms: { identity: Address; c: ReadCvmReturnType }[];
  cvmRegistry?: Address;
  checkpoints: RecordedCheckpoint[];
};

async function loadOverview(chainId: number, registry: Address, rpc?: string): Promise<OverviewData> {
  const ctx = await connect(chainId, rpc);
  const { client } = ctx;
  const fromBlock = await fromBlockOf(chainId, registry);
  const leaves = await getLogLeaves(client, { registry, fromBlock });
  const facilities = new Map<Hex, FacilitySetPayload>();
  const entrySet = new Map<Hex, EntrySetPayload>();
  for (const l of leaves) {
    if (l.decoded.leafType === 1) facilities.set(l.decoded.subject, l.decoded.payload);
    if (l.decoded.leafType === 2) entrySet.set(l.decoded.subject, l.decoded.payload);
  }
  const entries = await Promise.all([...entrySet].map(async ([key, p]) => ({ key, e: await readHardwareEntry(client, { registry, platformKey: key }), endorsers: p.endorsers.length })));
  const cfg = await pageConfig();
  const stored = localStorage.getItem(`poc.book.${chainId}`);
  const cvmRegistry = ((cfg.chainId === chainId ? contractOf(cfg, "CvmRegistry") : undefined) ?? (stored ? contractOf({ addressBook: JSON.parse(stored) }, "CvmRegistry") : undefined)) as Address | undefined;
  let cvms: OverviewData["cvms"] = [];
  if (cvmRegistry) {
    // Identities come from registrations and rotations (a rotated identity hands over to a new one).
    const [registered, rotated] = await Promise.all([
      client.getContractEvents({ address: cvmRegistry, abi: cvmRegistryAbi, eventName: "CvmRegistered", fromBlock: await fromBlockOf(chainId, cvmRegistry) }),
      client.getContractEvents({ address: cvmRegistry, abi: cvmRegistryAbi, eventName: "CvmIdentityRotated", fromBlock: await fromBlockOf(chainId, cvmRegistry) }),
    ]);
    const ids = [...new Set([...registered.map((l) => (l.args as { identity: Address }).identity), ...rotated.map((l) => (l.args as { newIdentity: Address }).newIdentity)])];
    cvms = await Promise.all(ids.map(async (identity) => ({ identity, c: await readCvm(client, { registry: cvmRegistry, identity }) })));
  }
  const checkpoints = await readRecordedCheckpoints(client, { registry, fromBlock });
  return { ctx, leaves, facilities: [...facilities].map(([id, p]) => ({ id, p })), entries, cvms, cvmRegistry, checkpoints };
}

function Overview({ chainId, registry, rpc }: { chainId: number; registry: Address; rpc?: string }) {
  const { data, error } = useLoad(() => loadOverview(chainId, registry, rpc), [chainId, registry, rpc]);
  return (
    <section aria-labelledby="overview-title">
      <h2 id="overview-title">
        Registry <code>{registry}</code> on chain {chainId}
      </h2>
      {!data ? (
        <Loading error={error} />
      ) : (
        <>
          <h3 id="facilities">Facilities</h3>
          <table aria-labelledby="facilities">
            <thead>
              <tr>
                <th scope="col">Facility</th>
                <th scope="col">Provider</th>
                <th scope="col">Site</th>
                <th scope="col">Country</th>
                <th scope="col">Evidence</th>
              </tr>
            </thead>
            <tbody>
              {data.facilities.map((f) => (
                <tr key={f.id}>
                  <td class="mono">{f.id.slice(0, 18)}…</td>
                  <td>{f.p.provider}</td>
                  <td>{f.p.site}</td>
                  <td>{f.p.country}</td>
                  <td class="mono">{f.p.evidenceUri}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3 id="entries">Hardware entries</h3>
          <table aria-labelledby="entries">
            <thead>
              <tr>
                <th scope="col">platformKey</th>
                <th scope="col">Level</th>
                <th scope="col">Effective level</th>
                <th scope="col">Status</th>
                <th scope="col">Heartbeat</th>
                <th scope="col">Endorsements</th>
                <th scope="col">Open challenges</th>
              </tr>
            </thead>
            <tbody>
              {data.entries.map(({ key, e, endorsers }) => (
                <tr key={key} data-entry={key}>
                  <td class="mono">
                    <a href={href({ page: "entry", chainId, registry, key, ...(rpc ? { rpc } : {}) })}>{key.slice(0, 18)}…</a>
                  </td>
                  <td>{LEVELS[e.level]}</td>
                  <td>{LEVELS[e.effectiveLevel]}</td>
                  <td>
                    <Status s={entryStatusNames[e.status] ?? "unknown"} />
                  </td>
                  <td>{age(data.ctx.now, e.lastHeartbeat)}</td>
                  <td>{endorsers}</td>
                  <td>{e.openChallenges}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3 id="cvms">CVMs</h3>
          {!data.cvmRegistry ? (
            <p>No CvmRegistry in this chain's address book.</p>
          ) : (
            <table aria-labelledby="cvms">
              <thead>
                <tr>
                  <th scope="col">Identity</th>
                  <th scope="col">Valid</th>
                  <th scope="col">Status</th>
                  <th scope="col">TEE TTL</th>
                  <th scope="col">TPM TTL</th>
                  <th scope="col">Measurements</th>
                </tr>
              </thead>
              <tbody>
                {data.cvms.map(({ identity, c }) => (
                  <tr key={identity} data-cvm={identity}>
                    <td class="mono">
                      <a href={href({ page: "cvm", chainId, registry: data.cvmRegistry!, identity, ...(rpc ? { rpc } : {}) })}>{identity}</a>
                    </td>
                    <td>
                      <Status s={c.valid ? "valid" : "invalid"} />
                    </td>
                    <td>{c.statusName}</td>
                    <td>{c.teeTtl} s</td>
                    <td>{c.tpmTtl} s</td>
                    <td>{c.measurementCount}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3 id="log">Transparency log ({data.leaves.length} leaves)</h3>
          <table aria-labelledby="log">
            <thead>
              <tr>
                <th scope="col">Index</th>
                <th scope="col">Type</th>
                <th scope="col">Subject</th>
                <th scope="col">Time</th>
              </tr>
            </thead>
            <tbody>
              {data.leaves.map((l) => (
                <tr key={String(l.index)}>
                  <td>
                    <a href={href({ page: "leaf", chainId, registry, index: Number(l.index), ...(rpc ? { rpc } : {}) })}>{String(l.index)}</a>
                  </td>
                  <td>{leafTypeName[l.decoded.leafType]}</td>
                  <td class="mono">{l.decoded.subject.slice(0, 18)}…</td>
                  <td>{new Date(Number(l.decoded.timestamp) * 1000).toISOString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3 id="checkpoints">Recorded checkpoints</h3>
          <table aria-labelledby="checkpoints">
            <thead>
              <tr>
                <th scope="col">Size</th>
                <th scope="col">Root</th>
                <th scope="col">Block</th>
                <th scope="col">Cosigners</th>
              </tr>
            </thead>
            <tbody>
              {data.checkpoints.map((c) => (
                <tr key={c.transactionHash}>
                  <td>{c.cosigned.checkpoint.size}</td>
                  <td class="mono">{c.cosigned.checkpoint.rootHash}</td>
                  <td>{String(c.blockNumber)}</td>
                  <td>
                    <ul>
                      {c.cosigned.cosignatures.map((s) => (
                        <li key={s.signer}>
                          {c.cosigned.members.list.find((m) => m.address.toLowerCase() === s.signer.toLowerCase())?.name ?? ""} <code>{s.signer}</code>
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function EntryPage({ route }: { route: Extract<Route, { page: "entry" }> }) {
  const { chainId, registry, key, rpc } = route;
  const { data, error } = useLoad(async () => {
    const ctx = await connect(chainId, rpc);
    const e = await readHardwareEntry(ctx.client, { registry: registry as Address, platformKey: key as Hex });
    const f = e.exists ? await readFacility(ctx.client, { registry: registry as Address, facilityId: e.facilityId }) : undefined;
    const history = (await getLogLeaves(ctx.client, { registry: registry as Address, fromBlock: await fromBlockOf(chainId, registry) })).filter((l) => l.decoded.subject.toLowerCase() === key.toLowerCase());
    const lastSet = [...history].reverse().find((l) => l.decoded.leafType === 2);
    const endorsers = lastSet?.decoded.leafType === 2 ? lastSet.decoded.payload.endorsers : [];
    const method = lastSet?.decoded.leafType === 2 ? `${lastSet.decoded.payload.method} (${lastSet.decoded.payload.evidenceUri})` : undefined;
    const challenges = history.filter((l) => l.decoded.leafType === 5 || l.decoded.leafType === 6).map((l) => ({ index: Number(l.index), type: leafTypeName[l.decoded.leafType], payload: logLeafToJson(l.decoded).payload }));
    return { ctx, e, f, history, endorsers, method, challenges };
  }, [chainId, registry, key, rpc]);
  return (
    <section aria-labelledby="entry-title">
      <h2 id="entry-title">
        Hardware entry <code>{key}</code>
      </h2>
      <p>
        <a href={href({ page: "explore", chainId, registry, ...(rpc ? { rpc } : {}) })}>Back to the registry</a>
      </p>
      {!data ? (
        <Loading error={error} />
      ) : !data.e.exists ? (
        <p>
          <Status s="unknown" /> No entry with this platformKey.
        </p>
      ) : (
        <dl>
          <dt>Status</dt>
          <dd data-testid="entry-status">
            <Status s={entryStatusNames[data.e.status] ?? "unknown"} />
            {data.e.frozenUntil > 0n ? ` until ${new Date(Number(data.e.frozenUntil) * 1000).toISOString()}` : ""}
          </dd>
          <dt>Level / effective level</dt>
          <dd>
            {LEVELS[data.e.level]} / {LEVELS[data.e.effectiveLevel]}
          </dd>
          <dt>Facility</dt>
          <dd>{data.f ? `${data.f.provider}, ${data.f.site}, ${data.f.country}` : data.e.facilityId}</dd>
          <dt>Verified at</dt>
          <dd>{new Date(Number(data.e.verifiedAt) * 1000).toISOString()}</dd>
          <dt>Last heartbeat</dt>
          <dd>{age(data.ctx.now, data.e.lastHeartbeat)}</dd>
          <dt>Verification method</dt>
          <dd>{data.method ?? "-"}</dd>
          <dt>Endorsements</dt>
          <dd>
            {data.endorsers.length === 0 ? (
              "none"
            ) : (
              <ul>
                {data.endorsers.map((a) => (
                  <li key={a} class="mono">
                    {a}
                  </li>
                ))}
              </ul>
            )}
          </dd>
          <dt>Challenges ({data.e.openChallenges} open)</dt>
          <dd>
            {data.challenges.length === 0 ? (
              "none"
            ) : (
              <ul>
                {data.challenges.map((c) => (
                  <li key={c.index}>
                    leaf {c.index}: {c.type} #{String(c.payload.challengeId)}
                    {c.payload.evidenceUri ? ` (${String(c.payload.evidenceUri)})` : ""}
                  </li>
                ))}
              </ul>
            )}
          </dd>
          <dt>History (log leaves)</dt>
          <dd>
            <ul>
              {data.history.map((l) => (
                <li key={String(l.index)}>
                  <a href={href({ page: "leaf", chainId, registry, index: Number(l.index), ...(rpc ? { rpc } : {}) })}>
                    leaf {String(l.index)}: {leafTypeName[l.decoded.leafType]}
                  </a>
                </li>
              ))}
            </ul>
          </dd>
        </dl>
      )}
    </section>
  );
}

function LeafPage({ route }: { route: Extract<Route, { page: "leaf" }> }) {
  const { chainId, registry, index, rpc } = route;
  const { data, error } = useLoad(async () => {
    const ctx = await connect(chainId, rpc);
    const leaf = (await getLogLeaves(ctx.client, { registry: registry as Address, fromBlock: await fromBlockOf(chainId, registry) })).find((l) => Number(l.index) === index);
    if (!leaf) throw new Error(`the log has no leaf ${index}`);
    return leaf;
  }, [chainId, registry, index, rpc]);
  return (
    <section aria-labelledby="leaf-title">
      <h2 id="leaf-title">Log leaf {index}</h2>
      <p>
        <a href={href({ page: "explore", chainId, registry, ...(rpc ? { rpc } : {}) })}>Back to the registry</a>
      </p>
      {!data ? (
        <Loading error={error} />
      ) : (
        <>
          <p>
            {leafTypeName[data.decoded.leafType]}, leaf hash <code>{data.leafHash}</code>, block {String(data.blockNumber)}, transaction <code>{data.transactionHash}</code>
          </p>
          <pre class="mono">{toJson(logLeafToJson(data.decoded))}</pre>
        </>
      )}
    </section>
  );
}

function CvmPage({ route }: { route: Extract<Route, { page: "cvm" }> }) {
  const { chainId, registry, identity, rpc } = route;
  const { data, error } = useLoad(async () => {
    const ctx = await connect(chainId, rpc);
    const args = { registry: registry as Address, identity: identity as Address };
    const [c, check, history] = await Promise.all([readCvm(ctx.client, args), readCheckCvm(ctx.client, args), readMeasurementHistory(ctx.client, args)]);
    return { ctx, c, check, history };
  }, [chainId, registry, identity, rpc]);
  const badge = `/badge/${chainId}/${registry}/${identity}.svg`;
  const badgeUrl = new URL(badge, location.href).href;
  return (
    <section aria-labelledby="cvm-title">
      <h2 id="cvm-title">
        CVM <code>{identity}</code>
      </h2>
      {!data ? (
        <Loading error={error} />
      ) : (
        <>
          <img src={badge} alt={`Proof of Cloud status badge: ${data.check.valid ? "valid" : "invalid"}`} width={180} height={20} />
          <label for="badge-embed">Embed the live badge</label>
          <input id="badge-embed" type="text" readOnly value={`<img src="${badgeUrl}" alt="Proof of Cloud CVM status">`} />
          <dl>
            <dt>Valid now</dt>
            <dd data-testid="cvm-valid">
              <Status s={data.check.valid ? "valid" : "invalid"} />
            </dd>
            <dt>Status</dt>
            <dd>{data.c.statusName}</dd>
            <dt>Owner</dt>
            <dd class="mono">{data.c.owner}</dd>
            <dt>TEE attested</dt>
            <dd>
              {new Date(Number(data.c.teeAttestedAt) * 1000).toISOString()} (TTL {data.c.teeTtl} s, {age(data.ctx.now, data.c.teeAttestedAt)})
            </dd>
            <dt>TPM attested</dt>
            <dd>
              {new Date(Number(data.c.tpmAttestedAt) * 1000).toISOString()} (TTL {data.c.tpmTtl} s, {age(data.ctx.now, data.c.tpmAttestedAt)})
            </dd>
            <dt>TCB status</dt>
            <dd>{data.check.tcbStatusName}</dd>
            <dt>Hardware</dt>
            <dd class="mono">
              {data.c.platformKey} (level {data.c.hardwareLevel})
            </dd>
            <dt>Measurement history</dt>
            <dd>
              <ol>
                {data.history.map((m, i) => (
                  <li key={i} class="mono">
                    {m}
                  </li>
                ))}
              </ol>
            </dd>
          </dl>
        </>
      )}
    </section>
  );
}
