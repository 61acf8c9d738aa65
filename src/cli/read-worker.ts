/**
 * A worker of a parallel `read` (src/pipeline/ordered-shards.ts): prints its shard of the file
 * (./read-shard.ts) and sends the text to the main thread, or with -q only dissects it.
 */
import { workerData } from 'node:worker_threads';
import { serveShard } from '../pipeline/index.js';
import { serveOrderedShard, type OrderedShardData } from '../pipeline/ordered-shards.js';
import { printShard, quietShard, type ReadTask } from './read-shard.js';

if ((workerData as ReadTask).quiet) await serveShard(quietShard);
else await serveOrderedShard<OrderedShardData & ReadTask>((t, sender) => printShard(t, sender));
