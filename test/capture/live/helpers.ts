/**
 * Helpers for the live-capture tests: build once, run `wirelite capture` (optionally inside a
 * namespace or as another user), send traffic with the lab sender, parse tcpdump's summary, and
 * read the files back with our reader.
 *
 * The live tests need root (CAP_NET_RAW, namespaces) and the libpcap addon: CI runs as root and
 * installs libpcap-dev, so there they fail rather than skip when something is missing. Elsewhere,
 * as a normal user, they are skipped with the reason.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Frame } from '../../../src/capture/frame.js';
import { readCapture } from '../../../src/capture/reader.js';
import buildIfStale from '../../global-setup.js';

export const root = resolve(import.meta.dirname, '../../..');
export const bin = join(root, 'bin/wirelite');
export const sender = join(root, 'test/lab/udp-sender.mjs');
export const addon = join(root, 'native/build/Release/wirelite_pcap.node');

export const isRoot = process.getuid?.() === 0;
/** Run the live tests: as root (always in CI), or when asked. */
export const liveEnabled = isRoot || process.env.CI === 'true';


/**
 * Builds dist/ when src/ changed since the last build (CI's npm ci just built it: then nothing
 * is rewritten while other test files run the CLI), and the addon when it is missing.
 */
export function ensureBuilt(): void {
  buildIfStale();
  if (!existsSync(addon)) execFileSync(process.execPath, [join(root, 'native/install.mjs')], { cwd: root, stdio: 'inherit' });
  if (!existsSync(addon)) throw new Error(`the libpcap addon was not built (${addon}): apt-get install -y libpcap-dev, then npm rebuild`);
}

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  proc: ChildProcess;
  /** Resolves once wirelite printed "listening on" (the device is open). */
  ready: Promise<void>;
  done: Promise<Result>;
  stderr(): string;
  stdout(): string;
}

export interface RunOptions {
  /** Run inside this network namespace. */
  ns?: string;
  /** Prefix the command (e.g. ['runuser', '-u', 'nobody', '--']). */
  wrap?: string[];
  env?: NodeJS.ProcessEnv;
  /** Kill after this long (a test failure, not a hang). */
  timeoutMs?: number;
}

/** Starts `wirelite <args>` and collects its output. */
export function run(args: string[], opts: RunOptions = {}): Running {
  let cmd = bin;
  let argv = args;
  if (opts.wrap) {
    argv = [...opts.wrap.slice(1), cmd, ...argv];
    cmd = opts.wrap[0]!;
  }
  if (opts.ns) {
    argv = ['netns', 'exec', opts.ns, cmd, ...argv];
    cmd = 'ip';
  }
  const proc = spawn(cmd, argv, { cwd: root, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let readyResolve!: () => void;
  let readyReject!: (e: Error) => void;
  const ready = new Promise<void>((res, rej) => {
    readyResolve = res;
    readyReject = rej;
  });
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    if (err.includes('listening on')) readyResolve();
  });
  const timer = setTimeout(() => proc.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
  const done = new Promise<Result>((res) => {
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      readyReject(new Error(`wirelite ended before it was listening (code ${code}): ${err}`));
      res({ code, signal, stdout: out, stderr: err });
    });
  });
  ready.catch(() => undefined);
  return { proc, ready, done, stderr: () => err, stdout: () => out };
}

export interface Sent {
  sent: number;
  errors: number;
  seconds: number;
  rate: number;
  firstNs: string;
  lastNs: string;
}

export interface SendOptions {
  dst: string;
  port: number;
  count: number;
  rate?: number;
  size?: number;
  srcPort?: number;
  via?: 'socket' | 'inject';
  /** Interface for `via: 'inject'` (default lo). */
  iface?: string;
  /** Source address of injected packets (default: dst). */
  src?: string;
  /** Send from inside this namespace (its address must be the lab's). */
  ns?: string;
}

/** Runs the lab sender to completion. */
export function send(o: SendOptions): Promise<Sent> {
  const args = [sender, '--dst', o.dst, '--port', String(o.port), '--count', String(o.count)];
  if (o.rate) args.push('--rate', String(o.rate));
  if (o.size) args.push('--size', String(o.size));
  if (o.srcPort) args.push('--src-port', String(o.srcPort));
  if (o.via) args.push('--via', o.via);
  if (o.iface) args.push('--iface', o.iface);
  if (o.src) args.push('--src', o.src);
  const [cmd, argv] = o.ns ? ['ip', ['netns', 'exec', o.ns, process.execPath, ...args]] : [process.execPath, args];
  return new Promise((res, rej) => {
    const p = spawn(cmd, argv, { cwd: root, env: { ...process.env, WIRELITE_LAB_NETNS: o.ns ? '1' : '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    p.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    p.on('close', (code) => {
      if (code !== 0) return rej(new Error(`sender failed (${code}): ${err}`));
      res(JSON.parse(out.trim().split('\n').pop()!) as Sent);
    });
  });
}

export interface Summary {
  captured: number;
  received: number;
  dropped: number;
}

/** tcpdump's summary lines from wirelite's stderr. */
export function summaryOf(stderr: string): Summary {
  const num = (what: string) => {
    const m = new RegExp(`^(\\d+) packets? ${what}$`, 'm').exec(stderr);
    if (!m) throw new Error(`no "${what}" line in: ${stderr}`);
    return Number(m[1]);
  };
  return { captured: num('captured'), received: num('received by filter'), dropped: num('dropped by kernel') };
}

/** Every frame of a capture file (copied), through our reader; throws if the file is damaged. */
export async function readFrames(path: string): Promise<Frame[]> {
  const frames: Frame[] = [];
  await readCapture(path, { onFrame: (f: Frame) => void frames.push({ ...f, data: f.data.slice() }) });
  return frames;
}

/** The sequence number and send time the lab sender put in a UDP payload (Ethernet/IPv4 frame). */
export function payloadOf(f: Frame): { seq: number; sentNs: bigint } | undefined {
  const d = f.data;
  let off = 14;
  if (f.linkType === 113) off = 16;
  else if (f.linkType === 276) off = 20;
  if (d.length < off + 20) return undefined;
  const ihl = (d[off]! & 0x0f) * 4;
  const p = off + ihl + 8;
  if (d.length < p + 12) return undefined;
  const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
  return { seq: v.getUint32(p), sentNs: v.getBigUint64(p + 4) };
}

/** A UDP port nobody else uses in this run. */
let nextPort = 20000 + (process.pid % 20000);
export function freshPort(): number {
  nextPort = nextPort >= 65000 ? 20000 : nextPort + 1;
  return nextPort;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
