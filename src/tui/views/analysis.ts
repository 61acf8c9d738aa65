/**
 * What the analysis views show, computed by the statistics of src/stats run through the pipeline
 * on the capture file (the views themselves never decode): one read for the tables
 * (`analyseFile`: conversations and endpoints of every type, expert items, DNS transactions, TLS
 * connections, TCP connections), and one per connection for the doctor (`connectionSeries`: the
 * per-packet series behind the display filter `tcp.stream == N`, and the follow-stream text).
 *
 * These functions run in a worker thread (./analysis-worker.ts, started by ./analysis-job.ts) so
 * the UI stays responsive: the pipeline reads the file synchronously in chunks. Their results are
 * plain data (structured-clone safe).
 */
import type { Frame } from '../../capture/frame.js';
import { CaptureFileError } from '../../capture/capture-error.js';
import { DNS_TAP } from '../../dissectors/dns/dissector.js';
import { newSession, type SessionOptions } from '../../dissectors/session.js';
import { TCP_TAP } from '../../dissectors/tcp/tap.js';
import { TLS_TAP } from '../../dissectors/tls/types.js';
import { compile } from '../../filter/index.js';
import { dissectFile, tap } from '../../pipeline/index.js';
import { CONV_TYPES, ConversationTable, type ConvRow, type ConvType, type EndpointRow } from '../../stats/conversations.js';
import { DnsTransactions, type DnsTransaction } from '../../stats/dns-transactions.js';
import { ExpertTable, type ExpertRow } from '../../stats/expert.js';
import { TcpConnectionTable, type ConnectionSummary } from '../../stats/tcp.js';
import { tcpCard } from '../../stats/tcp-card.js';
import { TcpFollow, followAsciiText, followGapText } from '../../stats/tcp-follow.js';
import { TcpSeries, type TcpSeriesResult } from '../../stats/tcp-series.js';
import { TlsConnectionTable, type TlsConnectionSummary } from '../../stats/tls.js';

export const ANALYSIS_LIMITS = {
  /** TCP connection rows sent to the UI (the doctor of a later stream reads its own row again). */
  maxTcpRows: 100_000,
  /** Bytes of follow-stream text kept for the doctor. */
  maxFollowBytes: 4 * 2 ** 20,
};

export interface AnalysisProgress {
  pass: 1 | 2;
  frames: number;
}

export interface AnalysisResult {
  conversations: Record<ConvType, ConvRow[]>;
  endpoints: Record<ConvType, EndpointRow[]>;
  expert: ExpertRow[];
  dns: DnsTransaction[];
  tls: TlsConnectionSummary[];
  tcp: ConnectionSummary[];
  /** Connections beyond ANALYSIS_LIMITS.maxTcpRows (not sent). */
  tcpMore: number;
  frames: number;
  /** The message of a damaged file (the tables hold the frames before it). */
  error?: string;
}

/** Reads `file` once (two passes, as tshark -2) with every table's consumer on the session's taps. */
export async function analyseFile(file: string, sessionOptions: SessionOptions, onProgress?: (p: AnalysisProgress) => void): Promise<AnalysisResult> {
  const conv = Object.fromEntries(CONV_TYPES.map((t) => [t, new ConversationTable(t)])) as Record<ConvType, ConversationTable>;
  const others = CONV_TYPES.filter((t) => t !== 'tcp').map((t) => conv[t]);
  const expert = new ExpertTable();
  const dns = new DnsTransactions();
  const tls = new TlsConnectionTable();
  // The connection table keeps to the limits of the session it reads in, as `stats tcp` does.
  const session = newSession(sessionOptions);
  const tcp = new TcpConnectionTable({ limits: session.limits.tcpConnection });
  let frames = 0;
  let pass: 1 | 2 = 1;
  let error: string | undefined;
  const onFrame = (frame: Frame) => {
    for (const t of CONV_TYPES) conv[t].addFrame(frame);
  };
  try {
    await dissectFile(
      file,
      {
        columns: false,
        twoPass: true,
        count: 0,
        fields: ConversationTable.fieldIds(),
        session,
        onFrame,
        afterFrame: () => {
          frames++;
          if ((frames & 0x3fff) === 0) onProgress?.({ pass, frames });
          return true;
        },
        onInterface: () => {
          // The second pass starts (interfaces are announced to the consumers in the delivering pass only).
          if (pass === 1) {
            pass = 2;
            frames = 0;
          }
        },
        taps: [
          tap(TCP_TAP, (r) => {
            conv.tcp.addTcp(r);
            tcp.add(r);
            tls.addTcp(r);
          }),
          tap(TLS_TAP, (r) => tls.addTls(r)),
          tap(DNS_TAP, (r) => dns.add(r)),
        ],
      },
      (pkt, frame) => {
        expert.add(pkt);
        for (const t of others) t.add(pkt, frame);
      },
    );
  } catch (e) {
    if (!(e instanceof CaptureFileError)) throw e;
    error = e.message;
  }
  const tcpRows: ConnectionSummary[] = [];
  let tcpMore = 0;
  for (const s of tcp.rows()) {
    if (tcpRows.length < ANALYSIS_LIMITS.maxTcpRows) tcpRows.push(s);
    else tcpMore++;
  }
  return {
    conversations: Object.fromEntries(CONV_TYPES.map((t) => [t, conv[t].conversations()])) as Record<ConvType, ConvRow[]>,
    endpoints: Object.fromEntries(CONV_TYPES.map((t) => [t, conv[t].endpoints()])) as Record<ConvType, EndpointRow[]>,
    expert: expert.result(),
    dns: dns.result(),
    tls: tls.result(),
    tcp: tcpRows,
    tcpMore,
    frames,
    error,
  };
}

/** One chunk of a followed stream as text (tshark's ascii mode), for the doctor. */
export interface FollowText {
  dir: number;
  frame: number;
  text: string;
}

export interface ConnectionDetail {
  stream: number;
  /** The connection's row (`stats tcp --json`) and its card text (`stats tcp`). */
  summary: ConnectionSummary | null;
  card: string;
  series: TcpSeriesResult;
  follow: { node0: string; node1: string; chunks: FollowText[]; truncated: boolean };
  error?: string;
}

/**
 * The doctor's data for stream `stream`: a two-pass read with the display filter
 * `tcp.stream == N` in front of the series and the follow consumer (tshark -2 -Y), and the
 * connection's card from the TCP statistic of the same read.
 */
export async function connectionDetail(file: string, stream: number, sessionOptions: SessionOptions): Promise<ConnectionDetail> {
  const f = compile(`tcp.stream == ${stream}`);
  if (!f.ok) throw new Error(`tcp.stream filter: ${f.error.message}`);
  const series = new TcpSeries(stream);
  const session = newSession(sessionOptions);
  const tcp = new TcpConnectionTable({ limits: session.limits.tcpConnection });
  const chunks: FollowText[] = [];
  let bytes = 0;
  let truncated = false;
  const follow = new TcpFollow(stream, (c) => {
    if (bytes >= ANALYSIS_LIMITS.maxFollowBytes) {
      truncated = true;
      return;
    }
    const data = c.gap > 0 ? followGapText(c.gap) : c.data;
    bytes += data.length;
    chunks.push({ dir: c.dir, frame: c.frame, text: followAsciiText(data) });
  });
  let error: string | undefined;
  try {
    await dissectFile(
      file,
      {
        columns: false,
        twoPass: true,
        count: 0,
        fields: [...new Set([...TcpSeries.fieldIds(), ...TcpFollow.fieldIds(), ...f.fields])],
        session,
        displayFilter: { test: f.filter },
        taps: [tap(TCP_TAP, (r) => {
          tcp.add(r);
          follow.segment(r);
        })],
      },
      (pkt) => {
        series.add(pkt);
        follow.add(pkt);
      },
    );
  } catch (e) {
    if (!(e instanceof CaptureFileError)) throw e;
    error = e.message;
  }
  const summary = tcp.row(stream);
  return {
    stream,
    summary,
    card: summary ? tcpCard(summary) : '',
    series: series.result(),
    follow: { node0: follow.node0, node1: follow.node1, chunks, truncated },
    error,
  };
}
