/**
 * The UI thread's side of the analysis worker (./analysis-worker.ts): the tables of a file are read
 * once per file and shared by every analysis view (`tablesJob`), a connection's detail once per
 * stream (`connectionJob`). A job is an observable value: its state, progress and result, and
 * `subscribe` for the views (React's useSyncExternalStore).
 *
 * Run from the sources (vitest), the worker is the built copy in dist/ (a worker thread cannot
 * load .ts; test/global-setup.ts rebuilds dist/ when src/ is newer). `inProcess` runs the read in
 * this thread instead (tests that want no worker; the UI would wait for it).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SessionOptions } from '../../dissectors/session.js';
import { analyseFile, connectionDetail, type AnalysisProgress, type AnalysisResult, type ConnectionDetail } from './analysis.js';
import type { AnalysisMessage, AnalysisTask } from './analysis-worker.js';

export type JobState<T> =
  | { state: 'running'; progress?: AnalysisProgress }
  | { state: 'done'; result: T }
  | { state: 'failed'; message: string };

export class Job<T> {
  private listeners = new Set<() => void>();
  private worker: Worker | undefined;
  current: JobState<T> = { state: 'running' };

  set(s: JobState<T>): void {
    this.current = s;
    for (const l of [...this.listeners]) l();
  }

  /** React's useSyncExternalStore subscribe. */
  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  };

  get = (): JobState<T> => this.current;

  /** Stops the worker, if it still runs. */
  stop(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  run(task: AnalysisTask, inProcess: () => Promise<T>, useWorker: boolean): this {
    if (!useWorker) {
      inProcess().then((result) => this.set({ state: 'done', result }), (e: unknown) => this.set({ state: 'failed', message: e instanceof Error ? e.message : String(e) }));
      return this;
    }
    const w = new Worker(workerUrl(), { workerData: task });
    this.worker = w;
    let finished = false;
    const end = (s: JobState<T>) => {
      if (finished) return;
      finished = true;
      this.set(s);
      void w.terminate();
      this.worker = undefined;
    };
    w.on('message', (m: AnalysisMessage) => {
      if (finished) return;
      if (m.type === 'progress') this.set({ state: 'running', progress: m.progress });
      else if (m.type === 'error') end({ state: 'failed', message: m.message });
      else end({ state: 'done', result: m.result as T });
    });
    w.on('error', (e) => end({ state: 'failed', message: e.message }));
    w.on('exit', (code) => end({ state: 'failed', message: `the analysis worker stopped (exit code ${code})` }));
    return this;
  }
}

/** The worker's module: beside this one in dist/, or the built copy when run from the sources. */
export function workerUrl(): URL {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return new URL('./analysis-worker.js', import.meta.url);
  const built = here.replace(/\/src\/tui\/views\/analysis-job\.ts$/, '/dist/tui/views/analysis-worker.js');
  if (!existsSync(built)) throw new Error(`the analysis worker is not built (${built}): npm run build`);
  return pathToFileURL(built);
}

/** Where the reads run: a worker (default) or this thread (tests). */
export const analysisRuntime = { useWorker: true };

const tables = new Map<string, Job<AnalysisResult>>();
const connections = new Map<string, Job<ConnectionDetail>>();

const keyOf = (file: string, o: SessionOptions, extra = '') => `${file}\u0000${JSON.stringify(o)}\u0000${extra}`;

/** The tables of `file` (started on first use, shared by the views). */
export function tablesJob(file: string, sessionOptions: SessionOptions): Job<AnalysisResult> {
  const k = keyOf(file, sessionOptions);
  let j = tables.get(k);
  if (!j) {
    j = new Job<AnalysisResult>().run({ task: 'tables', file, sessionOptions }, () => analyseFile(file, sessionOptions), analysisRuntime.useWorker);
    tables.set(k, j);
  }
  return j;
}

/** The doctor's data for one connection (read on first use; the last few are kept). */
export function connectionJob(file: string, stream: number, sessionOptions: SessionOptions): Job<ConnectionDetail> {
  const k = keyOf(file, sessionOptions, String(stream));
  let j = connections.get(k);
  if (!j) {
    j = new Job<ConnectionDetail>().run({ task: 'connection', file, stream, sessionOptions }, () => connectionDetail(file, stream, sessionOptions), analysisRuntime.useWorker);
    connections.set(k, j);
    // Keep the last 8 connections' data.
    for (const [key, old] of connections) {
      if (connections.size <= 8) break;
      old.stop();
      connections.delete(key);
    }
  }
  return j;
}
