#!/usr/bin/env node
/**
 * Generates the benchmark capture deterministically with wirelite's own packet builders:
 * a mix like an office uplink: 90% TCP connections (handshake, data both ways with delayed ACKs,
 * FIN close) to ports 443/80/22/8080, 5% DNS over UDP (query/response), 3% other UDP and 2% ICMP
 * echo, with µs timestamps advancing realistically.
 *
 *   node bench/generate.mjs [packets=2000000] [out=bench/data/mixed-2m.pcap]
 *
 * Needs `npm run build` first (uses dist/).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildPacket } from '../dist/dissectors/build.js';
import { createCaptureWriter } from '../dist/capture/writer.js';

const total = Number(process.argv[2] ?? 2_000_000);
const out = process.argv[3] ?? 'bench/data/mixed-2m.pcap';
mkdirSync(dirname(out), { recursive: true });

// Deterministic PRNG (mulberry32).
let seed = 0x5eed1234;
function rand() {
  seed |= 0;
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const ri = (n) => Math.floor(rand() * n);

const writer = createCaptureWriter(out, 'pcap', { interfaces: [{ id: 0, linkType: 1, snapLen: 262144, fcsLen: 0 }] });
let sec = 1_700_000_000;
let usec = 0;
let n = 0;
function emit(layers) {
  const data = buildPacket(layers);
  usec += 1 + ri(40);
  if (usec >= 1_000_000) {
    sec += Math.floor(usec / 1_000_000);
    usec %= 1_000_000;
  }
  n++;
  writer.write({ number: n, tsSec: sec, tsNsec: usec * 1000, hasTime: true, capLen: data.length, origLen: data.length, linkType: 1, interfaceId: 0, direction: 0, data });
}

const macA = '02:00:00:00:00:01';
const macB = '02:00:00:00:00:02';
const eth = (fwd) => ({ proto: 'eth', src: fwd ? macA : macB, dst: fwd ? macB : macA });
const clientIp = (i) => `10.${(i >> 8) & 255}.${i & 255}.${2 + (i % 200)}`;
const serverIp = (i) => `192.0.2.${1 + (i % 250)}`;
const payloadCache = new Map();
function payload(len) {
  let p = payloadCache.get(len);
  if (!p) {
    p = new Uint8Array(len);
    for (let i = 0; i < len; i++) p[i] = 0x41 + (i % 26);
    payloadCache.set(len, p);
  }
  return p;
}

/** A TCP connection as a generator of packets, so many run interleaved. */
function* tcpConnection(id) {
  const c = clientIp(id);
  const s = serverIp(id);
  const cp = 20000 + (id % 40000);
  const sp = [443, 80, 22, 8080][id % 4];
  let cseq = (id * 2654435761) >>> 0;
  let sseq = (id * 40503 + 12345) >>> 0;
  const ip = (fwd, extra = {}) => ({ proto: 'ip', src: fwd ? c : s, dst: fwd ? s : c, ttl: fwd ? 64 : 57, id: ri(65536), df: true, ...extra });
  const tcp = (fwd, flags, seq, ack, opts) => ({ proto: 'tcp', sport: fwd ? cp : sp, dport: fwd ? sp : cp, seq, ack, flags, window: 502, options: opts });
  yield [eth(true), ip(true), tcp(true, 'S', cseq, 0, { mss: 1460, sackPerm: true, ts: [id, 0], wscale: 7 })];
  yield [eth(false), ip(false), tcp(false, 'SA', sseq, cseq + 1, { mss: 1460, sackPerm: true, ts: [id + 7, id], wscale: 7 })];
  cseq = (cseq + 1) >>> 0;
  sseq = (sseq + 1) >>> 0;
  yield [eth(true), ip(true), tcp(true, 'A', cseq, sseq, { ts: [id + 1, id + 7] })];
  const rounds = 2 + ri(12);
  for (let r = 0; r < rounds; r++) {
    const req = 40 + ri(400);
    yield [eth(true), ip(true), tcp(true, 'PA', cseq, sseq, { ts: [id + r, id + r] }), { proto: 'data', bytes: payload(req) }];
    cseq = (cseq + req) >>> 0;
    const segs = 1 + ri(8);
    for (let k = 0; k < segs; k++) {
      const len = k === segs - 1 ? 100 + ri(1300) : 1448;
      yield [eth(false), ip(false), tcp(false, k === segs - 1 ? 'PA' : 'A', sseq, cseq, { ts: [id + r, id + r] }), { proto: 'data', bytes: payload(len) }];
      sseq = (sseq + len) >>> 0;
      if (k % 2 === 1 || k === segs - 1) yield [eth(true), ip(true), tcp(true, 'A', cseq, sseq, { ts: [id + r, id + r] })];
    }
  }
  yield [eth(true), ip(true), tcp(true, 'FA', cseq, sseq)];
  yield [eth(false), ip(false), tcp(false, 'FA', sseq, (cseq + 1) >>> 0)];
  yield [eth(true), ip(true), tcp(true, 'A', (cseq + 1) >>> 0, (sseq + 1) >>> 0)];
}

/** A DNS query or its response, built by the DNS dissector's builder (`emit`). */
function dns(idn, name, response) {
  return {
    proto: 'dns',
    id: idn,
    response,
    ra: response,
    questions: [{ name, type: 'A' }],
    answers: response ? [{ name, type: 'A', ttl: 3600, data: `192.0.2.${idn & 255}` }] : [],
  };
}

const active = [];
let nextConn = 0;
const names = ['example.com', 'wirelite.test', 'www.example.org', 'api.service.internal', 'cdn.example.net'];
while (n < total) {
  const r = rand();
  if (r < 0.9) {
    while (active.length < 200) active.push(tcpConnection(nextConn++));
    const i = ri(active.length);
    const step = active[i].next();
    if (step.done) active.splice(i, 1);
    else emit(step.value);
  } else if (r < 0.95) {
    const id = ri(65536);
    const c = clientIp(id);
    const name = names[id % names.length];
    const sport = 30000 + (id % 30000);
    emit([eth(true), { proto: 'ip', src: c, dst: '192.0.2.53', ttl: 64, id }, { proto: 'udp', sport, dport: 53 }, dns(id, name, false)]);
    if (n < total) emit([eth(false), { proto: 'ip', src: '192.0.2.53', dst: c, ttl: 60, id: id ^ 0xffff }, { proto: 'udp', sport: 53, dport: sport }, dns(id, name, true)]);
  } else if (r < 0.98) {
    const id = ri(65536);
    emit([eth(true), { proto: 'ip', src: clientIp(id), dst: serverIp(id), ttl: 64, id }, { proto: 'udp', sport: 40000 + (id % 1000), dport: 5000 + (id % 7) }, { proto: 'data', bytes: payload(20 + ri(1200)) }]);
  } else {
    const id = ri(65536);
    const seq = ri(100);
    const body = payload(56);
    emit([eth(true), { proto: 'ip', src: clientIp(id), dst: serverIp(id), ttl: 64, id }, { proto: 'icmp', type: 8, code: 0, id, seq }, { proto: 'data', bytes: body }]);
    if (n < total) emit([eth(false), { proto: 'ip', src: serverIp(id), dst: clientIp(id), ttl: 55, id: id ^ 0x5555 }, { proto: 'icmp', type: 0, code: 0, id, seq }, { proto: 'data', bytes: body }]);
  }
}
await writer.close();
console.log(`wrote ${n} packets to ${out}`);
