/**
 * Conformance against tshark 4.0 (the oracle in ../shared/corpus/expected): reads a capture with
 * our reader and dissectors (two passes, like `tshark -2`) and compares, frame by frame, the fields
 * in scope with tshark's values.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusRoot } from '../corpus.js';
import { dissectFile } from '../../src/pipeline/index.js';
import { Base, fieldById, fieldByName, FT, isInteger } from '../../src/dissectors/fields.js';
import { fieldText } from '../../src/dissectors/format.js';
import type { Packet } from '../../src/dissectors/packet.js';

export { corpusFile, corpusPresent, corpusPublic, corpusRoot, CORPUS_MISSING, repoRoot } from '../corpus.js';

export interface IndexEntry {
  path: string;
  format: string;
  frames: number;
  exit: number;
  message: string;
}

export function readIndex(): IndexEntry[] {
  const lines = readFileSync(join(corpusRoot, 'expected/INDEX.tsv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => {
    const [path, , format, frames, exit, message] = l.split('\t');
    return { path: path!, format: format!, frames: Number(frames), exit: Number(exit), message: message ?? '' };
  });
}

export type OracleValue = string | number | boolean | (string | number | boolean)[];
export type OracleFrame = Record<string, OracleValue>;

export function readOracle(path: string): OracleFrame[] {
  const text = readFileSync(join(corpusRoot, 'expected', `${path}.ndjson`), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as OracleFrame);
}

/** Protocol-column values of the layers this project dissects (other rows' columns are not compared). */
export const OUR_TOP_PROTOCOLS = new Set(['TCP', 'UDP', 'ICMP', 'ICMPv6', 'ARP', 'IPv4', 'IPv6', 'LLC', 'DNS', 'MDNS', 'LLMNR']);
/** TLS (issue 4): the Protocol column names the session's version. */
for (const p of ['SSL', 'SSLv3', 'TLS', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']) OUR_TOP_PROTOCOLS.add(p);

/**
 * tshark's Info text without what the stream-reassembly issue adds (the `[TCP segment of a
 * reassembled PDU]` suffix). TCP-analysis prefixes (`[TCP Retransmission] `, ...) are compared.
 */
const REASSEMBLED_SUFFIX = ' [TCP segment of a reassembled PDU]';

export function normaliseInfo(info: string): string {
  return info.replace(/ \[TCP segment of a reassembled PDU\]$/, '');
}

/** The value of one field in a packet, encoded as the oracle encodes it (see expected/README.md). */
export function ourValue(pkt: Packet, abbrev: string): OracleValue | undefined {
  if (abbrev === '_ws.col.Protocol') return pkt.colProtocol;
  if (abbrev === '_ws.col.Info') return pkt.colInfo;
  const def = fieldByName(abbrev);
  if (!def) return undefined;
  const vals: (string | number | boolean)[] = [];
  for (let i = 0; i < pkt.n; i++) {
    if (pkt.fid[i] !== def.id) continue;
    const t = fieldText(pkt, i);
    if (def.type === FT.BOOLEAN) vals.push(t === '1');
    else if (def.type === FT.NONE) vals.push(true);
    else if (isInteger(def.type) && def.base !== Base.HEX && def.base !== Base.HEX_DEC) vals.push(Number(t));
    else vals.push(t);
  }
  if (!vals.length) return undefined;
  // Presence flags are single `true` however often they occur.
  if (def.type === FT.NONE) return true;
  return vals.length === 1 ? vals[0]! : vals;
}

export function sameValue(a: OracleValue | undefined, b: OracleValue | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export interface Difference {
  capture: string;
  frame: number;
  field: string;
  ours: OracleValue | undefined;
  tshark: OracleValue | undefined;
}

export interface CaptureResult {
  compared: Map<string, { total: number; agree: number }>;
  differences: Difference[];
  framesOurs: number;
  framesOracle: number;
  error?: string;
}

/**
 * Compares one capture. Oracle lines for pcapng custom blocks (tshark 4.0 counts them as frames,
 * Protocol column "PCAPNG") are skipped and tshark's frame numbers are kept for the report.
 */
export async function compareCapture(path: string, fields: readonly string[]): Promise<CaptureResult> {
  const oracle = readOracle(path).filter((o) => o['_ws.col.Protocol'] !== 'PCAPNG');
  const compared = new Map<string, { total: number; agree: number }>();
  const differences: Difference[] = [];
  let k = 0;
  let error: string | undefined;
  try {
    await dissectFile(join(corpusRoot, 'public', path), { columns: true, twoPass: true, count: 0 }, (pkt) => {
      const exp = oracle[k++];
      if (!exp) return;
      for (const f of fields) {
        let theirs = exp[f];
        if (f.startsWith('_ws.col.')) {
          // Columns are compared where the top protocol is one of ours.
          if (!OUR_TOP_PROTOCOLS.has(String(exp['_ws.col.Protocol']))) continue;
          // The suffix is compared where wirelite reassembles the stream (it then writes it too).
          if (f === '_ws.col.Info' && !pkt.colInfo.endsWith(REASSEMBLED_SUFFIX)) theirs = normaliseInfo(String(theirs));
        }
        const ours = ourValue(pkt, f);
        if (theirs === undefined && ours === undefined) continue;
        const c = compared.get(f) ?? { total: 0, agree: 0 };
        c.total++;
        if (sameValue(ours, theirs)) c.agree++;
        else differences.push({ capture: path, frame: Number(exp['frame.number']), field: f, ours, tshark: theirs });
        compared.set(f, c);
      }
    });
  } catch (e) {
    error = (e as Error).message;
  }
  return { compared, differences, framesOurs: k, framesOracle: oracle.length, error };
}

void fieldById;
