import { run } from "./cli/main.js";
