/**
 * The pipeline: a frame source (file, stdin, live capture) feeds the dissectors of a session, and
 * each dissected packet goes to the consumers a command registered (display filter in front of the
 * taps and the sink). Commands (src/cli/) and statistics (src/stats/) run through it; nothing here
 * imports src/cli.
 */
export { dissectFile, runPipeline, tap, withDisplayFilter, type CompiledFilter, type DissectOptions, type DissectSummary, type DisplayFilterStage, type PacketSink, type PipelineOptions, type ReadFilter, type TapRegistration } from './driver.js';
export { fileSource, LiveSource, type FrameHandlers, type FrameSource, type ReadChoices } from './source.js';
export { collectGarbage, collectGarbageIfLarge } from './gc.js';
export { runShards, serveShard, shardSelector, type Shard } from './shards.js';
