#!/usr/bin/env node
/**
 * Writes a SYN flood capture with wirelite's own packet builders: `count` SYNs, each from a
 * distinct source (address, port) to one server (192.0.2.80:80), 10 µs apart, none answered.
 * Every SYN is a new TCP conversation: the capture that tests the flow table's limits.
 *
 *   node bench/synflood.mjs [count=1000000] [out=bench/data/synflood-1m.pcap]
 *
 * Needs `npm run build` first (uses dist/). Memory of the analysis on it (README, "Known limits"):
 *   /usr/bin/time -v ./bin/wirelite read -q bench/data/synflood-1m.pcap
 *   /usr/bin/time -f "%M KB %e s" ./bin/wirelite stats bench/data/synflood-1m.pcap tcp > /dev/null
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildPacket } from '../dist/dissectors/build.js';
import { createCaptureWriter } from '../dist/capture/writer.js';

export function synFloodPacket(i) {
  return buildPacket([
    { proto: 'eth', src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' },
    { proto: 'ip', src: `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`, dst: '192.0.2.80', ttl: 64, id: i & 0xffff },
    { proto: 'tcp', sport: 1024 + (i % 64000), dport: 80, seq: Math.imul(i, 2654435761) >>> 0, ack: 0, flags: 'S', window: 64240, options: { mss: 1460, sackPerm: true, wscale: 7 } },
  ]);
}

/**
 * Writes `count` SYNs to `out` (pcap, µs timestamps), then again the SYNs numbered in `again`;
 * `packetOf(i)` makes packet i (default: synFloodPacket).
 */
export async function writeSynFlood(count, out, again = [], packetOf = synFloodPacket) {
  mkdirSync(dirname(out), { recursive: true });
  const writer = createCaptureWriter(out, 'pcap', { interfaces: [{ id: 0, linkType: 1, snapLen: 65535, fcsLen: 0 }] });
  const order = [...Array(count).keys(), ...again];
  for (let n = 0; n < order.length; n++) {
    const data = packetOf(order[n]);
    const us = n * 10;
    writer.write({ number: n + 1, tsSec: 1_700_000_000 + Math.floor(us / 1e6), tsNsec: (us % 1e6) * 1000, hasTime: true, capLen: data.length, origLen: data.length, linkType: 1, interfaceId: 0, direction: 0, data });
  }
  await writer.close();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const count = Number(process.argv[2] ?? 1_000_000);
  const out = process.argv[3] ?? 'bench/data/synflood-1m.pcap';
  await writeSynFlood(count, out);
  process.stdout.write(`${out}: ${count} SYNs\n`);
}
