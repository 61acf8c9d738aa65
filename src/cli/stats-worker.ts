/**
 * A worker of a parallel statistics read (`stats FILE conv|endpoints`, see ConvStats.readParallel):
 * reads the whole file, dissects the frames of its shard and sends its table back (typed arrays
 * transferred, not copied).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SessionOptions } from '../dissectors/session.js';
import { setCommandSessionOptions } from '../pipeline/session-options.js';
import { ConvStats, shardTransferables, type ConvType } from './conv-stats.js';

interface Task {
  task: 'conv';
  file: string;
  type: ConvType;
  index: number;
  count: number;
  /** The command's session options (-o, -d, heuristics): the worker's session is made from them. */
  sessionOptions: SessionOptions;
}

const t = workerData as Task;
try {
  // The command's options (-o tcp.max_conversations, -d, heuristics) hold in the workers too.
  setCommandSessionOptions(t.sessionOptions);
  const shard = await new ConvStats(t.type).collectShard(t.file, t.index, t.count);
  parentPort!.postMessage({ ok: true, shard }, shardTransferables(shard));
} catch (e) {
  parentPort!.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) });
}
