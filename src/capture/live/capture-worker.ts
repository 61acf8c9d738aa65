/**
 * The capture worker: owns one libpcap handle, reads packets in batches into ArrayBuffers and
 * transfers each filled buffer to the main thread (no copy). The main thread sends buffers back
 * when it is done with them (a pool), so a steady capture allocates nothing.
 *
 * The read loop is synchronous: the handle's read waits at most `POLL_MS` for packets, then the
 * loop checks the shared stop flag and takes back returned buffers with `receiveMessageOnPort`.
 * When the main thread falls behind, new buffers are allocated up to `maxInFlightBytes`; past that
 * the worker waits for a buffer and the kernel ring absorbs the rest (and counts what it drops).
 *
 * Messages to the main thread: `ready` (link type, snap length, precision, warning), then `batch`
 * messages (and about every `STATS_MS` a `stats` message: libpcap's counters so far), then `end`
 * (final statistics and the error that ended the capture, if any). On an open error only `error`
 * is sent. The worker then returns and exits by itself.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { openHandle, type NativeHandle, type PcapStats } from './binding.js';
import { LiveCaptureError } from './live-error.js';
import { CONTROL, POLL_MS, STATS_MS, STOP_DRAIN, type WorkerInput, type WorkerMessage } from './worker-protocol.js';

/** Most batches taken in the final drain (bounds the time a stop can take under load). */
const DRAIN_BATCHES = 64;

function post(m: WorkerMessage, transfer?: ArrayBuffer[]): void {
  parentPort!.postMessage(m, transfer);
}

function run(input: WorkerInput): void {
  const control = new Int32Array(input.control);
  let handle: NativeHandle;
  try {
    handle = openHandle(input.device, input.open);
  } catch (e) {
    post({ type: 'error', error: LiveCaptureError.from(e).toJSON() });
    input.returns.close();
    return;
  }
  try {
    if (input.filter !== undefined && input.filter.trim() !== '') handle.setFilter(input.filter);
  } catch (e) {
    handle.close();
    post({ type: 'error', error: LiveCaptureError.from(e).toJSON() });
    input.returns.close();
    return;
  }
  const warning = handle.warning();
  post({ type: 'ready', linkType: handle.datalink(), snaplen: handle.snapshot(), nanoseconds: handle.nanoseconds(), ...(warning ? { warning } : {}) });

  const pool: ArrayBuffer[] = [];
  let allocated = 0;
  const takeReturns = (): void => {
    for (;;) {
      const m = receiveMessageOnPort(input.returns);
      if (m === undefined) return;
      pool.push(m.message as ArrayBuffer);
    }
  };
  /** A free buffer, or undefined when a stop was requested while waiting for one. */
  const getBuffer = (): ArrayBuffer | undefined => {
    for (;;) {
      takeReturns();
      const b = pool.pop();
      if (b !== undefined) return b;
      if (allocated + input.batchBytes <= input.maxInFlightBytes || allocated === 0) {
        allocated += input.batchBytes;
        return new ArrayBuffer(input.batchBytes);
      }
      if (Atomics.load(control, CONTROL.STOP) !== 0) return undefined;
      const seen = Atomics.load(control, CONTROL.RETURNED);
      takeReturns();
      if (pool.length === 0) Atomics.wait(control, CONTROL.RETURNED, seen, POLL_MS);
    }
  };

  let error: { code: string; message: string } | undefined;
  const readInto = (buf: ArrayBuffer, timeoutMs: number): number => {
    const n = handle.read(new Uint8Array(buf), timeoutMs);
    if (n > 0) post({ type: 'batch', buffer: buf, count: n }, [buf]);
    else pool.push(buf);
    if (handle.takeLinkDown()) post({ type: 'linkdown' });
    return n;
  };
  let statsAt = Date.now();
  try {
    while (Atomics.load(control, CONTROL.STOP) === 0) {
      const buf = getBuffer();
      if (buf === undefined) break;
      readInto(buf, POLL_MS);
      const now = Date.now();
      if (now - statsAt >= STATS_MS) {
        statsAt = now;
        // After the batches read so far (messages keep their order). A device that cannot give
        // statistics sends none: the final `end` says so by having none either.
        let s: PcapStats | undefined;
        try {
          s = handle.stats();
        } catch {
          s = undefined;
        }
        if (s) post({ type: 'stats', stats: s });
      }
    }
    if (Atomics.load(control, CONTROL.STOP) === STOP_DRAIN) {
      // What the kernel has already accepted is saved too (without waiting for more).
      for (let i = 0; i < DRAIN_BATCHES; i++) {
        const buf = getBuffer();
        if (buf === undefined || readInto(buf, 0) === 0) break;
      }
    }
  } catch (e) {
    error = LiveCaptureError.from(e).toJSON();
  }
  let stats: PcapStats | undefined;
  try {
    stats = handle.stats();
  } catch {
    stats = undefined;
  }
  handle.close();
  post({ type: 'end', ...(stats ? { stats } : {}), ...(error ? { error } : {}) });
  input.returns.close();
}

if (parentPort !== null && workerData !== undefined) run(workerData as WorkerInput);
