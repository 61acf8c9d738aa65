/**
 * React hooks over the analysis jobs (./analysis-job.ts): a view subscribes to the file's tables
 * (or a connection's detail) and re-renders when the job moves; the job is started on first use.
 */
import { useSyncExternalStore } from 'react';
import type { SessionOptions } from '../../dissectors/session.js';
import type { PacketStoreView } from '../contract.js';
import { connectionJob, tablesJob, type JobState } from './analysis-job.js';
import type { AnalysisResult, ConnectionDetail } from './analysis.js';

const NONE: JobState<never> = { state: 'failed', message: 'the analysis views read a capture file (not a live capture)' };
const noop = () => () => {};

export function useTables(file: string | undefined, sessionOptions: SessionOptions): JobState<AnalysisResult> {
  const job = file === undefined ? undefined : tablesJob(file, sessionOptions);
  return useSyncExternalStore(job?.subscribe ?? noop, job?.get ?? (() => NONE));
}

export function useConnection(file: string | undefined, stream: number | undefined, sessionOptions: SessionOptions): JobState<ConnectionDetail> | undefined {
  const job = file === undefined || stream === undefined || stream < 0 ? undefined : connectionJob(file, stream, sessionOptions);
  return useSyncExternalStore(job?.subscribe ?? noop, job?.get ?? (() => (file === undefined ? NONE : undefined)));
}

/** What a running job shows: the pass and the frames read of the store's total. */
export function progressText(s: JobState<unknown>, store: PacketStoreView, what: string): string {
  if (s.state === 'failed') return s.message;
  if (s.state === 'done') return '';
  const p = s.progress;
  const total = store.count();
  if (!p) return `Reading ${store.source} for ${what}…`;
  const pct = total > 0 ? ` (${Math.min(100, Math.round((p.frames / total) * 100))}%)` : '';
  return `Reading ${store.source} for ${what}: pass ${p.pass} of 2, ${p.frames.toLocaleString('en-US')}${total ? ` of ${total.toLocaleString('en-US')}` : ''} frames${pct}`;
}
