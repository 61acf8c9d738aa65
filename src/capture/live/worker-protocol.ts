/**
 * What the capture worker and the main thread say to each other: the worker's input, its
 * messages, and the control words they share.
 */
import type { MessagePort } from 'node:worker_threads';
import type { OpenOptions, PcapStats } from './binding.js';

/** Longest wait inside one native read: bounds how late a stop request is seen. */
export const POLL_MS = 50;

/** How often the worker sends libpcap's statistics while capturing (`stats` messages). */
export const STATS_MS = 1000;

/** Control words shared with the main thread (Int32Array over a SharedArrayBuffer). */
export const CONTROL = {
  /** 0 run; STOP_DRAIN: take what the kernel already holds, then stop; STOP_NOW: stop at once. */
  STOP: 0,
  /** Bumped (and notified) by the main thread each time it returns a buffer. */
  RETURNED: 1,
  WORDS: 2,
} as const;
export const STOP_DRAIN = 1;
export const STOP_NOW = 2;

export interface WorkerInput {
  device: string;
  open: OpenOptions;
  filter?: string;
  /** Size of each batch buffer. */
  batchBytes: number;
  /** Limit on buffers held by the main thread (and being filled). */
  maxInFlightBytes: number;
  control: SharedArrayBuffer;
  returns: MessagePort;
}

export type WorkerMessage =
  | { type: 'ready'; linkType: number; snaplen: number; nanoseconds: boolean; warning?: string }
  | { type: 'error'; error: { code: string; message: string } }
  | { type: 'batch'; buffer: ArrayBuffer; count: number }
  | { type: 'linkdown' }
  /** libpcap's statistics so far (pcap_stats), about every STATS_MS while capturing. */
  | { type: 'stats'; stats: PcapStats }
  | { type: 'end'; stats?: PcapStats; error?: { code: string; message: string } };

