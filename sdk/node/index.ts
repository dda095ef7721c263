/**
 * Node-only parts of the SDK (`proof-of-cloud/node`): the transparency log's resumable on-disk
 * cache, the file-backed hash levels its streaming rebuild uses, and the static C2SP tiles writer.
 * They use node:fs, so they sit outside the browser-safe `sdk/src` (docs/architecture.md).
 */
export { FileHashLevel, fileHashLevels } from "./hashFiles.js";
export { LOG_CACHE_FORMAT, LogCache, LogCacheError, leafHashNode, syncLogCache, rebuildFromCache, type CachedLeaf, type CachedLog, type SyncLogCacheParameters, type SyncLogCacheReturnType } from "./logCache.js";
export { writeTiles, type WriteTilesParameters } from "./tiles.js";
