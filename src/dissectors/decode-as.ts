/**
 * Decode as: tshark's `-d <layer_type>==<selector>,<decode_as_protocol>` (`udp.port==5354,dns`,
 * `tcp.port==8443,tls`, a range `udp.port==5000-5010,dns` or `udp.port==5000:11,dns`, a hex
 * selector `ethertype==0x0800,ip`). It changes the table's entries for the read, as Wireshark's
 * decode-as changes a dissector table (dispatch then keeps its usual order: lower port first, ...).
 *
 * The layer types are the registry's tables that Wireshark has under the same name; the protocols
 * valid for one are those that bind themselves to it, and `data`. For `tcp.port` these are the
 * stream protocols (src/dissectors/tcp/stream.ts: TLS, DNS). Errors carry tshark 4.0's wording.
 */
import { addDecodeAsEntries, decodeAsProtocols, decodeAsTableNames, dissectorByName, protocolKnown, type Dissector, type DispatchTable } from './registry.js';
import { addStreamPortEntries, streamProtocolNames, type StreamProtocol } from './tcp/stream.js';

/** One parsed `-d` rule. */
export interface DecodeAsRule {
  table: string;
  /** The selector values (a range gives several). */
  values: number[];
  protocol: string;
}

/** A `-d` value tshark would refuse: the message is tshark's (without its `tshark: ` prefix). */
export class DecodeAsError extends Error {
  override readonly name = 'DecodeAsError';
}

const TEMPLATE = '"<layer_type>==<selector>,<decode_as_protocol>"';
/** More values than this in one range is surely a typo (a port table has 65536). */
const MAX_RANGE = 65536;

/** The layer types `-d` accepts. */
export function decodeAsLayerTypes(): string[] {
  const names = new Set(decodeAsTableNames());
  names.add('tcp.port');
  return [...names].sort();
}

/** The protocols `-d` accepts for a layer type. */
export function decodeAsProtocolsFor(table: string): string[] {
  const names = new Set(decodeAsProtocols(table));
  if (table === 'tcp.port') for (const n of streamProtocolNames()) names.add(n);
  return [...names].sort();
}

function validProtocols(table: string): string {
  return `valid protocols for layer type "${table}": ${decodeAsProtocolsFor(table).join(', ')}`;
}

/** A selector number as tshark reads it (decimal, 0x hex or 0 octal, at most 32 bits). */
function selectorNumber(text: string): number | undefined {
  if (!/^(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(text)) return undefined;
  const n = /^0[0-7]+$/.test(text) ? parseInt(text, 8) : Number(text);
  return Number.isSafeInteger(n) && n <= 0xffffffff ? n : undefined;
}

/**
 * Parses one `-d` value. Returns the rule and any warning tshark prints for it (a single `=`);
 * throws DecodeAsError with tshark's message.
 */
export function parseDecodeAs(param: string): { rule: DecodeAsRule; warning?: string } {
  let warning: string | undefined;
  let text = param;
  let eq = text.indexOf('==');
  if (eq < 0) {
    const one = text.indexOf('=');
    if (one >= 0) {
      text = `${text.slice(0, one)}==${text.slice(one + 1)}`;
      eq = one;
      warning = `-d requires "==" instead of "=". Option will be treated as "${text}"`;
    }
  }
  const comma = text.indexOf(',', eq < 0 ? 0 : eq);
  const table = (eq >= 0 ? text.slice(0, eq) : comma >= 0 ? text.slice(0, comma) : text).trim();
  const layers = decodeAsLayerTypes();
  if (!layers.includes(table)) throw new DecodeAsError(`Unknown layer type -- ${table} (valid layer types: ${layers.join(', ')})`);
  if (eq < 0 || comma < 0) throw new DecodeAsError(`Parameter "${param}" doesn't follow the template ${TEMPLATE} (${validProtocols(table)})`);
  const selector = text.slice(eq + 2, comma);
  const values: number[] = [];
  const range = /^([^-:]+)([-:])(.*)$/.exec(selector);
  if (range) {
    const a = selectorNumber(range[1]!);
    const b = selectorNumber(range[3]!);
    // a-b: from a to b; a:n: n values from a.
    const last = a === undefined || b === undefined ? undefined : range[2] === '-' ? b : b >= 1 ? a + b - 1 : undefined;
    if (a === undefined || last === undefined || last < a || last - a >= MAX_RANGE) throw new DecodeAsError(`Invalid selector numeric range "${selector}"`);
    for (let v = a; v <= last; v++) values.push(v);
  } else {
    const v = selectorNumber(selector);
    if (v === undefined) throw new DecodeAsError(`Invalid selector number "${selector}"`);
    values.push(v);
  }
  const protocol = text.slice(comma + 1).trim();
  if (!protocol) throw new DecodeAsError(`No protocol name specified (${validProtocols(table)})`);
  if (!decodeAsProtocolsFor(table).includes(protocol)) {
    if (!protocolKnown(protocol) && protocol !== 'data') throw new DecodeAsError(`Unknown protocol -- "${protocol}" (${validProtocols(table)})`);
    throw new DecodeAsError(`Protocol "${protocol}" isn't valid for layer type "${table}" (${validProtocols(table)})`);
  }
  return { rule: { table, values, protocol }, warning };
}

/** What `-d` rules make of a session's dispatch: decode-as entries of the tables and of the TCP stream ports. */
export interface DecodeAsEntries {
  tables: Map<DispatchTable, Map<number, Dissector>>;
  streamPorts: Map<number, StreamProtocol | null>;
}

/** The entries of parsed rules (later rules win, as tshark's later -d options), for a session. */
export function decodeAsEntries(rules: readonly DecodeAsRule[]): DecodeAsEntries {
  const out: DecodeAsEntries = { tables: new Map(), streamPorts: new Map() };
  for (const r of rules) {
    if (r.table === 'tcp.port') {
      const stream = streamProtocolNames().includes(r.protocol);
      addStreamPortEntries(out.streamPorts, r.values, stream ? r.protocol : null);
      if (stream) continue;
    }
    const d = dissectorByName(r.protocol);
    if (!d) throw new DecodeAsError(`Unknown protocol -- "${r.protocol}"`);
    addDecodeAsEntries(out.tables, r.table, r.values, d);
  }
  return out;
}
