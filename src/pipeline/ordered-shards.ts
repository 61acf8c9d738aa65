/**
 * A parallel read whose output stays in frame order (`read FILE` on two cores): the frames split
 * into shards by the hosts, as a parallel statistics read (./shards.ts); each shard runs in a
 * worker thread that reads the whole file, dissects its own frames (both passes) and formats
 * their text; the main thread merges the workers' text frame by frame and writes it out. Each
 * frame belongs to exactly one shard and every shard sends its frames in ascending order, so the
 * merge needs no count: it writes the smallest next frame once every unfinished shard has sent one.
 *
 * Flow control: a worker waits (Atomics.wait on a shared counter) while more than a few of its
 * chunks are unwritten, so neither a fast worker nor a slow stdout grows the memory. The text of a
 * chunk goes in one of the worker's MAX_AHEAD slots of shared memory (the one its last user, the
 * chunk sent MAX_AHEAD before it, has left once written), not in a buffer of its own: a new 256 KiB
 * buffer a chunk, moved to the main thread and let go there, was 254 MB of memory allocated,
 * zeroed and collected across the threads on the 2M mkbig capture. Shard 0 in the main thread
 * reuses its written chunks' buffers the same way.
 */
import type { Worker } from 'node:worker_threads';
import { commandSessionOptions, setCommandSessionOptions } from './session-options.js';
import { WORKER_LIMITS } from './gc.js';
import type { Shard } from './shards.js';
import { OutBlock } from './out-block.js';

/** A worker sends its text when this much is buffered (at a frame's end). */
export const CHUNK_BYTES = 256 * 1024;
/** Chunks a worker may have in flight before it waits for the main thread to write them. */
const MAX_AHEAD = 8;
/** Bytes of a slot: a chunk's text (CHUNK_BYTES and the frame that went past it) fits, or gets a buffer of its own. */
const SLOT_BYTES = 2 * CHUNK_BYTES;

/** One chunk of a shard's text: the frames it holds, where each one's text ends, and the bytes. */
export interface Chunk {
  frames: Int32Array;
  ends: Int32Array;
  bytes: Uint8Array;
  /** A patched read (../dissectors/patch.ts): the holes in `bytes`, pairs of (offset, the shard's hole id), by offset. */
  holes?: Int32Array;
}

/** A chunk as posted: its text in slot `slot` of the worker's shared memory (`length` bytes), or in `bytes` (slot -1). */
interface PostedChunk {
  frames: Int32Array;
  ends: Int32Array;
  bytes?: Uint8Array;
  slot: number;
  length: number;
  holes?: Int32Array;
}

type WorkerMessage =
  | { kind: 'chunk'; chunk: PostedChunk }
  | { kind: 'done'; result: unknown }
  | { kind: 'error'; error: SerializedError };

/** An error that crosses the thread boundary: its class name and own fields, rebuilt by `revive`. */
export interface SerializedError {
  name: string;
  message: string;
  fields: Record<string, unknown>;
}

/**
 * Where a shard puts its chunks: `room(n)` gives the buffer for the next chunk's `n` bytes (it may
 * wait for the merge first), `send` hands the chunk on.
 */
export interface ChunkSink {
  room(n: number): Uint8Array;
  send(chunk: Chunk): void;
}

/**
 * A worker's side of the flow: sends chunks of text to the main thread, waiting while more than
 * a few of them are unwritten.
 */
export class ChunkSender implements ChunkSink {
  private sent = 0;
  /** The slot `room` gave (-1: a buffer of the chunk's own). */
  private slot = -1;
  constructor(
    private readonly post: (m: WorkerMessage, transfer: ArrayBuffer[]) => void,
    private readonly ctl: Int32Array,
    private readonly index: number,
    private readonly slots: SharedArrayBuffer,
  ) {}

  /** The buffer for the next chunk's `n` bytes, once fewer than MAX_AHEAD chunks are unwritten (its slot is free then). */
  room(n: number): Uint8Array {
    for (;;) {
      const written = Atomics.load(this.ctl, this.index);
      if (this.sent - written < MAX_AHEAD) break;
      Atomics.wait(this.ctl, this.index, written, 1000);
    }
    if (n > SLOT_BYTES) {
      this.slot = -1;
      return new Uint8Array(n);
    }
    this.slot = this.sent % MAX_AHEAD;
    return new Uint8Array(this.slots, this.slot * SLOT_BYTES, n);
  }

  /** Sends `chunk`, whose bytes are what `room` gave (its arrays are moved, not copied): `ends[i]` is where frame `frames[i]`'s text ends in `bytes`. */
  send(chunk: Chunk): void {
    this.sent++;
    const transfer = [chunk.frames.buffer as ArrayBuffer, chunk.ends.buffer as ArrayBuffer];
    if (chunk.holes) transfer.push(chunk.holes.buffer as ArrayBuffer);
    const { bytes, ...rest } = chunk;
    if (this.slot < 0) transfer.push(bytes.buffer as ArrayBuffer);
    this.post({ kind: 'chunk', chunk: { ...rest, slot: this.slot, length: bytes.length, ...(this.slot < 0 ? { bytes } : {}) } }, transfer);
  }
}

/** What a worker of an ordered parallel read is given (plus the caller's own data). */
export interface OrderedShardData extends Shard {
  ctl: SharedArrayBuffer;
  /** The worker's MAX_AHEAD slots of SLOT_BYTES for its chunks' text. */
  slots: SharedArrayBuffer;
  sessionOptions: object;
}

/**
 * Runs `count` workers started from `worker` (a module that calls `serveOrderedShard`), each given
 * `data` plus its shard, and hands their text to `write` in frame order (in pieces of up to 1 MiB). Resolves with each
 * worker's result in shard order; rejects with the first worker's error (rebuilt by `revive`)
 * after every frame before it was written.
 */
export async function runOrderedShards<T>(
  count: number,
  worker: URL,
  data: object,
  write: (bytes: Uint8Array) => void,
  revive: (e: SerializedError) => Error,
  onHole?: (at: number, shard: number, id: number) => void,
  local?: LocalShard<T>,
): Promise<T[]> {
  const { Worker } = await import('node:worker_threads');
  const ctlBuf = new SharedArrayBuffer(4 * count);
  const ctl = new Int32Array(ctlBuf);
  const queues: Chunk[][] = Array.from({ length: count }, () => []);
  /** Shard 0's written chunks' buffers, for its next chunks (the local shard's `room` below). */
  const spare: Uint8Array[] = [];
  /** Next entry of each queue's first chunk. */
  const at = new Array<number>(count).fill(0);
  const done = new Array<boolean>(count).fill(false);
  const results = new Array<T>(count);
  const errors: (Error | undefined)[] = new Array(count).fill(undefined);
  const out = new OutBlock(write);
  /** Next hole (pair index) of each queue's first chunk. */
  const holeAt = new Array<number>(count).fill(0);
  /** Holes of shard `k`'s chunk `c` in [from, to), told where they land in the output (before the bytes are put). */
  const holesIn = (k: number, c: Chunk, from: number, to: number): void => {
    const h = c.holes;
    if (!h || !onHole) return;
    const base = out.total - from;
    let i = holeAt[k]!;
    while (i < h.length && h[i]! < to) {
      onHole(base + h[i]!, k, h[i + 1]!);
      i += 2;
    }
    holeAt[k] = i;
  };
  /** Writes every frame that can be written now. */
  const drain = (): boolean => {
    for (;;) {
      let best = -1;
      let bestFrame = Infinity;
      let second = Infinity;
      for (let k = 0; k < count; k++) {
        const q = queues[k]!;
        if (q.length === 0) {
          if (!done[k]) return false;
          continue;
        }
        const f = q[0]!.frames[at[k]!]!;
        if (f < bestFrame) {
          second = bestFrame;
          bestFrame = f;
          best = k;
        } else if (f < second) second = f;
      }
      if (best < 0) return true;
      // The run of shard `best`'s frames before any other shard's next one: one copy.
      const q = queues[best]!;
      const c = q[0]!;
      let i = at[best]!;
      const from = i === 0 ? 0 : c.ends[i - 1]!;
      const n = c.frames.length;
      while (i < n && c.frames[i]! < second) i++;
      const to = c.ends[i - 1]!;
      // (A hole is inside a line, before its newline: never at a frame's end.)
      holesIn(best, c, from, to);
      out.put(c.bytes.subarray(from, to));
      if (i === n) {
        q.shift();
        if (best === 0 && local && c.bytes.buffer.byteLength === SLOT_BYTES && spare.length < MAX_AHEAD) spare.push(new Uint8Array(c.bytes.buffer));
        at[best] = 0;
        holeAt[best] = 0;
        if (best === 0 && roomWaiter && q.length < MAX_AHEAD) {
          const r = roomWaiter;
          roomWaiter = undefined;
          r();
        }
        Atomics.add(ctl, best, 1);
        Atomics.notify(ctl, best);
      } else at[best] = i;
    }
  };
  /** The local shard waits for room (see pause) until this is called. */
  let roomWaiter: (() => void) | undefined;
  const workers: Worker[] = [];
  const finished = Array.from({ length: count }, (_, index) => new Promise<void>((resolve) => {
    if (index === 0 && local) {
      // Shard 0 in this thread: its chunks go straight to its queue; between blocks of the file
      // it lets the event loop take the workers' chunks, and waits while its own are too many.
      const sender: ChunkSink = {
        room(n: number): Uint8Array {
          const b = n <= SLOT_BYTES ? spare.pop() ?? new Uint8Array(SLOT_BYTES) : new Uint8Array(n);
          return b.subarray(0, n);
        },
        send(chunk: Chunk): void {
          queues[0]!.push(chunk);
          drain();
        },
      };
      const pause = (): Promise<void> => new Promise<void>((res) => {
        if (queues[0]!.length < MAX_AHEAD) setImmediate(res);
        else roomWaiter = res;
      });
      local(sender, pause).then(
        (r) => {
          results[0] = r;
        },
        (e: unknown) => {
          errors[0] = e instanceof Error ? e : new Error(String(e));
        },
      ).finally(() => {
        done[0] = true;
        resolve();
      });
      return;
    }
    const slots = new SharedArrayBuffer(MAX_AHEAD * SLOT_BYTES);
    const w = new Worker(worker, { resourceLimits: WORKER_LIMITS, workerData: { ...data, index, count, ctl: ctlBuf, slots, sessionOptions: commandSessionOptions() } satisfies OrderedShardData });
    workers.push(w);
    const end = (e?: Error) => {
      if (done[index]) return;
      if (e) errors[index] = e;
      done[index] = true;
      resolve();
    };
    w.on('message', (m: WorkerMessage) => {
      if (m.kind === 'chunk') {
        const { slot, length, bytes, ...rest } = m.chunk;
        queues[index]!.push({ ...rest, bytes: slot < 0 ? bytes! : new Uint8Array(slots, slot * SLOT_BYTES, length) });
        drain();
      } else if (m.kind === 'done') {
        results[index] = m.result as T;
        end();
      } else end(revive(m.error));
    });
    w.once('error', (e) => end(e));
    w.once('exit', (code) => end(code === 0 ? undefined : new Error(`read worker ${index} exited with code ${code}`)));
  }).then(() => void drain()));
  try {
    // Chunks are written as they come (each one written may free a worker waiting for room); a
    // worker's chunks all arrive before its 'done'.
    await Promise.all(finished);
    drain();
  } finally {
    for (const w of workers) void w.terminate();
  }
  out.flush();
  const err = errors.find((e) => e !== undefined);
  if (err) throw err;
  return results;
}

/**
 * Shard 0 of an ordered read run by the calling thread (`runOrderedShards`'s `local`): sends its
 * chunks to `sender` and awaits `pause()` between blocks of the file.
 */
export type LocalShard<T> = (sender: ChunkSink, pause: () => Promise<void>) => Promise<T>;

/**
 * The worker's side of `runOrderedShards`: runs `fn` with its data and a ChunkSender (`fn` sends
 * all its text before it returns or throws), then posts `fn`'s result, or its error serialized.
 */
export async function serveOrderedShard<D extends OrderedShardData>(fn: (data: D, sender: ChunkSender) => Promise<unknown>): Promise<void> {
  const { parentPort, workerData } = await import('node:worker_threads');
  const data = workerData as D;
  const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(m, transfer);
  try {
    setCommandSessionOptions(data.sessionOptions);
    const result = await fn(data, new ChunkSender(post, new Int32Array(data.ctl), data.index, data.slots));
    post({ kind: 'done', result });
  } catch (e) {
    post({ kind: 'error', error: serializeError(e) });
  }
}

/** An error as plain data (its class name, message and own plain fields), to post to another thread. */
export function serializeError(e: unknown): SerializedError {
  const err = e instanceof Error ? e : new Error(String(e));
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(err)) if (typeof v !== 'object' && typeof v !== 'function') fields[k] = v;
  return { name: err.name, message: err.message, fields };
}
