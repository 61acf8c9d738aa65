/**
 * Differential test: tshark (and capinfos) must read the files our writer produces with the same
 * frames, times, lengths, interfaces, comments and directions. Required: it fails when tshark is
 * missing, because that is the only independent check of the writer.
 */
import { describe, expect, it, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createCaptureWriter, type WriteFormat } from '../../src/capture/writer.js';
import type { Frame, InterfaceInfo } from '../../src/capture/frame.js';
import { formatEpoch } from '../../src/capture/timestamp.js';
import { makeFrames, testInterfaces } from './helpers.js';

function onPath(cmd: string): boolean {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const MISSING = 'tshark/capinfos are not on PATH: install the Debian package "tshark" (apt-get install -y tshark); '
  + 'this test checks that Wireshark reads the pcap and pcapng files our writer produces';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wirelite-tshark-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const env = { ...process.env, WIRESHARK_CONFIG_DIR: fs.mkdtempSync(path.join(tmp, 'wsconf-')) };

function tsharkFields(file: string, fields: string[]): string[][] {
  const out = execFileSync('tshark', ['-n', '-r', file, '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=|',
    ...fields.flatMap((f) => ['-e', f])], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

function write(name: string, format: WriteFormat, interfaces: InterfaceInfo[], frames: Frame[]): string {
  const file = path.join(tmp, name);
  const w = createCaptureWriter(file, format, { interfaces });
  for (const f of frames) w.write(f);
  void w.close();
  return file;
}

describe('tshark reads what we write', () => {
  it('tshark and capinfos are installed', () => {
    expect(onPath('tshark') && onPath('capinfos'), MISSING).toBe(true);
  });

  const eth = [testInterfaces[0]!];
  it.each([
    ['pcap', 'out.pcap', eth, 1000],
    ['pcap-ns', 'out-ns.pcap', eth, 1],
    ['pcapng', 'out.pcapng', testInterfaces, 1],
  ] as const)('%s: same count, times, lengths, interfaces, comments, directions', (format, name, ifaces, tick) => {
    if (!onPath('tshark')) throw new Error(MISSING);
    const frames = makeFrames(150, 99, [...ifaces]);
    const file = write(name, format, [...ifaces], frames);
    const rows = tsharkFields(file, ['frame.number', 'frame.time_epoch', 'frame.len', 'frame.cap_len', 'frame.interface_id', 'frame.comment', 'frame.packet_flags_direction']);
    expect(rows).toHaveLength(frames.length);
    rows.forEach((row, i) => {
      const f = frames[i]!;
      const nsec = Math.floor(f.tsNsec / tick) * tick;
      const [num, time, len, capLen, iface, comment, dir] = row;
      expect([num, time, len, capLen]).toEqual([String(i + 1), formatEpoch(f.tsSec, nsec), String(f.origLen), String(f.capLen)]);
      if (format === 'pcapng') {
        expect(iface).toBe(String(f.interfaceId));
        expect(comment).toBe((f.comments ?? []).join('|'));
        expect(dir === '' ? 0 : Number.parseInt(dir!, 16)).toBe(f.direction); // tshark prints 0x00000001 / 0x00000002
      }
    });
    // capinfos: packet count, and for pcapng the interfaces with their link types.
    const info = execFileSync('capinfos', ['-c', '-I', '-M', file], { env, encoding: 'utf8' });
    expect(info).toMatch(new RegExp(`Number of packets:\\s+${frames.length}\\b`));
    if (format === 'pcapng') {
      expect(info).toMatch(/Number of interfaces in file: 3/);
      expect(info).toMatch(/Name = eth0[\s\S]*Name = any[\s\S]*Name = tun0/);
      expect(info).toMatch(/Capture length = 262144[\s\S]*Capture length = 65535[\s\S]*Capture length = 1500/);
      expect(info).toMatch(/Time precision = nanoseconds \(9\)/);
      expect(info).toMatch(/Number of stat entries = 1/);
    }
  });
});
