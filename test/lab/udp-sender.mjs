#!/usr/bin/env node
/**
 * Test and benchmark traffic: sends UDP datagrams to one address and port, as fast as possible or
 * at a given rate, and prints a JSON line with what it sent and when (wall clock, ns).
 *
 *   node test/lab/udp-sender.mjs --dst 127.0.0.1 --port 9999 --count 1000 [--size 32] [--rate PPS]
 *        [--src-port P] [--family 4|6] [--via socket|inject] [--iface lo] [--src ADDR]
 *
 * `--via socket` (the default) sends through a UDP socket (Node's dgram). `--via inject` writes
 * whole Ethernet frames with wirelite's own libpcap binding (pcap_inject on `--iface`, loopback by
 * default), built once with the dissectors' builders: the fastest sender we have (needs dist/ and
 * the addon, and CAP_NET_RAW). Its UDP checksum is 0 (none) so the sequence can be patched in.
 *
 * Each payload starts with the sequence number (u32 BE) and the send time in ns since the epoch
 * (u64 BE), so a capture can be matched packet by packet with the sender's clock. Only loopback
 * or addresses inside network namespaces the tests created are ever given as --dst.
 */
import dgram from 'node:dgram';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    dst: { type: 'string' },
    port: { type: 'string' },
    count: { type: 'string', default: '1000' },
    size: { type: 'string', default: '32' },
    rate: { type: 'string', default: '0' },
    'src-port': { type: 'string', default: '0' },
    family: { type: 'string', default: '4' },
    via: { type: 'string', default: 'socket' },
    iface: { type: 'string', default: 'lo' },
    src: { type: 'string' },
  },
});
const dst = values.dst;
if (!dst || !values.port) {
  process.stderr.write('usage: udp-sender.mjs --dst ADDR --port N [--count N] [--size B] [--rate PPS]\n');
  process.exit(1);
}
const allowed = /^127\./.test(dst) || dst === '::1' || process.env.WIRELITE_LAB_NETNS === '1';
if (!allowed) {
  process.stderr.write(`udp-sender: refusing to send to ${dst}: only loopback, or a lab namespace (WIRELITE_LAB_NETNS=1)\n`);
  process.exit(1);
}
const port = Number(values.port);
const count = Number(values.count);
const size = Math.max(12, Number(values.size));
const rate = Number(values.rate);
const sock = dgram.createSocket({ type: values.family === '6' ? 'udp6' : 'udp4', sendBufferSize: 4 << 20 });
// Not connected: ICMP port-unreachable replies (nobody listens) must not fail later sends.
sock.on('error', () => {});
/**
 * Wall clock in ns: the monotonic clock plus an offset taken at the moment Date.now() ticks to a
 * new millisecond (performance.timeOrigin can be off by tens of ms on a busy machine).
 */
const clockOffset = (() => {
  const start = Date.now();
  let ms = start;
  while ((ms = Date.now()) === start);
  return BigInt(ms) * 1_000_000n - process.hrtime.bigint();
})();
const nowNs = () => process.hrtime.bigint() + clockOffset;

/** A ring of payload buffers: libuv may still hold one while we fill the next. */
const RING = 4096;
const bufs = Array.from({ length: RING }, () => Buffer.alloc(size));

let sent = 0;
let errors = 0;
let first = 0n;
let last = 0n;

let done = 0;
let wake = () => {};
const onSent = (err) => {
  if (err) errors++;
  done++;
  if (sent - done < RING / 2) wake();
};

function sendOne() {
  const b = bufs[sent % RING];
  const t = nowNs();
  if (sent === 0) first = t;
  last = t;
  b.writeUInt32BE(sent, 0);
  b.writeBigUInt64BE(t, 4);
  sent++;
  sock.send(b, port, dst, onSent);
}

/** Resolves once at most `n` sends are still in flight. */
function inflightAtMost(n) {
  if (sent - done <= n) return Promise.resolve();
  return new Promise((r) => {
    wake = () => {
      if (sent - done <= n) {
        wake = () => {};
        r();
      }
    };
  });
}

/** pcap_inject of one prebuilt frame, its payload patched per packet; synchronous. */
async function injectAll() {
  const root = new URL('../../', import.meta.url);
  const { openHandle } = await import(new URL('dist/capture/live/binding.js', root).href);
  const { buildPacket } = await import(new URL('dist/dissectors/build.js', root).href);
  const frame = buildPacket([
    { proto: 'eth', src: '00:00:00:00:00:00', dst: '00:00:00:00:00:00' },
    { proto: 'ip', src: values.src ?? dst, dst, ttl: 64 },
    { proto: 'udp', sport: Number(values['src-port']) || 40000, dport: port, checksum: 0 },
    { proto: 'data', bytes: new Uint8Array(size) },
  ]);
  const at = frame.length - size;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const h = openHandle(values.iface, { snaplen: 128, bufferSize: 1 << 16, promisc: false });
  const start = performance.now();
  const put = () => {
    const t = nowNs();
    if (sent === 0) first = t;
    last = t;
    view.setUint32(at, sent);
    view.setBigUint64(at + 4, t);
    h.inject(frame);
    sent++;
  };
  if (rate > 0) {
    while (sent < count) {
      const due = Math.min(count, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
      while (sent < due) put();
      if (sent < count) await new Promise((r) => setTimeout(r, 1));
    }
  } else {
    while (sent < count) put();
  }
  const secs = (performance.now() - start) / 1000;
  h.close();
  sock.close();
  process.stdout.write(JSON.stringify({ sent, errors, seconds: secs, rate: sent / secs, firstNs: String(first), lastNs: String(last) }) + '\n');
}

async function main() {
  if (values.via === 'inject') return injectAll();
  await new Promise((r) => sock.bind(Number(values['src-port']), r));
  const start = performance.now();
  if (rate > 0) {
    // Paced: each millisecond, send what the rate allows so far.
    while (sent < count) {
      const due = Math.min(count, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
      while (sent < due) sendOne();
      await inflightAtMost(0);
      if (sent < count) await new Promise((r) => setTimeout(r, 1));
    }
  } else {
    // As fast as possible, keeping at most RING sends in flight.
    while (sent < count) {
      sendOne();
      if (sent - done >= RING - 1) await inflightAtMost(RING / 2);
    }
    await inflightAtMost(0);
  }
  const secs = (performance.now() - start) / 1000;
  sock.close();
  process.stdout.write(JSON.stringify({ sent, errors, seconds: secs, rate: sent / secs, firstNs: String(first), lastNs: String(last) }) + '\n');
}

main();
