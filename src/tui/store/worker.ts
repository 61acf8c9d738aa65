/**
 * The packet store's worker thread: reads a capture file through the pipeline while the UI is
 * up. Two tasks:
 *
 * - `index`: a two-pass read (as `wirelite read`, tshark -2) whose first pass already sends rows
 *   (pipeline option `firstPassSink`), so the list fills at once; the second pass sends the final
 *   rows (a DNS query's "response in", reassembly and TCP analysis known from later frames) in
 *   batches of the same frames, which replace the first pass's.
 * - `filter`: a display filter over the whole file (two passes, as `read -Y`): the numbers of the
 *   frames that match.
 *
 * Messages to the UI thread: see `WorkerMessage`.
 */
import { statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { DecryptionSecrets } from '../../capture/capture-parser.js';
import type { Frame, InterfaceInfo } from '../../capture/frame.js';
import { newSession } from '../../dissectors/session.js';
import type { SessionOptions } from '../../dissectors/session.js';
import type { Packet } from '../../dissectors/packet.js';
import { compile } from '../../filter/index.js';
import { runPipeline } from '../../pipeline/index.js';
import { offsetTrackingSource } from './frame-sources.js';
import { batchTransferables, RowBuilder, rowFieldIds, type RowBatch } from './rows.js';

export type WorkerTask =
  | { task: 'index'; file: string; sessionOptions: SessionOptions }
  | { task: 'filter'; file: string; filter: string; sessionOptions: SessionOptions };

export type WorkerMessage =
  | { type: 'format'; pcapng: boolean; twoPass: boolean }
  | { type: 'interface'; info: InterfaceInfo }
  | { type: 'secrets'; secrets: DecryptionSecrets }
  | { type: 'batch'; batch: RowBatch }
  | { type: 'progress'; pass: 1 | 2; frames: number; fraction: number }
  | { type: 'matches'; frames: Uint32Array }
  | { type: 'done'; frames: number }
  | { type: 'error'; message: string; frames: number };

/**
 * Files up to this size are read in two passes, as `wirelite read` (tshark -2): the list then shows
 * exactly read's text. A larger file is read once, as Wireshark's GUI and a live capture read: a
 * two-pass read keeps a note per frame for the second pass (about 125 bytes a frame), which on the
 * 2-million-packet bench would take the process past its 600 MB budget. Then what only later frames
 * tell (a request's "reply in", "reassembled in") is missing from the list, not from the tree.
 */
export const TWO_PASS_MAX_BYTES = 256 << 20;

function twoPassFor(file: string): boolean {
  try {
    return statSync(file).size <= TWO_PASS_MAX_BYTES;
  } catch {
    return true; // reading says why
  }
}

/** A partial batch goes out after this long, so the first screen does not wait for a full one. */
const FLUSH_MS = 120;
const PROGRESS_MS = 100;

const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(m, transfer);

async function index(file: string, sessionOptions: SessionOptions): Promise<void> {
  let offset = -1;
  let fraction = 0;
  const source = offsetTrackingSource(file, {
    onOffset: (_n, o) => void (offset = o),
    onBytes: (read, size) => void (fraction = size ? read / size : 0),
  });
  const session = newSession(sessionOptions);
  const twoPass = twoPassFor(file);
  const rows = new RowBuilder(twoPass ? 1 : 0);
  rows.pack = true;
  /** Row counts of the first pass's batches: the second pass cuts its batches at the same frames. */
  const cuts: number[] = [];
  let cutAt = 0;
  let lastFlush = Date.now();
  let lastProgress = 0;
  let frames = 0;
  const send = (b: RowBatch | undefined) => {
    if (!b) return;
    post({ type: 'batch', batch: b }, batchTransferables(b));
    lastFlush = Date.now();
  };
  const progress = (pass: 1 | 2, now: number) => {
    if (now - lastProgress < PROGRESS_MS) return;
    lastProgress = now;
    post({ type: 'progress', pass, frames, fraction });
  };
  const first = (pkt: Packet, frame: Frame) => {
    frames = frame.number;
    const full = rows.add(pkt, frame, offset);
    if (full) {
      cuts.push(full.count);
      send(full);
    }
    // Time is read once per 64 frames: Date.now() per frame would cost more than the row.
    if ((frame.number & 63) === 0) {
      const now = Date.now();
      if (now - lastFlush > FLUSH_MS && rows.pending > 0) {
        const b = rows.flush()!;
        cuts.push(b.count);
        send(b);
      }
      progress(1, now);
    }
  };
  let second = false;
  const final = (pkt: Packet, frame: Frame) => {
    if (!second) {
      second = true;
      const rest = rows.flush();
      if (rest) {
        cuts.push(rest.count);
        send(rest);
      }
      rows.startPass(2);
      cutAt = 0;
      lastProgress = 0;
    }
    rows.add(pkt, frame, offset);
    if (rows.pending === cuts[cutAt]) {
      cutAt++;
      send(rows.flush());
    }
    if ((frame.number & 63) === 0) progress(2, Date.now());
  };
  try {
    const summary = await runPipeline(
      {
        name: source.name,
        rereadable: true,
        read: (h, c) =>
          source.read(
            {
              ...h,
              onFormat: (f) => {
                post({ type: 'format', pcapng: f.name === 'pcapng', twoPass });
                h.onFormat?.(f);
              },
              onInterface: (info) => {
                if (session.pass !== 2) post({ type: 'interface', info });
                h.onInterface?.(info);
              },
              onDecryptionSecrets: (s) => {
                if (session.pass !== 2) post({ type: 'secrets', secrets: { type: s.type, data: s.data.slice() } });
                h.onDecryptionSecrets?.(s);
              },
            },
            c,
          ),
      },
      twoPass ? { columns: true, twoPass: true, count: 0, fields: rowFieldIds(), session, firstPassSink: first } : { columns: true, twoPass: false, count: 0, fields: rowFieldIds(), session },
      twoPass ? final : first,
    );
    send(rows.flush());
    post({ type: 'done', frames: summary.frames });
  } catch (e) {
    // The second pass failed where the first did (a damaged file): what was read stays listed.
    send(rows.flush());
    post({ type: 'error', message: e instanceof Error ? e.message : String(e), frames });
  }
}

async function filter(file: string, expr: string, sessionOptions: SessionOptions): Promise<void> {
  const compiled = compile(expr);
  if (!compiled.ok) {
    post({ type: 'error', message: compiled.error.message, frames: 0 });
    return;
  }
  let fraction = 0;
  let frames = 0;
  const source = offsetTrackingSource(file, { onOffset: (n) => void (frames = n), onBytes: (read, size) => void (fraction = size ? read / size : 0) });
  const session = newSession(sessionOptions);
  let matches = new Uint32Array(4096);
  let n = 0;
  let last = Date.now();
  const flush = () => {
    if (n === 0) return;
    const out = matches.slice(0, n);
    post({ type: 'matches', frames: out }, [out.buffer]);
    n = 0;
  };
  try {
    await runPipeline(
      source,
      {
        columns: false,
        twoPass: twoPassFor(file),
        count: 0,
        fields: compiled.fields,
        session,
        displayFilter: { test: compiled.filter },
        afterFrame: (frame) => {
          if ((frame.number & 255) === 0) {
            const now = Date.now();
            if (now - last > PROGRESS_MS) {
              last = now;
              flush();
              const pass = session.pass === 2 ? 2 : 1;
              post({ type: 'progress', pass, frames, fraction });
            }
          }
          return true;
        },
      },
      (_pkt, frame) => {
        if (n === matches.length) {
          const g = new Uint32Array(n * 2);
          g.set(matches);
          matches = g;
        }
        matches[n++] = frame.number;
      },
    );
    flush();
    post({ type: 'done', frames });
  } catch (e) {
    flush();
    post({ type: 'error', message: e instanceof Error ? e.message : String(e), frames });
  }
}

const t = workerData as WorkerTask;
if (t.task === 'index') await index(t.file, t.sessionOptions);
else await filter(t.file, t.filter, t.sessionOptions);
