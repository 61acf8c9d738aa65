/**
 * `wirelite follow FILE --stream N [--format ascii|hex|raw|json]`: the payload of TCP stream N,
 * both directions in the order it was delivered, as `tshark -q -z follow,tcp,ascii,N` shows it:
 * out-of-order segments in their place, retransmitted bytes once, bytes the receiver acknowledged
 * but the capture lacks marked as `[N bytes missing in capture file]` (FollowAssembler in
 * src/dissectors/tcp/reassembly.ts, bounded by FOLLOW_LIMITS).
 *
 * Formats: `ascii` and `hex` are tshark's (node 1's chunks indented by a tab); `raw` writes the
 * payload bytes themselves to stdout (both directions, in order; gaps leave nothing); `json` one
 * object per line: first `{"stream","node0","node1"}`, then one per chunk
 * `{"dir","frame","offset","len","bytes"}` (bytes in base64; offset = position in the direction's
 * byte stream) or, for a gap, `{"dir","frame","offset","len":0,"gap":missing}`.
 *
 * Output is written as the file is read (only out-of-order segments are held). Exit codes: 0; 1
 * bad usage or no such stream; 2 the file cannot be read.
 */
import { Command, Option } from '@commander-js/extra-typings';
import { dissectFile, tap } from '../../pipeline/index.js';
import { applicationProtocols } from '../../dissectors/registry.js';
import { TCP_TAP, type TcpTapRecord } from '../../dissectors/tcp/tap.js';
import { TLS_DATA_TAP, type TlsDataRecord } from '../../dissectors/tls/types.js';
import { compileOption, type CompiledOption } from '../../filter/cli.js';
import { fieldByName } from '../../dissectors/fields.js';
import { formatIPv4At, formatIPv6 } from '../../dissectors/bytes.js';
import type { Packet } from '../../dissectors/packet.js';
import { FollowAssembler, type FollowChunk } from '../../dissectors/tcp/reassembly.js';
import { UsageError } from '../errors.js';
import { addDissectOptions, applyDissectOptions } from '../dissect-options.js';
import { OutBuffer, writeAllSync } from '../../render/output.js';

const FORMATS = ['ascii', 'hex', 'raw', 'json'] as const;
type Format = (typeof FORMATS)[number];

const SEPARATOR = '===================================================================\n';

export function followCommand() {
  return addDissectOptions(new Command('follow')
    .description('print the payload of a TCP stream, both directions in order, gaps marked (like tshark -z follow,tcp)')
    .argument('<file>', 'capture file to read')
    .requiredOption('--stream <n>', 'TCP stream index (tcp.stream), or first: the first stream (with -Y: the stream of the first packet that matches)', (v) => streamIndex(v))
    .option('-Y <filter>', 'display filter that picks the stream (with --stream first): the TCP stream of the first packet that matches (read in two passes, as tshark -2 -Y)')
    .addOption(new Option('--format <format>', 'ascii, hex (as tshark), raw (the bytes) or json (one object per chunk)').choices(FORMATS).default('ascii' as Format))
    .option('--tls', 'the decrypted TLS application data instead (as tshark -z follow,tls; needs the secrets: --tls-keylog FILE, or a pcapng that carries them)'))
    .action(async (file, o) => {
      applyDissectOptions(o);
      const display = compileOption('-Y', o.Y);
      if (display && o.stream !== 'first') throw new UsageError('-Y picks the stream to follow: give --stream first with it');
      // Streams are numbered from 0 in order of appearance: without a filter the first is 0.
      const stream = display ? await firstStream(file, display) : o.stream === 'first' ? 0 : o.stream;
      if (stream === undefined) throw new UsageError(`no TCP packet in ${file} matches -Y ${o.Y}`);
      const out = new Output(o.format as Format, stream, o.tls ? 'tls' : 'tcp');
      if (o.tls) return followTls(file, stream, out);
      const payloadFid = fieldByName('tcp.payload')!.id;
      let seg: { frame: number; dir: number; seq: number; ack: number; flags: number; len: number; sp: number; dp: number } | undefined;
      const onSegment = (r: TcpTapRecord) => {
        if (r.stream !== stream) return;
        seg = { frame: r.frame, dir: r.dir, seq: r.seq, ack: r.ack, flags: r.flags, len: r.len, sp: r.srcPort, dp: r.dstPort };
      };
      const asm = new FollowAssembler((c) => out.chunk(c));
      let failure: unknown;
      try {
        await dissectFile(file, { columns: false, twoPass: false, count: 0, fields: [payloadFid], disabledProtocols: applicationProtocols(), taps: [tap(TCP_TAP, onSegment)] }, (pkt: Packet) => {
          const s = seg;
          if (!s || s.frame !== pkt.frame.number) return;
          seg = undefined;
          if (!out.started) out.start(pkt, s.dir, s.sp, s.dp);
          const i = s.len > 0 ? pkt.find(payloadFid) : -1;
          const data = i >= 0 ? pkt.bytesOf(i) : EMPTY;
          asm.segment(s.dir, s.frame, s.seq, s.ack, s.flags, data, s.len);
        });
      } catch (e) {
        failure = e;
      }
      if (!out.started && !failure) throw new UsageError(`no TCP stream ${stream} in ${file}`);
      out.end();
      out.flush();
      // A damaged file: main() says why and exits 2, after everything read was written.
      if (failure) throw failure;
    });
}

const EMPTY = new Uint8Array(0);

/**
 * `--tls`: the stream's decrypted application data, one chunk per TLS record, as tshark's
 * follow,tls (node 0 sent the connection's first decrypted record; the TLS dissector's data tap).
 */
async function followTls(file: string, stream: number, out: Output): Promise<void> {
  const recs: TlsDataRecord[] = [];
  const offsets = [0, 0];
  let failure: unknown;
  const onData = (r: TlsDataRecord) => void (r.stream === stream && recs.push({ ...r, data: r.data.slice() }));
  try {
    await dissectFile(file, { columns: false, twoPass: false, count: 0, fields: [], disabledProtocols: applicationProtocols().filter((p) => p !== 'tls'), taps: [tap(TLS_DATA_TAP, onData)] }, (pkt: Packet) => {
      for (const r of recs) {
        const dir = r.fromClient === r.firstFromClient ? 0 : 1;
        if (!out.started) out.start(pkt, dir, pkt.srcPort, pkt.dstPort);
        out.chunk({ dir, frame: r.frame, offset: offsets[dir]!, data: r.data, gap: 0 });
        offsets[dir]! += r.data.length;
      }
      recs.length = 0;
    });
  } catch (e) {
    failure = e;
  }
  if (!out.started && !failure) throw new UsageError(`no decrypted TLS data in TCP stream ${stream} of ${file} (the secrets: --tls-keylog FILE, or a pcapng that carries them)`);
  out.end();
  out.flush();
  if (failure) throw failure;
}

function streamIndex(v: string): number | 'first' {
  if (v === 'first') return v;
  const n = Number(v);
  if (!/^[0-9]+$/.test(v) || !Number.isSafeInteger(n)) throw new UsageError(`--stream takes a stream index (0, 1, ...) or first, not "${v}"`);
  return n;
}

/**
 * The TCP stream of the first TCP packet that `display` passes: a read of its own, in two passes
 * (the filter sees final analysis values, as tshark -2 -Y), that stops at that packet. Undefined
 * when no TCP packet matches.
 */
async function firstStream(file: string, display: CompiledOption): Promise<number | undefined> {
  if (file === '-') throw new UsageError('follow -Y reads the file twice (to pick the stream, then to follow it): standard input cannot be');
  let found: number | undefined;
  await dissectFile(
    file,
    {
      columns: false,
      twoPass: true,
      count: 0,
      fields: display.fields,
      displayFilter: { test: display.filter },
      taps: [tap(TCP_TAP, (r) => void (found ??= r.stream))],
      afterFrame: () => found === undefined,
    },
  );
  return found;
}

/** Writes the chosen format to stdout, buffered. */
class Output {
  started = false;
  private readonly text = new OutBuffer();
  /** Bytes printed per direction (tshark's hex offsets count the gap texts too). */
  private printed = [0, 0];
  constructor(
    private readonly format: Format,
    private readonly stream: number,
    private readonly proto: 'tcp' | 'tls' = 'tcp',
  ) {}

  /** The first segment of the stream: its sender is node 0. */
  start(pkt: Packet, dir: number, sp: number, dp: number): void {
    this.started = true;
    const [src, dst] = addresses(pkt);
    // Node 0 sent the stream's first packet; this one may come from either side.
    const n0 = dir === 0 ? endpoint(src, sp) : endpoint(dst, dp);
    const n1 = dir === 0 ? endpoint(dst, dp) : endpoint(src, sp);
    if (this.format === 'json') this.write(JSON.stringify({ stream: this.stream, node0: n0, node1: n1 }) + '\n');
    else if (this.format !== 'raw') this.write(`\n${SEPARATOR}Follow: ${this.proto},${this.format}\nFilter: tcp.stream eq ${this.stream}\nNode 0: ${n0}\nNode 1: ${n1}\n`);
  }

  chunk(c: FollowChunk): void {
    const data = c.gap > 0 ? gapText(c.gap) : c.data;
    const tab = c.dir ? '\t' : '';
    switch (this.format) {
      case 'json': {
        const o: Record<string, unknown> = { dir: c.dir, frame: c.frame, offset: c.offset, len: c.data.length };
        if (c.gap > 0) o.gap = c.gap;
        else o.bytes = Buffer.from(c.data.buffer, c.data.byteOffset, c.data.length).toString('base64');
        this.write(JSON.stringify(o) + '\n');
        return;
      }
      case 'raw':
        if (c.gap === 0) this.write(c.data);
        return;
      case 'ascii':
        this.write(`${tab}${data.length}\n${asciiText(data)}\n`);
        break;
      case 'hex':
        this.write(hexDump(tab, this.printed[c.dir]!, data));
        break;
    }
    this.printed[c.dir] += data.length;
  }

  end(): void {
    if (this.started && (this.format === 'ascii' || this.format === 'hex')) this.write(SEPARATOR);
  }

  private write(s: string | Uint8Array): void {
    if (typeof s === 'string') this.text.write(s);
    else {
      this.text.flush();
      writeBytes(s);
    }
  }

  flush(): void {
    this.text.flush();
  }
}

/** Writes bytes to stdout synchronously (raw format). */
function writeBytes(b: Uint8Array): void {
  writeAllSync(1, b);
}

function addresses(pkt: Packet): [string, string] {
  const h = pkt.ipHdr;
  if (pkt.ipVersion === 6) return [`[${formatIPv6(h, pkt.ipSrcOff)}]`, `[${formatIPv6(h, pkt.ipDstOff)}]`];
  return [formatIPv4At(h, pkt.ipSrcOff), formatIPv4At(h, pkt.ipDstOff)];
}

function endpoint(addr: string, port: number): string {
  return `${addr}:${port}`;
}

/** tshark's marker for bytes the capture lacks: the text and a NUL. */
function gapText(n: number): Uint8Array {
  return Buffer.from(`[${n} bytes missing in capture file]\0`, 'latin1');
}

/** tshark's ascii mode: printable bytes, CR and LF as they are, the rest as dots (one byte a char). */
function asciiText(d: Uint8Array): string {
  let s = '';
  for (let i = 0; i < d.length; i++) {
    const b = d[i]!;
    s += b === 0x0d || b === 0x0a || (b >= 0x20 && b < 0x7f) ? String.fromCharCode(b) : '.';
  }
  return s;
}

/** tshark's hex mode: 16 bytes a line, offset in 8 uppercase hex digits, an extra space after 8 bytes. */
function hexDump(prefix: string, offset: number, d: Uint8Array): string {
  let s = '';
  for (let i = 0; i < d.length; i += 16) {
    const n = Math.min(16, d.length - i);
    let hex = '';
    let asc = '';
    for (let k = 0; k < n; k++) {
      const b = d[i + k]!;
      hex += b.toString(16).padStart(2, '0') + ' ';
      asc += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
      if (k === 7) {
        hex += ' ';
        asc += ' ';
      }
    }
    // tshark drops one trailing space of the ASCII column (the one after byte 8, or a space byte).
    if (asc.endsWith(' ')) asc = asc.slice(0, -1);
    s += `${prefix}${(offset + i).toString(16).toUpperCase().padStart(8, '0')}  ${hex.padEnd(50, ' ')}${asc}\n`;
  }
  return s;
}
