/**
 * The probe views' state: what a probe engine reported so far (src/probe's onEvent/onReport
 * hooks), folded by pure reducers, in a small store the views subscribe to. The views only
 * render it; the engines, run by src/tui/probe/run.tsx, fill it.
 */
import { useSyncExternalStore } from 'react';
import { PingStats } from '../../probe/ping-stats.js';
import type { PingEvent } from '../../probe/ping.js';
import type { HopRow } from '../../probe/traceroute.js';
import type { PmtudEvent } from '../../probe/pmtud.js';

/** A value that changes, and the components that re-render when it does. */
export class ProbeStore<S> {
  private readonly listeners = new Set<() => void>();
  private version = 0;
  constructor(readonly state: S) {}
  /** Changes the state in place and tells the views. */
  update(change: (s: S) => void): void {
    change(this.state);
    this.version++;
    for (const l of this.listeners) l();
  }
  readonly subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  readonly snapshot = (): number => this.version;
}

/** The store's state, re-rendering on every update. */
export function useProbeStore<S>(store: ProbeStore<S>): S {
  useSyncExternalStore(store.subscribe, store.snapshot);
  return store.state;
}

/** Lines the engine wrote (its error and --explain lines), the last few kept. */
const MAX_NOTES = 4;
function note(notes: string[], line: string): void {
  notes.push(line);
  if (notes.length > MAX_NOTES) notes.shift();
}

// ---------------------------------------------------------------- ping

export interface PingState {
  host: string;
  /** iputils' counters and RTT sums, as `ping` prints them. */
  stats: PingStats;
  /** Per request (index seq-1): its round trip in ms, null while unanswered or when it had none. */
  rtts: (number | null)[];
  /** The last reply. */
  last?: { seq: number; from: string; ttl: number; time?: number };
  /** The last error (unreachable, too big, ...). */
  error?: string;
  notes: string[];
  done: boolean;
}

export function pingState(host: string): PingState {
  return { host, stats: new PingStats(), rtts: [], notes: [], done: false };
}

export function pingEvent(s: PingState, e: PingEvent): void {
  switch (e.type) {
    case 'sent':
      s.stats.transmitted++;
      s.rtts[e.icmp_seq - 1] = null;
      break;
    case 'reply':
      if (e.duplicate) s.stats.duplicates++;
      else s.stats.received++;
      if (e.time !== undefined) {
        s.stats.addRtt(e.time * 1000);
        if (!e.duplicate) s.rtts[e.icmp_seq - 1] = e.time;
      }
      s.last = { seq: e.icmp_seq, from: e.from, ttl: e.ttl, ...(e.time !== undefined ? { time: e.time } : {}) };
      break;
    case 'error':
      s.stats.errors++;
      s.error = `From ${e.from} icmp_seq=${e.icmp_seq} ${e.message}`;
      break;
  }
}

export function pingNote(s: PingState, line: string): void {
  note(s.notes, line);
}

// ---------------------------------------------------------------- traceroute

export interface TraceState {
  host: string;
  rows: HopRow[];
  rounds: number;
  notes: string[];
  done: boolean;
}

export function traceState(host: string): TraceState {
  return { host, rows: [], rounds: 0, notes: [], done: false };
}

export function traceRound(s: TraceState, rows: HopRow[]): void {
  s.rows = rows;
  s.rounds++;
}

export function traceNote(s: TraceState, line: string): void {
  note(s.notes, line);
}

// ---------------------------------------------------------------- pmtud

export interface PmtudState {
  host: string;
  /** The interface's MTU and the floor every path takes (576 / 1280), once the search starts. */
  ifMtu?: number;
  floor?: number;
  iface?: string;
  destination?: string;
  /** The largest size answered, and the smallest known not to pass (lost, or above a named MTU). */
  lo?: number;
  hi?: number;
  probes: Extract<PmtudEvent, { type: 'probe' }>[];
  summary?: Extract<PmtudEvent, { type: 'summary' }>;
  notes: string[];
  done: boolean;
}

export function pmtudState(host: string): PmtudState {
  return { host, probes: [], notes: [], done: false };
}

export function pmtudEvent(s: PmtudState, e: PmtudEvent): void {
  switch (e.type) {
    case 'start':
      s.ifMtu = e.mtu;
      s.floor = e.floor;
      s.iface = e.iface;
      s.destination = e.destination;
      s.hi = e.mtu + 1;
      break;
    case 'probe':
      s.probes.push(e);
      if (e.result === 'reached') s.lo = Math.max(s.lo ?? 0, e.size);
      else if (e.result === 'too-big' && e.mtu !== undefined && e.mtu < e.size) s.hi = Math.min(s.hi ?? Infinity, e.mtu + 1);
      else s.hi = Math.min(s.hi ?? Infinity, e.size);
      break;
    case 'summary':
      s.summary = e;
      s.lo = e.pmtu;
      break;
  }
}

export function pmtudNote(s: PmtudState, line: string): void {
  note(s.notes, line);
}
