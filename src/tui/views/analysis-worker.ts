/**
 * The analysis views' worker thread: runs ./analysis.ts's reads off the UI thread and posts their
 * results (and the progress of the table read) back. Messages: see `AnalysisTask` and
 * `AnalysisMessage`; ./analysis-job.ts is the UI thread's side.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { analyseFile, connectionDetail, type AnalysisProgress, type AnalysisResult, type ConnectionDetail } from './analysis.js';
import type { SessionOptions } from '../../dissectors/session.js';

export type AnalysisTask =
  | { task: 'tables'; file: string; sessionOptions: SessionOptions }
  | { task: 'connection'; file: string; stream: number; sessionOptions: SessionOptions };

export type AnalysisMessage =
  | { type: 'progress'; progress: AnalysisProgress }
  | { type: 'tables'; result: AnalysisResult }
  | { type: 'connection'; result: ConnectionDetail }
  | { type: 'error'; message: string };

const post = (m: AnalysisMessage) => parentPort!.postMessage(m);

async function main(t: AnalysisTask): Promise<void> {
  try {
    if (t.task === 'tables') post({ type: 'tables', result: await analyseFile(t.file, t.sessionOptions, (progress) => post({ type: 'progress', progress })) });
    else post({ type: 'connection', result: await connectionDetail(t.file, t.stream, t.sessionOptions) });
  } catch (e) {
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
}

if (parentPort) void main(workerData as AnalysisTask);
