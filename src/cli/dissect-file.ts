/**
 * The read pipeline moved to src/pipeline/ (the driver, frame sources, GC policy, shards): these
 * names stay for the callers that import them from here.
 */
export { collectGarbage, collectGarbageIfLarge, dissectFile, type DissectOptions, type DissectSummary, type ReadFilter } from '../pipeline/index.js';
