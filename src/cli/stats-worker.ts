/**
 * A worker of a parallel statistics read (`stats FILE conv|endpoints`, see ConvStats.readParallel,
 * started by the pipeline's runShards): reads the whole file, dissects the frames of its shard and
 * sends its table back (typed arrays transferred, not copied).
 */
import { serveShard, type Shard } from '../pipeline/index.js';
import { ConvStats, shardTransferables, type ConvShard, type ConvTask } from './conv-stats.js';

await serveShard<ConvTask & Shard, ConvShard>(async (t) => {
  const shard = await new ConvStats(t.type).collectShard(t.file, t.index, t.count);
  return { result: shard, transfer: shardTransferables(shard) };
});
