/** dstack TDX event logs: RTMR replay and app identity. Formulas: docs/dstack-eventlog.md. */
export * from "./dstack.js";
