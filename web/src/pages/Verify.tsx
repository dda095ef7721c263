/**
 * Verify: evidence in, the same verification report as `poc verify`, computed in this browser by the
 * SDK's report layer (sdk/src/report). Nothing is uploaded: files are read locally; only a PCS/PCCS
 * URL, when given, is fetched for collateral.
 */
import { useState } from "preact/hooks";
import { PocError, ParseError } from "../../../sdk/src/errors.js";
import { TD_ATTRIBUTE_POLICIES, createCollateralClient, parseCollateral, parseQuote, type TdAttributePolicy } from "../../../sdk/src/intel/index.js";
import {
  DEFAULT_ACCEPTED_TCB_STATUSES,
  DIMENSION_LABELS,
  DIMENSION_NAMES,
  createIntelQuoteVerifier,
  decodeEvidenceInput,
  parseCertificates,
  reportExitCode,
  verifyEvidence,
  type Certificate,
  type VerificationReport,
} from "../../../sdk/src/report/index.js";
import { download, readFileBytes, toJson } from "../files.js";

const STATUS_TEXT = { passed: "PASS", partial: "PARTIAL", failed: "FAIL", skipped: "SKIP" } as const;
const OVERALL_TEXT = { pass: "PASS", partial: "PARTIAL", fail: "FAIL" } as const;

/** A comma / whitespace separated list of hex values (0x optional), as poc verify's --allowed-* flags. */
function hexList(text: string, what: string): string[] | undefined {
  const items = text.split(/[\s,]+/).map((x) => x.trim().toLowerCase().replace(/^0x/, "")).filter((x) => x);
  for (const x of items) if (!/^([0-9a-f]{2})+$/.test(x)) throw new PocError(`${what}: not hex: ${x}`);
  return items.length ? items : undefined;
}

export function Page() {
  const [evidence, setEvidence] = useState<File | undefined>();
  const [pasted, setPasted] = useState("");
  const [collateralFile, setCollateralFile] = useState<File | undefined>();
  const [pcsUrl, setPcsUrl] = useState("");
  const [certFiles, setCertFiles] = useState<File[]>([]);
  const [eventLog, setEventLog] = useState<File | undefined>();
  const [at, setAt] = useState("");
  const [nonce, setNonce] = useState("");
  const [allowedOs, setAllowedOs] = useState("");
  const [allowedApps, setAllowedApps] = useState("");
  const [allowedCompose, setAllowedCompose] = useState("");
  const [composeFile, setComposeFile] = useState<File | undefined>();
  const [upToDate, setUpToDate] = useState(false);
  const [tdPolicy, setTdPolicy] = useState<TdAttributePolicy>("strict");
  const [rimFiles, setRimFiles] = useState<File[]>([]);
  const [report, setReport] = useState<VerificationReport>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [over, setOver] = useState(false);

  async function run(e: Event) {
    e.preventDefault();
    setError(undefined);
    setReport(undefined);
    setBusy(true);
    try {
      const raw = evidence ? await readFileBytes(evidence) : new TextEncoder().encode(pasted);
      if (raw.length === 0) throw new PocError("choose an evidence file or paste evidence first");
      const { evidence: bytes, intelQuote, detected, input } = decodeEvidenceInput({ bytes: raw });
      const isGpu = detected.type === "nvidia-gpu" || detected.type === "nvidia-gpu-list";
      const now = at.trim() === "" ? Math.floor(Date.now() / 1000) : Number(at);
      if (!Number.isSafeInteger(now) || now < 0) throw new PocError("verify at must be unix seconds");
      const certificates: Certificate[] = [];
      for (const f of certFiles) certificates.push(...parseCertificates(await readFileBytes(f), f.name));
      let collateral;
      if (collateralFile) collateral = parseCollateral(new TextDecoder().decode(await readFileBytes(collateralFile)));
      else if (pcsUrl.trim() && intelQuote) collateral = await createCollateralClient({ baseUrl: pcsUrl.trim() }).getCollateralForQuote(parseQuote(intelQuote));
      if (collateral && !intelQuote) throw new PocError("collateral is Intel collateral; this evidence is not an Intel quote");
      const nonceBytes = nonce.trim() ? Uint8Array.from(nonce.trim().replace(/^0x/, "").match(/../g) ?? [], (x) => parseInt(x, 16)) : undefined;
      if (rimFiles.length && !isGpu) throw new PocError("RIM files are for an NVIDIA GPU report; this evidence is not one");
      const rims: Uint8Array[] = [];
      for (const f of rimFiles) rims.push(await readFileBytes(f));
      // As poc verify: the GPU report is the evidence; the certificates field carries its chain (merged by the SDK) and the nonce is the GPU's.
      const gpu = isGpu ? { certificates: [], rims, ...(nonceBytes ? { nonce: nonceBytes } : {}) } : undefined;
      const r = await verifyEvidence({
        evidence: bytes,
        now,
        certificates,
        collateral,
        intelVerifier: createIntelQuoteVerifier(),
        acceptedTcbStatuses: upToDate ? ["UpToDate"] : DEFAULT_ACCEPTED_TCB_STATUSES,
        allowedOsMeasurements: hexList(allowedOs, "allowed OS measurements"),
        allowedAppIds: hexList(allowedApps, "allowed app IDs"),
        allowedComposeHashes: hexList(allowedCompose, "allowed compose hashes"),
        composeFile: composeFile ? await readFileBytes(composeFile) : undefined,
        tpmEventLog: eventLog ? await readFileBytes(eventLog) : undefined,
        tpmNonce: nonce.trim() || undefined,
        nitroNonce: nonceBytes,
        ...(gpu ? { gpu } : {}),
        tdAttributePolicy: tdPolicy,
      });
      // As poc verify: how the file was read is reported when it was text or something of it was ignored.
      setReport(input.encoding !== "binary" || input.ignored?.length ? { ...r, input } : r);
    } catch (err) {
      setError(err instanceof ParseError ? `bad input: ${err.shortMessage}` : err instanceof PocError ? err.shortMessage : String(err));
    } finally {
      setBusy(false);
    }
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setOver(false);
    const f = e.dataTransfer?.files?.[0];
    if (f) setEvidence(f);
  }

  return (
    <section aria-labelledby="verify-title">
      <h2 id="verify-title">Verify an attestation</h2>
      <p>
        Intel SGX / TDX quotes (binary, hex or base64), SEV-SNP reports, TPM attestation JSON or go-tpm-tools protobuf, AWS Nitro documents, dstack quote + event log JSON or
        dstack attestations (SCALE binary or {"{"}"attestation": hex{"}"}), NVIDIA H100 GPU reports. Verified here, in
        your browser: nothing is uploaded.
      </p>
      <form onSubmit={run}>
        <div class={`drop${over ? " over" : ""}`} onDragOver={(e) => (e.preventDefault(), setOver(true))} onDragLeave={() => setOver(false)} onDrop={onDrop}>
          <label for="evidence-file">Evidence file (or drop it here)</label>
          <input id="evidence-file" type="file" onChange={(e) => setEvidence((e.currentTarget as HTMLInputElement).files?.[0])} />
          {evidence && <p>Selected: {evidence.name}</p>}
        </div>
        <label for="evidence-text">Or paste evidence (hex or JSON)</label>
        <textarea id="evidence-text" value={pasted} onInput={(e) => setPasted((e.currentTarget as HTMLTextAreaElement).value)} />
        <label for="collateral-file">Intel collateral file (QuoteCollateralV3 JSON or PCS responses)</label>
        <input id="collateral-file" type="file" accept=".json,application/json" onChange={(e) => setCollateralFile((e.currentTarget as HTMLInputElement).files?.[0])} />
        <label for="pcs-url">Or a PCS / PCCS URL for collateral</label>
        <input id="pcs-url" type="url" placeholder="https://api.trustedservices.intel.com/sgx/certification/v4" value={pcsUrl} onInput={(e) => setPcsUrl((e.currentTarget as HTMLInputElement).value)} />
        <label for="cert-files">Certificates the evidence does not carry (SNP VCEK / ASK, TPM AK chain, NVIDIA GPU chain; PEM or DER)</label>
        <input id="cert-files" type="file" multiple onChange={(e) => setCertFiles(Array.from((e.currentTarget as HTMLInputElement).files ?? []))} />
        <label for="rim-files">NVIDIA GPU RIMs (driver and VBIOS reference measurements, XML)</label>
        <input id="rim-files" type="file" multiple accept=".xml,.swidtag" onChange={(e) => setRimFiles(Array.from((e.currentTarget as HTMLInputElement).files ?? []))} />
        <label for="event-log">TPM event log</label>
        <input id="event-log" type="file" onChange={(e) => setEventLog((e.currentTarget as HTMLInputElement).files?.[0])} />
        <label for="verify-at">Verify at (unix seconds; empty: now)</label>
        <input id="verify-at" type="number" min="0" value={at} onInput={(e) => setAt((e.currentTarget as HTMLInputElement).value)} />
        <label for="nonce">Expected nonce (hex; TPM qualifying data, Nitro nonce or NVIDIA GPU nonce)</label>
        <input id="nonce" type="text" value={nonce} onInput={(e) => setNonce((e.currentTarget as HTMLInputElement).value)} />
        <fieldset>
          <legend>Policy (optional, as poc verify's flags)</legend>
          <label for="allowed-os">Allowed OS measurements (hex, comma separated: TDX MRTD or dstack os-image-hash, SGX MRENCLAVE, SNP measurement, Nitro PCR0)</label>
          <input id="allowed-os" type="text" value={allowedOs} onInput={(e) => setAllowedOs((e.currentTarget as HTMLInputElement).value)} />
          <label for="allowed-apps">Allowed dstack app IDs (hex, comma separated)</label>
          <input id="allowed-apps" type="text" value={allowedApps} onInput={(e) => setAllowedApps((e.currentTarget as HTMLInputElement).value)} />
          <label for="allowed-compose">Allowed dstack compose hashes (hex, comma separated)</label>
          <input id="allowed-compose" type="text" value={allowedCompose} onInput={(e) => setAllowedCompose((e.currentTarget as HTMLInputElement).value)} />
          <label for="compose-file">dstack app compose file (checked against the compose-hash event)</label>
          <input id="compose-file" type="file" onChange={(e) => setComposeFile((e.currentTarget as HTMLInputElement).files?.[0])} />
          <label for="td-attribute-policy">TDX: TD attribute policy (strict: as the onchain verifier; allow-sept-ve: a TD without SEPT_VE_DISABLE passes)</label>
          <select id="td-attribute-policy" value={tdPolicy} onChange={(e) => setTdPolicy((e.currentTarget as HTMLSelectElement).value as TdAttributePolicy)}>
            {TD_ATTRIBUTE_POLICIES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
          <label>
            <input id="require-up-to-date" type="checkbox" checked={upToDate} onChange={(e) => setUpToDate((e.currentTarget as HTMLInputElement).checked)} /> Intel: only TCB status UpToDate passes
          </label>
        </fieldset>
        <div>
          <button type="submit" disabled={busy}>
            {busy ? "Verifying…" : "Verify"}
          </button>
        </div>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {report && <ReportView report={report} />}
    </section>
  );
}

function ReportView({ report }: { report: VerificationReport }) {
  const verdict = reportExitCode(report) === 0 ? "verified" : "not verified";
  return (
    <section aria-labelledby="report-title" aria-live="polite">
      <h3 id="report-title">
        Report: <span class={`status status-${report.overall}`} data-testid="overall">{OVERALL_TEXT[report.overall]}</span> ({report.evidenceType}, {report.tee}; {verdict})
      </h3>
      <table>
        <caption>Each dimension of the verification report</caption>
        <thead>
          <tr>
            <th scope="col">Dimension</th>
            <th scope="col">Result</th>
            <th scope="col">Reason</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {DIMENSION_NAMES.map((n) => {
            const d = report.dimensions[n];
            // A report read from a file written before the GPU dimension existed has no `gpu` row.
            if (d === undefined) return null;
            return (
              <tr key={n} data-dimension={n}>
                <th scope="row">{DIMENSION_LABELS[n]}</th>
                <td>
                  <span class={`status status-${d.status}`}>{STATUS_TEXT[d.status]}</span>
                </td>
                <td>
                  {d.reason}
                  {d.check ? <code> [{d.check}]</code> : null}
                </td>
                <td>
                  {Object.keys(d.details).length > 0 && (
                    <details>
                      <summary>{Object.keys(d.details).length} values</summary>
                      <dl>
                        {Object.entries(d.details).map(([k, v]) => (
                          <div key={k}>
                            <dt>{k}</dt>
                            <dd class="mono">{Array.isArray(v) ? v.join(", ") : String(v)}</dd>
                          </div>
                        ))}
                      </dl>
                    </details>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {report.policies?.length ? (
        <table data-testid="policies">
          <caption>Policies judged apart from the dimensions (a failed policy fails the report)</caption>
          <thead>
            <tr>
              <th scope="col">Policy</th>
              <th scope="col">Result</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {report.policies.map((p) => (
              <tr key={p.name} data-policy={p.name}>
                <th scope="row">
                  {p.name} ({p.policy})
                </th>
                <td>
                  <span class={`status status-${p.status}`}>{STATUS_TEXT[p.status]}</span>
                </td>
                <td>
                  {p.reason}
                  {p.check ? <code> [{p.check}]</code> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {report.input && (
        <div data-testid="input">
          <p>
            Input read as <strong>{report.input.encoding}</strong>
            {report.input.ignoredTrailingBytes ? `; ${report.input.ignoredTrailingBytes} trailing byte(s) ignored` : ""}
          </p>
          {report.input.ignored?.length ? (
            <ul aria-label="Ignored input">
              {report.input.ignored.map((line, i) => (
                <li key={i} class="mono">
                  {line}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      )}
      <button type="button" onClick={() => download(`report-${report.evidenceType}.json`, toJson(report))}>
        Download report (JSON)
      </button>
    </section>
  );
}
