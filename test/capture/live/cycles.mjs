/**
 * Child process of open-close.test.ts: opens and closes capture handles many times and prints
 * what it used (descriptors, RSS) as JSON. It never calls process.exit: the test checks that it
 * ends by itself once everything is closed.
 *
 *   node test/capture/live/cycles.mjs NATIVE_CYCLES WORKER_CYCLES
 */
import { readdirSync } from 'node:fs';

const root = new URL('../../../', import.meta.url);
const { openHandle } = await import(new URL('dist/capture/live/binding.js', root).href);
const { LiveCapture } = await import(new URL('dist/capture/live/capture-session.js', root).href);

const nativeCycles = Number(process.argv[2] ?? 1000);
const workerCycles = Number(process.argv[3] ?? 100);
const fds = () => readdirSync('/proc/self/fd').length;
const rss = () => process.memoryUsage().rss;
const buf = new Uint8Array(1 << 20);

function nativeCycle(i) {
  const h = openHandle('lo', { snaplen: 65535, immediate: i % 2 === 0, bufferSize: 1 << 20 });
  h.setFilter('udp port 9');
  h.read(buf, 0);
  h.stats();
  h.close();
  h.close(); // twice: a no-op
}

async function workerCycle() {
  const c = await LiveCapture.open({ device: 'lo', filter: 'udp port 9', bufferSize: 1 << 20 }, () => true);
  c.start();
  c.stop('now');
  await c.ended;
}

for (let i = 0; i < 20; i++) nativeCycle(i);
for (let i = 0; i < 5; i++) await workerCycle();
const start = { fds: fds(), rss: rss() };
let t = performance.now();
for (let i = 0; i < nativeCycles; i++) nativeCycle(i);
const afterNative = { fds: fds(), rss: rss(), ms: performance.now() - t };

// Use after close: an error, not a crash.
const h = openHandle('lo', {});
h.close();
let useAfterClose = '';
try {
  h.read(buf, 0);
} catch (e) {
  useAfterClose = e.code;
}

t = performance.now();
for (let i = 0; i < workerCycles; i++) await workerCycle();
const afterWorkers = { fds: fds(), rss: rss(), ms: performance.now() - t };
process.stdout.write(JSON.stringify({ start, afterNative, afterWorkers, useAfterClose }) + '\n');
