/**
 * TCP scenarios for the analysis tests: one client and one server, segments described by who sends
 * them, their numbers, flags, payload length and time, built with wirelite's own builders and
 * written to pcap files that tshark reads as the oracle.
 */
import { writeFileSync } from 'node:fs';
import { encodeCapture } from '../../src/capture/writer.js';
import { buildPacket } from '../../src/dissectors/build.js';
import type { Timed } from '../dissectors/helpers.js';

export const C = { ip: '10.0.0.1', port: 40000 };
export const S = { ip: '10.0.0.2', port: 9000 };

export interface Seg {
  /** From the client (true) or the server. */
  c: boolean;
  seq: number;
  ack?: number;
  flags: string;
  len?: number;
  win?: number;
  /** Milliseconds since the start. */
  ms: number;
  opts?: Record<string, unknown>;
  /** IP ECN codepoint. */
  ecn?: number;
}

/** The frame of one segment; `port` is the client's port, `offsetSec` moves the whole scenario in time. */
export function tcpFrame(s: Seg, port = C.port, offsetSec = 0): Timed {
  const cl = { ip: C.ip, port };
  const [a, b] = s.c ? [cl, S] : [S, cl];
  const data = buildPacket([
    { proto: 'eth', src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' },
    { proto: 'ip', src: a.ip, dst: b.ip, ttl: 64, ecn: s.ecn ?? 0 },
    { proto: 'tcp', sport: a.port, dport: b.port, seq: s.seq >>> 0, ack: (s.ack ?? 0) >>> 0, flags: s.flags, window: s.win ?? 1000, options: s.opts },
    { proto: 'data', bytes: new Uint8Array(s.len ?? 0).fill(0x61) },
  ]);
  const ns = Math.round(s.ms * 1e6);
  return { data, tsSec: 1_700_000_000 + offsetSec + Math.floor(ns / 1e9), tsNsec: ns % 1e9 };
}

/** Writes frames to `path` as a nanosecond pcap (Ethernet); returns the path. */
export function writeScenario(path: string, frames: Timed[]): string {
  writeFileSync(path, encodeCapture('pcap-ns', { interfaces: [{ id: 0, linkType: 1, snapLen: 65535, fcsLen: 0 }] }, frames.map((f, i) => ({
    number: i + 1, tsSec: f.tsSec, tsNsec: f.tsNsec, hasTime: true, capLen: f.data.length, origLen: f.data.length, linkType: 1, interfaceId: 0, direction: 0, data: f.data,
  }))));
  return path;
}
