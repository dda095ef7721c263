/**
 * Event data of the TCG event log: the replay authenticates only digests, so data is returned as
 * verified only where the digest of every quoted bank is the hash of it (docs/tpm.md, "Event data").
 * Security review, issue item 10: unchecked event data was returned as if checked.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { equalBytes } from "../../../sdk/src/bytes.js";
import { VerificationError } from "../../../sdk/src/errors.js";
import * as tpm from "../../../sdk/src/tpm/index.js";
import { type CheckedTcgEvent, type TcgEvent, TcgEventDataError, type TcgEventLog, parseTcgEventLog, parseTpmAttestationJson, verifyTpmAttestation } from "../../../sdk/src/tpm/index.js";

const F = "test/fixtures/tpm";
const NOW = Date.UTC(2026, 10, 22) / 1000;
const att = parseTpmAttestationJson(readFileSync(`${F}/gce-cos-85-nonce9009.json`, "utf8"));
const logBytes = new Uint8Array(readFileSync(`${F}/gce-cos-85-nonce9009.eventlog.bin`));
const log = parseTcgEventLog(logBytes);
const verify = (eventLog: Uint8Array) => verifyTpmAttestation({ attestation: att, nonce: "9009", now: NOW, eventLog });

/** Where an event's data starts in the log bytes (after pcrIndex, type, digests and eventSize). */
const dataAt = (l: TcgEventLog, e: TcgEvent) => e.offset + 4 + 4 + 4 + l.algorithms.reduce((s, a) => s + 2 + a.size, 0) + 4;
/** The log with event `index`'s data byte `at` xored with `mask`: same sizes and digests, so the replay still holds. */
function lie(index: number, at: number, mask = 0x01): Uint8Array {
  const e = log.events[index - 1]!;
  const out = logBytes.slice();
  out[dataAt(log, e) + at] ^= mask;
  return out;
}

type Checked = Omit<CheckedTcgEvent, "data"> & { data: { verified: boolean; bytes: Uint8Array; reason?: string; checked?: Uint8Array } };
const eventsOf = (r: Awaited<ReturnType<typeof verify>>): Checked[] => r.eventLog!.events;

describe("event data on the real GCE COS event log", () => {
  it("every event is marked verified or unverified by its type's rule (counts per type)", async () => {
    const events = eventsOf(await verify(logBytes));
    expect(events.length).toBe(44);
    const counts: Record<string, { verified: number; partly: number; unverified: number }> = {};
    for (const e of events) {
      const c = (counts[e.typeName] ??= { verified: 0, partly: 0, unverified: 0 });
      if (e.data.verified) c.verified++;
      else if (e.data.checked) c.partly++;
      else c.unverified++;
    }
    expect(counts).toEqual({
      EV_S_CRTM_VERSION: { verified: 1, partly: 0, unverified: 0 },
      // Not a type the spec defines as hash-of-data, but GCE's digest is the hash of it: verified, not required.
      EV_NONHOST_INFO: { verified: 1, partly: 0, unverified: 0 },
      EV_EFI_VARIABLE_DRIVER_CONFIG: { verified: 5, partly: 0, unverified: 0 },
      EV_SEPARATOR: { verified: 8, partly: 0, unverified: 0 },
      // EDK2 hashes only VariableData of Boot#### / BootOrder: the name and GUID are not authenticated.
      EV_EFI_VARIABLE_BOOT: { verified: 0, partly: 3, unverified: 0 },
      EV_EFI_ACTION: { verified: 3, partly: 0, unverified: 0 },
      // One by the firmware (whole record), two by shim (record hashed, one more byte logged).
      EV_EFI_VARIABLE_AUTHORITY: { verified: 3, partly: 0, unverified: 0 },
      EV_EFI_GPT_EVENT: { verified: 1, partly: 0, unverified: 0 },
      EV_EFI_BOOT_SERVICES_APPLICATION: { verified: 0, partly: 0, unverified: 3 },
      // GRUB hashes the command string without its "grub_cmd: " label and NUL; PCR 9's digest is of the kernel file.
      EV_IPL: { verified: 0, partly: 15, unverified: 1 },
    });
    // Verified bytes are exactly what was hashed: shim's authority events lose their unhashed last byte.
    for (const i of [24, 41]) {
      const e = events[i - 1]!;
      expect(e.data.verified).toBe(true);
      expect(e.data.bytes).toEqual(log.events[i - 1]!.data.subarray(0, log.events[i - 1]!.data.length - 1));
    }
    // The checked part of a GRUB event is the measured string: the kernel command line here.
    const cmdline = new TextDecoder().decode(events[41]!.data.checked);
    expect(cmdline).toMatch(/^\/syslinux\/vmlinuz\.A init=\/usr\/lib\/systemd\/systemd/);
    expect(new TextDecoder().decode(events[8]!.data.checked)).toHaveLength(4); // BootOrder's 4 data bytes
  });

  it("an event whose digest is not the hash of its data (EV_EFI_BOOT_SERVICES_APPLICATION) is returned unverified, with the reason", async () => {
    const events = eventsOf(await verify(logBytes));
    const apps = events.filter((e) => e.typeName === "EV_EFI_BOOT_SERVICES_APPLICATION");
    expect(apps.map((e) => e.index)).toEqual([22, 23, 40]);
    for (const e of apps) {
      expect(e.data.verified).toBe(false);
      expect(e.data.checked).toBeUndefined();
      expect(e.data.reason).toMatch(/Authenticode/);
    }
    // Its data may say anything: it is still returned, still unverified, never refused.
    const r = eventsOf(await verify(lie(22, 0, 0xff)));
    expect(r[21]!.data).toMatchObject({ verified: false });
  });
});

describe("lying event data with consistent digests is refused (before: verified, lying data returned)", () => {
  const cases: [string, number, number, number][] = [
    // [what, event index, byte offset in its data, PCR]
    ["EV_EFI_VARIABLE_DRIVER_CONFIG SecureBoot = 0 instead of 1", 3, 52, 7],
    ["EV_EFI_VARIABLE_AUTHORITY: another db certificate byte (firmware)", 20, 100, 7],
    ["EV_EFI_VARIABLE_AUTHORITY: another db certificate byte (shim)", 24, 100, 7],
    ["EV_SEPARATOR 0x00000001 (error) instead of 0", 13, 0, 0],
    ["EV_EFI_ACTION text", 12, 0, 4],
    ["EV_EFI_GPT_EVENT: another partition entry byte", 21, 200, 5],
    ["EV_S_CRTM_VERSION text", 1, 0, 0],
  ];
  for (const [what, index, at, pcr] of cases) {
    it(what, async () => {
      const e = await verify(lie(index, at)).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(VerificationError);
      expect(e).toBeInstanceOf(TcgEventDataError);
      expect(e).toMatchObject({ check: "tpm.eventlog.eventData", eventIndex: index, pcrIndex: pcr });
      expect((e as VerificationError).shortMessage).toContain(`event ${index}`);
    });
  }

  it("the replay alone still holds for those logs: only the data lies", () => {
    const q = att.quotes[1]!;
    for (const [, index, at] of cases) expect(() => tpm.checkTcgEventLog(parseTcgEventLog(lie(index, at)), tpm.TPM_ALG.SHA256, q.pcrs)).not.toThrow();
  });

  it("EV_IPL: a changed GRUB kernel command line is no longer marked checked (its digest need not be of the data)", async () => {
    const events = eventsOf(await verify(lie(42, 20)));
    expect(events[41]!.data.verified).toBe(false);
    expect(events[41]!.data.checked).toBeUndefined();
  });

  it("EV_EFI_VARIABLE_BOOT: a changed variable name leaves only VariableData checked; changed VariableData is refused", async () => {
    const renamed = eventsOf(await verify(lie(10, 32)));
    expect(renamed[9]!.data).toMatchObject({ verified: false });
    expect(renamed[9]!.data.checked).toEqual(eventsOf(await verify(logBytes))[9]!.data.checked);
    const e = await verify(lie(10, 60)).catch((x: unknown) => x);
    expect(e).toMatchObject({ check: "tpm.eventlog.eventData", eventIndex: 10, pcrIndex: 1 });
  });
});

describe("no changed byte is ever returned as checked (fast-check)", () => {
  it("flipping any byte of any event's data: a typed refusal, or the event is unverified, or its checked bytes are unchanged", async () => {
    const original = eventsOf(await verify(logBytes));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: log.events.length }), fc.nat(), fc.integer({ min: 1, max: 255 }), async (index, pos, mask) => {
        const at = pos % log.events[index - 1]!.data.length;
        let events: Checked[];
        try {
          events = eventsOf(await verify(lie(index, at, mask)));
        } catch (e) {
          expect(e).toMatchObject({ check: "tpm.eventlog.eventData", eventIndex: index });
          return;
        }
        const got = events[index - 1]!.data;
        const was = original[index - 1]!.data;
        // Verified or checked bytes never include the changed byte: they equal the original's (the
        // flip was outside what was hashed, e.g. shim's unhashed last byte).
        if (got.verified) {
          expect(at).toBeGreaterThanOrEqual(got.bytes.length);
          expect(equalBytes(got.bytes, was.bytes)).toBe(true);
        }
        if (got.checked) expect(equalBytes(got.checked, was.checked!)).toBe(true);
        // Every other event is judged as before.
        for (const e of events) if (e.index !== index) expect(e.data.verified).toBe(original[e.index - 1]!.data.verified);
      }),
      { numRuns: 150 },
    );
  });

  it("the first and last byte of every event's data", async () => {
    for (const e of log.events) {
      for (const at of new Set([0, e.data.length - 1])) {
        let got: Checked["data"];
        try {
          got = eventsOf(await verify(lie(e.index, at)))[e.index - 1]!.data;
        } catch (x) {
          expect(x, `event ${e.index} byte ${at}`).toMatchObject({ check: "tpm.eventlog.eventData", eventIndex: e.index });
          continue;
        }
        if (got.verified) expect(at, `event ${e.index} byte ${at}`).toBeGreaterThanOrEqual(got.bytes.length);
      }
    }
  });
});
