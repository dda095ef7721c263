/**
 * Structured logs: one JSON object per line ({ time, level, event, ...fields }), on stdout by
 * default, so journald or any collector can parse them. Bigints are written as decimal strings.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";
export type AgentLogger = (level: LogLevel, event: string, fields?: Record<string, unknown>) => void;

export function jsonLogger(write: (line: string) => void = (l) => process.stdout.write(l + "\n")): AgentLogger {
  return (level, event, fields = {}) =>
    write(JSON.stringify({ time: new Date().toISOString(), level, event, ...fields }, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
}
