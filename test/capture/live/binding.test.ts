/**
 * The addon on its own: batched reads that never lose a packet between calls (a buffer that fits
 * one record at a time still yields every packet), record layout, BPF errors, stats, closed
 * handles, and the device list.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, freshPort, liveEnabled, root, sleep } from './helpers.js';

type Binding = typeof import('../../../src/capture/live/binding.js');
let b: Binding;

describe.runIf(liveEnabled)('libpcap binding', () => {
  beforeAll(async () => {
    ensureBuilt();
    // The addon as the CLI loads it (from dist, next to native/).
    b = (await import(join(root, 'dist/capture/live/binding.js'))) as Binding;
  }, 120_000);

  it('reads every packet in batches, even one record per call, with the record layout', async () => {
    const port = freshPort();
    const h = b.openHandle('lo', { snaplen: 256, immediate: true, bufferSize: 4 << 20 });
    h.setFilter(`udp dst port ${port}`);
    expect(h.datalink()).toBe(1);
    expect(h.snapshot()).toBe(256);
    expect(h.nanoseconds()).toBe(true);
    const sender = spawn(process.execPath, [join(root, 'test/lab/udp-sender.mjs'), '--dst', '127.0.0.1', '--port', String(port), '--count', '200', '--size', '40']);
    await new Promise((r) => sender.on('close', r));
    await sleep(50);
    // Room for one record of the snapshot length (24 + 256 bytes): two of these small packets.
    const small = new Uint8Array(24 + 256);
    const seqs: number[] = [];
    for (let i = 0; i < 400 && seqs.length < 200; i++) {
      const n = h.read(small, 10);
      expect(n).toBeLessThanOrEqual(2);
      const w = new Uint32Array(small.buffer);
      let off = 0;
      for (let k = 0; k < n; k++) {
        const at = off / 4;
        const capLen = w[at + b.RECORD_HEADER.CAPLEN]!;
        expect(capLen).toBe(14 + 20 + 8 + 40);
        expect(w[at + b.RECORD_HEADER.ORIGLEN]).toBe(capLen);
        expect(w[at + b.RECORD_HEADER.NSEC]!).toBeLessThan(1e9);
        expect(Math.abs(w[at + b.RECORD_HEADER.SEC_LO]! - Date.now() / 1000)).toBeLessThan(60);
        seqs.push(new DataView(small.buffer, off + 24, capLen).getUint32(42));
        off += 24 + ((capLen + 7) & ~7);
      }
    }
    expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i));
    const st = h.stats();
    expect(st.dropped).toBe(0);
    expect(st.received).toBeGreaterThanOrEqual(200);
    h.close();
  });

  it('reports libpcap\'s message for a bad filter, and closed handles fail cleanly', () => {
    expect(() => b.loadBinding().compileFilter(1, 65535, 'tcp port')).toThrow(/syntax error/);
    expect(b.loadBinding().compileFilter(1, 65535, 'tcp port 80')).toBeGreaterThan(0);
    const h = b.openHandle('lo', {});
    expect(() => h.setFilter('host')).toThrow(expect.objectContaining({ code: 'EBADFILTER' }));
    expect(() => h.read(new Uint8Array(10), 0)).toThrow(/smaller than one record/);
    h.close();
    h.close();
    expect(h.isOpen()).toBe(false);
    for (const f of [() => h.read(new Uint8Array(1 << 20), 0), () => h.stats(), () => h.inject(new Uint8Array(60)), () => h.datalink()]) {
      expect(f).toThrow(expect.objectContaining({ code: 'ECLOSED' }));
    }
    expect(() => b.openHandle('nosuch0', {})).toThrow(expect.objectContaining({ code: 'ENODEV' }));
  });

  it('lists devices with flags and addresses, and its version', () => {
    const bind = b.loadBinding();
    expect(bind.libVersion()).toMatch(/^libpcap version 1\./);
    const lo = bind.findAllDevs().find((d) => d.name === 'lo')!;
    expect(lo).toMatchObject({ loopback: true, up: true, running: true });
    expect(lo.addresses).toContainEqual(expect.objectContaining({ family: 'inet', addr: '127.0.0.1', netmask: '255.0.0.0' }));
    expect(bind.datalinkName(1)).toEqual(['EN10MB', 'Ethernet']);
    expect(bind.datalinkValue('LINUX_SLL2')).toBe(276);
  });
});
