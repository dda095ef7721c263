/**
 * Node-only: a MerkleTree level kept in a file of 32-byte hashes (`level-<h>.bin`), so a tree of
 * millions of leaves needs O(log n) memory and inclusion / consistency proofs read O(log n) hashes
 * from disk. Appends are buffered (64 KiB) and written at the end of the file.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, writeSync } from "node:fs";
import { join } from "node:path";
import { HASH_SIZE } from "../src/log/hash.js";
import type { HashLevel, HashLevelFactory } from "../src/log/tree.js";

const BUFFER_HASHES = 2048;

export class FileHashLevel implements HashLevel {
  private readonly fd: number;
  private flushed: number;
  private pending = new Uint8Array(BUFFER_HASHES * HASH_SIZE);
  private pendingCount = 0;

  /** Opens `path` (created when missing; emptied with `truncate`). A partial trailing hash is dropped. */
  constructor(
    readonly path: string,
    truncate = false,
  ) {
    this.fd = openSync(path, truncate || !existsSync(path) ? "w+" : "r+");
    this.flushed = Math.floor(fstatSync(this.fd).size / HASH_SIZE);
  }

  get count(): number {
    return this.flushed + this.pendingCount;
  }

  push(h: Uint8Array): void {
    if (this.pendingCount === BUFFER_HASHES) this.flush();
    this.pending.set(h, this.pendingCount * HASH_SIZE);
    this.pendingCount++;
  }

  get(i: number): Uint8Array {
    if (i >= this.flushed) return this.pending.subarray((i - this.flushed) * HASH_SIZE, (i - this.flushed + 1) * HASH_SIZE);
    const out = new Uint8Array(HASH_SIZE);
    readSync(this.fd, out, 0, HASH_SIZE, i * HASH_SIZE);
    return out;
  }

  flush(): void {
    if (this.pendingCount === 0) return;
    writeSync(this.fd, this.pending, 0, this.pendingCount * HASH_SIZE, this.flushed * HASH_SIZE);
    this.flushed += this.pendingCount;
    // A new buffer: views handed out by get() stay valid.
    this.pending = new Uint8Array(BUFFER_HASHES * HASH_SIZE);
    this.pendingCount = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/**
 * A HashLevelFactory over `dir/level-<h>.bin`. `truncate`: start an empty tree (a rebuild);
 * otherwise existing files reopen the tree they hold. `close()` flushes and closes every file.
 */
export function fileHashLevels(dir: string, options: { truncate?: boolean } = {}): { factory: HashLevelFactory; close: () => void } {
  mkdirSync(dir, { recursive: true });
  const opened: FileHashLevel[] = [];
  const factory: HashLevelFactory = (height) => {
    const level = new FileHashLevel(join(dir, `level-${height}.bin`), options.truncate ?? false);
    opened.push(level);
    return level;
  };
  return { factory, close: () => opened.forEach((l) => l.close()) };
}
