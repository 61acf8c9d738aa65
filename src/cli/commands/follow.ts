/**
 * `wirelite follow FILE --stream N [--format ascii|hex|raw|json]`: the payload of TCP stream N,
 * both directions in the order it was delivered, as `tshark -q -z follow,tcp,ascii,N` shows it:
 * out-of-order segments in their place, retransmitted bytes once, bytes the receiver acknowledged
 * but the capture lacks marked as `[N bytes missing in capture file]` (FollowAssembler in
 * src/dissectors/tcp/reassembly.ts, bounded by FOLLOW_LIMITS; the consumer and tshark's text formats
 * are src/stats/tcp-follow.ts).
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
import { TCP_TAP } from '../../dissectors/tcp/tap.js';
import { TLS_DATA_TAP, type TlsDataRecord } from '../../dissectors/tls/types.js';
import { compileOption, type CompiledOption } from '../../filter/cli.js';
import type { Packet } from '../../dissectors/packet.js';
import { followAsciiText, followGapText, followHexDump, packetAddresses, TcpFollow, type FollowChunk } from '../../stats/tcp-follow.js';
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
      const display = compileOption('-Y', o.Y, o.N);
      if (display && o.stream !== 'first') throw new UsageError('-Y picks the stream to follow: give --stream first with it');
      // Streams are numbered from 0 in order of appearance: without a filter the first is 0.
      const stream = display ? await firstStream(file, display) : o.stream === 'first' ? 0 : o.stream;
      if (stream === undefined) throw new UsageError(`no TCP packet in ${file} matches -Y ${o.Y}`);
      const out = new Output(o.format as Format, stream, o.tls ? 'tls' : 'tcp');
      if (o.tls) return followTls(file, stream, out);
      const follow = new TcpFollow(stream, (c) => out.chunk(c), (n0, n1) => out.start(n0, n1));
      let failure: unknown;
      try {
        await dissectFile(file, { columns: false, twoPass: false, count: 0, fields: TcpFollow.fieldIds(), disabledProtocols: applicationProtocols(), taps: [tap(TCP_TAP, (r) => follow.segment(r))] }, (pkt: Packet) => follow.add(pkt));
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
        if (!out.started) out.start(...nodes(pkt, dir, pkt.srcPort, pkt.dstPort));
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
  private readonly printed: [number, number] = [0, 0];
  constructor(
    private readonly format: Format,
    private readonly stream: number,
    private readonly proto: 'tcp' | 'tls' = 'tcp',
  ) {}

  /** The stream's first packet: node 0 sent it. */
  start(n0: string, n1: string): void {
    this.started = true;
    if (this.format === 'json') this.write(JSON.stringify({ stream: this.stream, node0: n0, node1: n1 }) + '\n');
    else if (this.format !== 'raw') this.write(`\n${SEPARATOR}Follow: ${this.proto},${this.format}\nFilter: tcp.stream eq ${this.stream}\nNode 0: ${n0}\nNode 1: ${n1}\n`);
  }

  chunk(c: FollowChunk): void {
    const data = c.gap > 0 ? followGapText(c.gap) : c.data;
    const dir = c.dir ? 1 : 0;
    const tab = dir ? '\t' : '';
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
        this.write(`${tab}${data.length}\n${followAsciiText(data)}\n`);
        break;
      case 'hex':
        this.write(followHexDump(tab, this.printed[dir], data));
        break;
    }
    this.printed[dir] += data.length;
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

/** Node 0 and node 1 of a stream from a packet sent in direction `dir` (0: by node 0). */
function nodes(pkt: Packet, dir: number, sp: number, dp: number): [string, string] {
  const [src, dst] = packetAddresses(pkt);
  return dir === 0 ? [`${src}:${sp}`, `${dst}:${dp}`] : [`${dst}:${dp}`, `${src}:${sp}`];
}
