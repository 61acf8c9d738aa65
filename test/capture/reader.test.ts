import { afterEach, describe, expect, it, afterAll } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { Readable } from 'node:stream';
import { FILE_READ_CHUNK, openCaptureSource, readCapture } from '../../src/capture/reader.js';
import { encodeCapture } from '../../src/capture/writer.js';
import type { Frame } from '../../src/capture/frame.js';
import { makeFrames, testInterfaces } from './helpers.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wirelite-reader-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const frames = makeFrames(500, 11);
const pcapng = encodeCapture('pcapng', { interfaces: testInterfaces }, frames);

async function collect(src: string): Promise<{ frames: Frame[]; error?: unknown }> {
  const out: Frame[] = [];
  try {
    await readCapture(src, { onFrame: (f) => out.push({ ...f, data: f.data.slice() }) });
    return { frames: out };
  } catch (error) {
    return { frames: out, error };
  }
}

describe('readCapture', () => {
  it('reads gzip-compressed captures transparently (magic 1f 8b), whatever the file name', async () => {
    const gz = path.join(tmp, 'capture.pcapng.gz');
    fs.writeFileSync(gz, zlib.gzipSync(pcapng));
    const seen: Frame[] = [];
    const summary = await readCapture(gz, { onFrame: (f) => seen.push({ ...f, data: f.data.slice() }) });
    expect(seen).toEqual(frames);
    expect(summary).toMatchObject({ frames: 500, compressed: true, bytes: pcapng.length, sections: 1 });
    expect(summary.interfaces.map((i) => i.name)).toEqual(['eth0', 'any', 'tun0']);
    const noExt = path.join(tmp, 'compressed-without-extension');
    fs.writeFileSync(noExt, zlib.gzipSync(pcapng));
    expect((await collect(noExt)).frames).toHaveLength(500);
  });

  it('a cut gzip stream: every frame that was decompressed, then a truncation error', async () => {
    const gz = zlib.gzipSync(pcapng);
    const cut = path.join(tmp, 'cut.pcapng.gz');
    fs.writeFileSync(cut, gz.subarray(0, Math.floor(gz.length / 2)));
    const r = await collect(cut);
    expect(r.error).toMatchObject({ name: 'CaptureFileError', kind: 'truncated', framesRead: r.frames.length });
    expect(r.frames.length).toBeGreaterThan(0);
    expect(r.frames).toEqual(frames.slice(0, r.frames.length));
  });

  it('a plain file cut mid-record rejects after delivering the complete frames', async () => {
    const cut = path.join(tmp, 'cut.pcapng');
    fs.writeFileSync(cut, pcapng.subarray(0, pcapng.length - 200));
    const r = await collect(cut);
    expect(r.error).toMatchObject({ name: 'CaptureFileError', kind: 'truncated' });
    expect(r.frames).toEqual(frames.slice(0, r.frames.length));
    expect(r.frames.length).toBeGreaterThan(490);
  });

  it('says clearly what is wrong with the path', async () => {
    await expect(readCapture(path.join(tmp, 'nope.pcap'), { onFrame: () => undefined })).rejects.toMatchObject({
      name: 'CaptureFileError', kind: 'io', message: `no such file: ${path.join(tmp, 'nope.pcap')}` });
    await expect(readCapture(tmp, { onFrame: () => undefined })).rejects.toMatchObject({ kind: 'io', message: `is a directory: ${tmp}` });
    const empty = path.join(tmp, 'empty.pcap');
    fs.writeFileSync(empty, '');
    await expect(readCapture(empty, { onFrame: () => undefined })).rejects.toMatchObject({ kind: 'empty', message: 'file is empty' });
  });

  it('reads a regular file in chunks of FILE_READ_CHUNK, every byte once', async () => {
    const big = encodeCapture('pcap', { interfaces: [testInterfaces[0]!] }, makeFrames(Math.ceil(3 * FILE_READ_CHUNK / 50), 12, [testInterfaces[0]!]));
    expect(big.length).toBeGreaterThan(3 * FILE_READ_CHUNK);
    const file = path.join(tmp, 'big.pcap');
    fs.writeFileSync(file, big);
    const sizes: number[] = [];
    for await (const chunk of openCaptureSource(file)) sizes.push(chunk.length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(big.length);
    expect(Math.max(...sizes)).toBe(FILE_READ_CHUNK);
    // The frames come out whole across the chunk boundaries.
    const n = { frames: 0 };
    await readCapture(file, { onFrame: () => void n.frames++ });
    expect(n.frames).toBe(Math.ceil(3 * FILE_READ_CHUNK / 50));
  });
});

describe('standard input', () => {
  const saved = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  afterEach(() => Object.defineProperty(process, 'stdin', saved));

  function fakeStdin(chunks: Uint8Array[]): void {
    Object.defineProperty(process, 'stdin', { value: Readable.from(chunks.map((c) => Buffer.from(c))), configurable: true });
  }

  it('"-" reads stdin, even when the bytes trickle in one at a time', async () => {
    fakeStdin([pcapng.subarray(0, 1), pcapng.subarray(1, 2), pcapng.subarray(2, 3), pcapng.subarray(3)]);
    expect((await collect('-')).frames).toEqual(frames);
  });

  it('"-" gunzips stdin too', async () => {
    const gz = zlib.gzipSync(pcapng);
    fakeStdin([gz.subarray(0, 1), gz.subarray(1)]);
    expect((await collect('-')).frames).toEqual(frames);
  });

  it('an empty stdin is an empty file', async () => {
    fakeStdin([]);
    expect((await collect('-')).error).toMatchObject({ kind: 'empty' });
  });
});
