/**
 * The TCP connection model's named limits are the session's (`session.limits.tcpConnection`):
 * two sessions with different limits, in one process and fed the same capture interleaved packet
 * by packet, give the `stats FILE tcp --json` lines that two processes give, each running the
 * command's code (src/cli/tcp-stats.ts) with one of those limits as its session options.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { TcpConnectionTable, type TcpConnectionLimits } from '../../src/stats/tcp.js';
import { dissectFrame, newSession, Packet, type SessionOptions } from '../../src/dissectors/index.js';
import { TCP_TAP } from '../../src/dissectors/tcp/tap.js';
import type { Frame } from '../../src/capture/frame.js';
import type { Timed } from '../dissectors/helpers.js';
import { tcpFrame, writeScenario, type Seg } from './tcp-scenario.js';

const root = resolve(import.meta.dirname, '../..');
const scratch = mkdtempSync(join(tmpdir(), 'wl-tcp-conn-sessions-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** One connection (client port `port`, `t0` ms in): handshake, 12 data segments with a retransmission and RTT samples, FIN both ways. */
function connection(port: number, t0: number): Timed[] {
  const c = 1000;
  const s = 5000;
  const opts = { mss: 1460, wscale: 7, sackPerm: true };
  const segs: Seg[] = [
    { c: true, seq: c, flags: 'S', ms: t0, opts, win: 64240 },
    { c: false, seq: s, ack: c + 1, flags: 'SA', ms: t0 + 20, opts, win: 65160 },
    { c: true, seq: c + 1, ack: s + 1, flags: 'A', ms: t0 + 20.05, win: 502 },
  ];
  let t = t0 + 21;
  for (let i = 0; i < 12; i++) {
    const seq = c + 1 + i * 1000;
    segs.push({ c: true, seq, ack: s + 1, flags: 'PA', len: 1000, ms: t, win: 502 });
    // The fifth segment is sent again 300 ms later (a retransmission, a loss event).
    if (i === 4) segs.push({ c: true, seq, ack: s + 1, flags: 'PA', len: 1000, ms: (t += 300), win: 502 });
    segs.push({ c: false, seq: s + 1, ack: seq + 1000, flags: 'A', ms: (t += 5 + i), win: 509 });
    t += 1;
  }
  const end = c + 1 + 12 * 1000;
  segs.push({ c: true, seq: end, ack: s + 1, flags: 'FA', ms: (t += 2), win: 502 });
  segs.push({ c: false, seq: s + 1, ack: end + 1, flags: 'FA', ms: (t += 20), win: 509 });
  segs.push({ c: true, seq: end + 1, ack: s + 2, flags: 'A', ms: (t += 20), win: 502 });
  return segs.map((x) => tcpFrame(x, port));
}

const timed: Timed[] = [0, 1, 2, 3].flatMap((k) => connection(40000 + k, k * 2000));
const file = writeScenario(join(scratch, 'four.pcap'), timed);
const frames: Frame[] = timed.map((f, i) => ({
  number: i + 1, tsSec: f.tsSec, tsNsec: f.tsNsec, hasTime: true, capLen: f.data.length, origLen: f.data.length, linkType: 1, interfaceId: 0, direction: 0, data: f.data,
}));

/** Limits that change every number the model keeps (the defaults are the other session's). */
const small: Partial<TcpConnectionLimits> = { maxConnections: 3, maxDetailed: 2, rttBucketsPerDecade: 3, roundsKept: 2, eventsKept: 1, evidenceFrames: 1, pendingGaps: 1, historyChars: 4 };
const configs: SessionOptions[] = [{}, { limits: { tcpConnection: small } }];

/** What `stats FILE tcp --json` prints, in a process of its own whose command session options are `options`. */
function processLines(options: SessionOptions): string[] {
  const dist = (p: string) => pathToFileURL(join(root, 'dist', p)).href;
  const script = `
    const { setCommandSessionOptions } = await import(${JSON.stringify(dist('pipeline/session-options.js'))});
    const { tcpStats } = await import(${JSON.stringify(dist('cli/tcp-stats.js'))});
    setCommandSessionOptions(${JSON.stringify(options)});
    await tcpStats(${JSON.stringify(file)}, true, (s) => process.stdout.write(s));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.replace(/\n$/, '').split('\n');
}

describe('TCP connection limits per session', () => {
  it('two sessions with different limits in one process give what two processes give', () => {
    const sessions = configs.map((o) => newSession(o));
    const tables = sessions.map((s) => new TcpConnectionTable({ limits: s.limits.tcpConnection }));
    sessions.forEach((s, k) => s.taps.add(TCP_TAP, (r) => tables[k]!.add(r)));
    const packets = sessions.map((s) => new Packet(s, false));
    for (const f of frames) {
      for (const pkt of packets) {
        pkt.reset(f);
        dissectFrame(pkt);
      }
    }
    const inProcess = tables.map((t) => [...t.rows()].map((s) => JSON.stringify(s)).concat(t.untracked ? [JSON.stringify({ untrackedConnections: t.untracked })] : []));
    const byProcess = configs.map(processLines);
    expect(inProcess).toEqual(byProcess);
    // The limits do change the output (else the test would prove nothing): the fourth connection
    // is only counted, the third has no detail, histories are cut, fewer evidence frames kept.
    expect(byProcess[0]).toHaveLength(4);
    expect(byProcess[1]).toHaveLength(4);
    expect(byProcess[1]![3]).toBe('{"untrackedConnections":1}');
    const rows = byProcess.map((l) => l.slice(0, 3).map((x) => JSON.parse(x) as { detailed: boolean; history: string; orig: { retransmissions: unknown } }));
    expect(rows[0]!.map((r) => r.detailed)).toEqual([true, true, true]);
    expect(rows[1]!.map((r) => r.detailed)).toEqual([true, true, false]);
    expect(rows[0]![0]!.history.length).toBeGreaterThan(4);
    expect(rows[1]![0]!.history).toBe(rows[0]![0]!.history.slice(0, 4));
    expect(byProcess[0]!.slice(0, 2)).not.toEqual(byProcess[1]!.slice(0, 2));
    // A session made later with the defaults is not changed by the other's limits.
    expect(newSession().limits.tcpConnection.maxConnections).toBeGreaterThan(3);
  });

  it('refuses an unknown limit with a clear message', () => {
    expect(() => newSession({ limits: { tcpConnection: { nosuch: 1 } as never } })).toThrow('unknown limit tcpConnection.nosuch');
  });
});
