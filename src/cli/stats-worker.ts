/**
 * A worker of a parallel statistics read (`stats FILE conv|endpoints`, see ConvStats.readParallel):
 * reads the whole file, dissects the frames of its shard and sends its table back (typed arrays
 * transferred, not copied).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { TCP_LIMITS } from '../dissectors/tcp/conversations.js';
import { ConvStats, shardTransferables, type ConvType } from './conv-stats.js';

interface Task {
  task: 'conv';
  file: string;
  type: ConvType;
  index: number;
  count: number;
  maxConversations: number;
}

const t = workerData as Task;
try {
  // Limits set on the command line (-o tcp.max_conversations) hold in the workers too.
  TCP_LIMITS.maxConversations = t.maxConversations;
  const shard = await new ConvStats(t.type).collectShard(t.file, t.index, t.count);
  parentPort!.postMessage({ ok: true, shard }, shardTransferables(shard));
} catch (e) {
  parentPort!.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) });
}
