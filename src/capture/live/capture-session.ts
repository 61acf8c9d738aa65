/**
 * A live capture seen from the main thread: starts the capture worker, turns each transferred
 * batch into `Frame`s (views over the batch, no copy) for a callback, hands the buffer back to the
 * worker's pool, and stops on request with the final libpcap statistics.
 *
 * Frames are valid only during the callback (their bytes are reused by later batches): a consumer
 * that keeps one copies it, as the writer and the dissectors' reassembly already do.
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { Direction, type Frame } from '../frame.js';
import { loadBinding, RECORD_HEADER, type OpenOptions, type PcapStats } from './binding.js';
import { linkTypeOfDlt } from './devices.js';
import { LiveCaptureError } from './live-error.js';
import { CONTROL, STOP_DRAIN, STOP_NOW, type WorkerInput, type WorkerMessage } from './worker-protocol.js';

/** Size of one batch buffer: enough for thousands of small packets per transfer. */
export const BATCH_BYTES = 1 << 20;
/** Memory the main thread may fall behind by before the kernel ring has to absorb the rest. */
export const MAX_IN_FLIGHT_BYTES = 64 << 20;

export interface LiveCaptureOptions extends OpenOptions {
  device: string;
  /** A BPF filter in libpcap's syntax. */
  filter?: string;
  batchBytes?: number;
  maxInFlightBytes?: number;
}

export interface LiveCaptureInfo {
  device: string;
  /** LINKTYPE_ value of the frames (what files and dissectors use). */
  linkType: number;
  /** The DLT_ value libpcap reports (differs from linkType for raw IP: 12 vs 101). */
  dlt: number;
  snaplen: number;
  /** True when the kernel gives nanosecond time stamps (else microseconds, scaled). */
  nanoseconds: boolean;
  warning?: string;
}

export interface LiveCaptureEnd {
  /** Frames delivered to the callback. */
  delivered: number;
  /** libpcap's final statistics (absent if the device could not give them). */
  stats?: PcapStats;
  /** What ended the capture, when it was not a stop request (the interface went down, ...). */
  error?: LiveCaptureError;
  /** What the frame callback threw (the capture was stopped then; no later frame was delivered). */
  consumerError?: unknown;
}

/**
 * Called for each packet, in order. Return `false` to stop at once: no later frame is delivered
 * (the -c and packet-count conditions).
 */
export type FrameCallback = (frame: Frame) => boolean | void;

export interface LiveCaptureEvents {
  /** Called after each batch (flush printed output here). */
  onBatchEnd?: () => void;
  /** The interface was taken down: the capture stays open and resumes when it is up again. */
  onLinkDown?: () => void;
  /**
   * libpcap's statistics so far, about once a second while capturing (after the batches read
   * before them). Not called when the device gives none.
   */
  onStats?: (stats: PcapStats) => void;
}

export class LiveCapture {
  /** Resolves when the worker is gone and every batch was delivered. */
  readonly ended: Promise<LiveCaptureEnd>;
  private delivered = 0;
  private refusing = false;
  private stats: PcapStats | undefined;
  private error: LiveCaptureError | undefined;
  private consumerError: unknown;
  private consumerFailed = false;
  /** Batches that arrived before start(), delivered by it in order. */
  private waiting: Array<{ buffer: ArrayBuffer; count: number }> | undefined = [];
  private readonly control: Int32Array;

  private constructor(
    readonly info: LiveCaptureInfo,
    private readonly worker: Worker,
    control: SharedArrayBuffer,
    private readonly returns: MessagePort,
    private readonly onFrame: FrameCallback,
    private readonly events: LiveCaptureEvents,
  ) {
    this.control = new Int32Array(control);
    this.ended = new Promise((resolve) => {
      worker.on('message', (m: WorkerMessage) => this.onMessage(m));
      worker.on('error', (e) => {
        this.error ??= LiveCaptureError.from(e);
      });
      worker.once('exit', () => {
        returns.close();
        resolve({
          delivered: this.delivered,
          ...(this.stats ? { stats: this.stats } : {}),
          ...(this.error ? { error: this.error } : {}),
          ...(this.consumerFailed ? { consumerError: this.consumerError } : {}),
        });
      });
    });
  }

  /**
   * Opens the device in a new worker and starts capturing. Rejects with a LiveCaptureError when the
   * addon is missing or the device cannot be opened (EPERM, ENODEV, EBADFILTER, ...).
   */
  static open(opts: LiveCaptureOptions, onFrame: FrameCallback, events: LiveCaptureEvents = {}): Promise<LiveCapture> {
    loadBinding(); // EUNAVAILABLE here, before any thread is started
    const { device, filter, batchBytes, maxInFlightBytes, ...open } = opts;
    const control = new SharedArrayBuffer(CONTROL.WORDS * 4);
    const { port1, port2 } = new MessageChannel();
    const input: WorkerInput = {
      device,
      open,
      ...(filter !== undefined ? { filter } : {}),
      batchBytes: Math.max(batchBytes ?? BATCH_BYTES, (open.snaplen || 262144) + RECORD_HEADER.BYTES + 8),
      maxInFlightBytes: maxInFlightBytes ?? MAX_IN_FLIGHT_BYTES,
      control,
      returns: port2,
    };
    const worker = new Worker(new URL('./capture-worker.js', import.meta.url), { workerData: input, transferList: [port2] });
    return new Promise((resolve, reject) => {
      const early = (m: WorkerMessage) => {
        if (m.type === 'ready') {
          worker.off('message', early);
          worker.off('error', failed);
          worker.off('exit', exited);
          const info: LiveCaptureInfo = { device, linkType: linkTypeOfDlt(m.linkType), dlt: m.linkType, snaplen: m.snaplen, nanoseconds: m.nanoseconds, ...(m.warning ? { warning: m.warning } : {}) };
          resolve(new LiveCapture(info, worker, control, port1, onFrame, events));
        } else if (m.type === 'error') {
          worker.off('message', early);
          reject(LiveCaptureError.from(m.error));
        }
      };
      const failed = (e: Error) => reject(LiveCaptureError.from(e));
      const exited = () => {
        port1.close();
        reject(new LiveCaptureError('EPCAP', 'the capture worker ended before the device was open'));
      };
      worker.on('message', early);
      worker.once('error', failed);
      worker.once('exit', exited);
    });
  }

  /**
   * Starts delivering frames to the callback. Until then batches wait (the caller can finish its
   * setup, e.g. drop privileges and create files, after the device is open without losing any).
   */
  start(): void {
    const w = this.waiting;
    if (w === undefined) return;
    this.waiting = undefined;
    for (const b of w) this.onBatch(b.buffer, b.count);
  }

  /**
   * Asks the worker to stop. `drain` (signals, time limits) first takes what the kernel has
   * already accepted; `now` (packet counts) stops at once. Safe to call more than once.
   */
  stop(how: 'drain' | 'now' = 'drain'): void {
    const v = how === 'now' ? STOP_NOW : STOP_DRAIN;
    if (Atomics.load(this.control, CONTROL.STOP) === 0 || v === STOP_NOW) Atomics.store(this.control, CONTROL.STOP, v);
    Atomics.notify(this.control, CONTROL.RETURNED);
  }

  /** Frames delivered so far. */
  get count(): number {
    return this.delivered;
  }

  private onMessage(m: WorkerMessage): void {
    switch (m.type) {
      case 'batch':
        if (this.waiting) this.waiting.push({ buffer: m.buffer, count: m.count });
        else this.onBatch(m.buffer, m.count);
        return;
      case 'linkdown':
        this.events.onLinkDown?.();
        return;
      case 'stats':
        this.events.onStats?.(m.stats);
        return;
      case 'end':
        if (m.stats) this.stats = m.stats;
        if (m.error) this.error = LiveCaptureError.from(m.error);
        return;
      default:
        return;
    }
  }

  private onBatch(buffer: ArrayBuffer, count: number): void {
    try {
      this.deliver(buffer, count);
    } catch (e) {
      if (!this.consumerFailed) {
        this.consumerFailed = true;
        this.consumerError = e;
      }
      this.refusing = true;
      this.stop('now');
    } finally {
      this.returns.postMessage(buffer, [buffer]);
      Atomics.add(this.control, CONTROL.RETURNED, 1);
      Atomics.notify(this.control, CONTROL.RETURNED);
    }
  }

  private deliver(buffer: ArrayBuffer, count: number): void {
    if (this.refusing) return;
    const words = new Uint32Array(buffer);
    const linkType = this.info.linkType;
    let off = 0;
    for (let i = 0; i < count; i++) {
      const w = off >>> 2;
      const capLen = words[w + RECORD_HEADER.CAPLEN]!;
      const frame: Frame = {
        number: this.delivered + 1,
        tsSec: words[w + RECORD_HEADER.SEC_LO]! + words[w + RECORD_HEADER.SEC_HI]! * 0x1_0000_0000,
        tsNsec: words[w + RECORD_HEADER.NSEC]!,
        hasTime: true,
        capLen,
        origLen: words[w + RECORD_HEADER.ORIGLEN]!,
        linkType,
        interfaceId: 0,
        direction: Direction.Unknown,
        data: new Uint8Array(buffer, off + RECORD_HEADER.BYTES, capLen),
      };
      off += RECORD_HEADER.BYTES + ((capLen + 7) & ~7);
      this.delivered++;
      if (this.onFrame(frame) === false) {
        this.refusing = true;
        this.stop('now');
        break;
      }
    }
    this.events.onBatchEnd?.();
  }
}
