/**
 * Parallel reads: the frames of a file split into shards by a symmetric hash of the IP address
 * pair (src/capture/flow-hash.ts, so no conversation is split over two), shard 0 read in this
 * thread, the others in worker threads, each reading the whole file and dissecting its own frames.
 * What a shard's consumers found is sent back (typed arrays transferred, not copied) and merged
 * by the caller.
 */
import { flowShard } from '../capture/flow-hash.js';
import { commandSessionOptions, setCommandSessionOptions } from './session-options.js';
import { WORKER_LIMITS } from './gc.js';

/** Hash buckets a parallel read's traffic is split in. */
const SHARD_BUCKETS = 1024;
/**
 * Shard 0 of a parallel read runs in the calling thread, which starts at once, while each worker
 * first loads its modules (about 0.2 s of a 2 s read): shard 0 takes this much more than an even
 * share, the others split the rest evenly.
 */
const SHARD0_EXTRA = 0.1;

export interface Shard {
  index: number;
  count: number;
}

/** The frames of shard `index` of `count`: a symmetric hash of the IP address pair, in buckets. */
export function shardSelector(index: number, count: number): (d: Uint8Array, off: number, len: number, linkType: number) => boolean {
  const cut = Math.round(Math.min(1, (1 + SHARD0_EXTRA) / count) * SHARD_BUCKETS);
  return (d, off, len, linkType) => {
    const b = flowShard(d, off, len, linkType, SHARD_BUCKETS);
    const s = b < cut ? 0 : 1 + Math.floor(((b - cut) * (count - 1)) / (SHARD_BUCKETS - cut));
    return s === index;
  };
}

type WorkerReply<T> = { ok: true; result: T } | { ok: false; message: string };

/**
 * Runs shard 0 of `count` with `local` in this thread and shards 1.. in workers started from
 * `worker` (a module that calls `serveShard`), each given `data` plus its shard; resolves with the
 * results in shard order.
 */
export async function runShards<T>(count: number, worker: URL, data: object, local: (shard: Shard) => Promise<T>): Promise<T[]> {
  const { Worker } = await import('node:worker_threads');
  const workers = Array.from({ length: count - 1 }, (_, k) => new Promise<T>((resolve, reject) => {
    const index = k + 1;
    // The command's session options (-o, -d, heuristics) hold in the workers too.
    const w = new Worker(worker, { resourceLimits: WORKER_LIMITS, workerData: { ...data, index, count, sessionOptions: commandSessionOptions() } });
    w.once('message', (m: WorkerReply<T>) => (m.ok ? resolve(m.result) : reject(new Error(m.message))));
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`statistics worker ${index} exited with code ${code}`)));
  }));
  // Let the workers start before this thread gets busy.
  await new Promise((r) => setTimeout(r, 0));
  return Promise.all([local({ index: 0, count }), ...workers]);
}

/**
 * The worker's side of `runShards`: runs `fn` on the worker's data (its shard in `index`, `count`)
 * and posts the result back, `transfer` moved rather than copied.
 */
export async function serveShard<D extends Shard, T>(fn: (data: D) => Promise<{ result: T; transfer?: ArrayBuffer[] }>): Promise<void> {
  const { parentPort, workerData } = await import('node:worker_threads');
  try {
    const sessionOptions = (workerData as { sessionOptions?: object }).sessionOptions;
    if (sessionOptions) setCommandSessionOptions(sessionOptions);
    const { result, transfer } = await fn(workerData as D);
    parentPort!.postMessage({ ok: true, result } satisfies WorkerReply<T>, transfer ?? []);
  } catch (e) {
    parentPort!.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) } satisfies WorkerReply<T>);
  }
}
