#!/usr/bin/env node
// Entry point of the `poc` command. From the installed package it runs the compiled CLI under
// dist/cli; in a checkout of the repository (cli/main.ts present, nothing built) it runs the
// TypeScript sources through tsx, a dev dependency, so the repo needs no build step.
import { existsSync } from "node:fs";

const source = new URL("../cli/main.ts", import.meta.url);
let main;
if (existsSync(source)) {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import(source.href));
} else {
  ({ main } = await import("../dist/cli/main.js"));
}
process.exitCode = await main(process.argv.slice(2));
