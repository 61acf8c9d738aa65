/**
 * The UI thread's side of the store's worker (./worker.ts): indexing a file into a PacketStore,
 * and running a display filter over it, each in its own worker thread, stoppable at any time.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SessionOptions } from '../../dissectors/session.js';
import { collectGarbage } from '../../pipeline/index.js';
import type { FilteredFrames, PacketStore } from './packet-store.js';
import type { WorkerMessage, WorkerTask } from './worker.js';

/**
 * The worker's module: beside this one in dist/. Run from the sources (vitest), the built copy
 * in dist/ (test/global-setup.ts rebuilds it when src/ is newer): a worker thread cannot load .ts.
 */
export function workerUrl(): URL {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return new URL('./worker.js', import.meta.url);
  const built = here.replace(/\/src\/tui\/store\/indexer\.ts$/, '/dist/tui/store/worker.js');
  if (!existsSync(built)) throw new Error(`the store's worker is not built (${built}): npm run build`);
  return pathToFileURL(built);
}

export interface Job {
  /** Resolves when the worker has finished (or failed, or was stopped). */
  done: Promise<void>;
  stop(): void;
}

function start(task: WorkerTask, onMessage: (m: WorkerMessage) => void, onExit: (error?: string) => void): Job {
  const w = new Worker(workerUrl(), { workerData: task });
  let finished = false;
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  const end = (error?: string) => {
    if (finished) return;
    finished = true;
    onExit(error);
    resolve();
  };
  w.on('message', (m: WorkerMessage) => {
    if (finished) return;
    onMessage(m);
    if (m.type === 'done' || m.type === 'error') {
      end();
      void w.terminate();
    }
  });
  w.on('error', (e) => end(e.message));
  w.on('exit', (code) => end(code === 0 ? undefined : `the worker stopped (exit code ${code})`));
  return {
    done,
    stop() {
      if (finished) return;
      finished = true;
      resolve();
      void w.terminate();
    },
  };
}

/** Indexes `file` into `store` in a worker (the store's progress says how far it is). */
/** The UI thread collects its garbage (rows made for the screen, React's renders) every this many batches. */
const GC_EVERY_BATCHES = 16;

export function indexFile(store: PacketStore, file: string, sessionOptions: SessionOptions): Job {
  let pass: 1 | 2 = 1;
  let batches = 0;
  return start(
    { task: 'index', file, sessionOptions },
    (m) => {
      switch (m.type) {
        case 'format':
          store.pcapng = m.pcapng;
          store.twoPass = m.twoPass;
          break;
        case 'interface':
          store.addInterface(m.info);
          break;
        case 'secrets':
          store.secrets.push(m.secrets);
          break;
        case 'batch':
          store.addBatch(m.batch);
          // V8 lets the heap of a mostly idle thread grow between its lazy full collections: while
          // two million rows arrive, that was tens of MB beside the rows themselves.
          if (++batches % GC_EVERY_BATCHES === 0) collectGarbage();
          if (m.batch.pass === 2 && pass === 1) pass = 2;
          if (m.batch.pass === 2) store.setProgress({ phase: 'analysing', frames: store.count(), fraction: store.progress().fraction });
          break;
        case 'progress':
          pass = m.pass;
          store.setProgress({ phase: m.pass === 1 ? 'indexing' : 'analysing', frames: store.count(), fraction: m.fraction });
          break;
        case 'done':
          store.setProgress({ phase: 'done', frames: store.count() });
          break;
        case 'error':
          store.setProgress({ phase: 'failed', frames: store.count(), message: m.message });
          break;
      }
    },
    (error) => {
      if (error) store.setProgress({ phase: 'failed', frames: store.count(), message: error });
    },
  );
}

/** Runs display filter `expr` over `file` in a worker, filling `store.filtered`. */
export function filterFile(store: PacketStore, file: string, expr: string, sessionOptions: SessionOptions): { job: Job; filtered: FilteredFrames } {
  const filtered = store.startFilter(expr);
  const job = start(
    { task: 'filter', file, filter: expr, sessionOptions },
    (m) => {
      if (store.filtered !== filtered) return;
      switch (m.type) {
        case 'matches':
          store.addMatches(filtered, m.frames);
          break;
        case 'progress':
          filtered.fraction = (m.pass - 1) / 2 + m.fraction / 2;
          store.changed();
          break;
        case 'done':
          filtered.done = true;
          filtered.fraction = 1;
          store.changed();
          break;
        case 'error':
          filtered.done = true;
          filtered.error = m.message;
          store.changed();
          break;
      }
    },
    (error) => {
      if (error && store.filtered === filtered) {
        filtered.done = true;
        filtered.error = error;
        store.changed();
      }
    },
  );
  return { job, filtered };
}
