/**
 * Dissector registry: the tables that connect protocols, dispatch, and the safety boundary.
 *
 * As in Wireshark's epan, a child binds itself to its parent's table (`udp.port` 53 -> dns), so a
 * parent never knows its children. Dispatch for port tables: lower port, higher port, heuristics,
 * then `data`. The registry wraps every decode: an exception never leaves a dissector; it becomes
 * a malformed mark that keeps the bytes (and a test treats it as a bug).
 */
import type { Packet, Session } from './packet.js';
import { Severity } from './packet.js';

/**
 * Decodes the bytes [off, end) of the packet's current data source.
 * `rep` is the reported end (>= end when the capture was cut by the snap length).
 * `parent` is the tree item to hang the protocol item under (-1 for top level).
 * Returns nothing: what a layer consumed is what it added to the tree and handed on.
 */
export type DecodeFn = (pkt: Packet, off: number, end: number, rep: number, parent: number) => void;

/** A heuristic: returns true if it recognised and dissected the payload. */
export type HeuristicFn = (pkt: Packet, off: number, end: number, rep: number, parent: number) => boolean;

/**
 * What each protocol's builder accepts, by protocol name. Each dissector file with an `emit` adds
 * its own entry beside its decoder, by module augmentation:
 *
 *   declare module './registry.js' { interface LayerSpecs { ip: IpSpec } }
 *
 * A field left undefined is computed by the builder (lengths, checksums, next-protocol selectors).
 * The entries here are the builders whose fields are not typed yet (free-form, as before).
 */
export interface LayerSpecs {
  llc: UntypedSpec;
  null: UntypedSpec;
  loop: UntypedSpec;
  dns: UntypedSpec;
  mdns: UntypedSpec;
  llmnr: UntypedSpec;
  /** Raw IP link type: no header of its own. */
  raw: Record<never, never>;
  /** Payload bytes (a string is UTF-8 encoded). */
  data: { bytes?: Uint8Array | string };
}

/** Free-form fields of a builder not typed yet. */
export type UntypedSpec = { [field: string]: unknown };

/** The spec of one protocol: `{ proto: 'ip', ttl: 1, ... }`. */
export type LayerSpecOf<P extends keyof LayerSpecs> = { proto: P } & LayerSpecs[P];

/** One layer description for building packets: a union discriminated by `proto`. */
export type LayerSpec = { [P in keyof LayerSpecs]: LayerSpecOf<P> }[keyof LayerSpecs];

export interface EmitContext {
  /** All layers of the packet being built, outermost first. */
  layers: readonly LayerSpec[];
  /** Index of the layer being emitted. */
  index: number;
}

/**
 * Builds this layer around an already-built payload (innermost first), returning header+payload.
 * Lengths and checksums are computed unless the spec gives them.
 */
export type EmitFn<P extends keyof LayerSpecs = keyof LayerSpecs> = (spec: LayerSpecOf<P>, payload: Uint8Array, ctx: EmitContext) => Uint8Array;

export interface Dissector {
  /** Protocol filter name (`ip`, `tcp`). */
  name: string;
  /** Long name shown in the tree. */
  longName: string;
  /** Tables this dissector binds to: [table, value]. */
  bind?: ReadonlyArray<readonly [string, number]>;
  /** Heuristic registrations: [table, fn, Wireshark's short name (`dns_udp`, for --disable-heuristic)]. */
  heuristics?: ReadonlyArray<readonly [string, HeuristicFn, string]>;
  decode: DecodeFn;
  /**
   * The builder (see EmitFn); it takes the spec of its own protocol (`LayerSpecOf<'ip'>`): the
   * builder calls it only with a spec whose `proto` is this dissector's name. (A method, so that
   * a builder typed for one protocol's spec can be stored here.)
   */
  emit?(spec: LayerSpec, payload: Uint8Array, ctx: EmitContext): Uint8Array;
  /**
   * What this layer puts in its parent's "next protocol" field when built (e.g. ethertype 0x0800
   * for ip): [table, value]. Used by the builder to fill `eth.type`, `ip.proto`, ...
   */
  selector?: ReadonlyArray<readonly [string, number]>;
  /**
   * Set by the registry when it first knows the dissector: the index of its flag in a session's
   * `disabledIds` (dispatch reads that flag, not the set of disabled names, once per layer).
   */
  id?: number;
}

interface Table {
  name: string;
  byValue: Map<number, Dissector>;
  heuristics: Array<[HeuristicFn, Dissector, string]>;
  /** Ports Wireshark binds to a dissector wirelite does not have (see claimPorts). */
  claimed: Set<number>;
}

const tables = new Map<string, Table>();
const byName = new Map<string, Dissector>();

function table(name: string): Table {
  let t = tables.get(name);
  if (!t) {
    t = { name, byValue: new Map(), heuristics: [], claimed: new Set() };
    tables.set(name, t);
  }
  return t;
}

/**
 * Every dissector object the registry knows of (registered, stream protocols, data), in the order
 * of their ids. Filled at load time, like the tables: what a command sets per run (disabled
 * protocols, decode as, heuristics) is in its session, not here.
 */
const known: Dissector[] = [];
function know(d: Dissector): void {
  if (d.id !== undefined) return;
  d.id = known.length;
  known.push(d);
}

export function register(desc: Dissector): void {
  // One object shape for every registered dissector: dispatch's `d.decode` stays monomorphic.
  const d: Dissector = {
    name: desc.name, longName: desc.longName, bind: desc.bind, heuristics: desc.heuristics,
    decode: desc.decode, emit: desc.emit, selector: desc.selector, id: undefined,
  };
  know(d);
  byName.set(d.name, d);
  for (const [t, v] of d.bind ?? []) table(t).byValue.set(v, d);
  for (const [t, fn, short] of d.heuristics ?? []) {
    table(t).heuristics.push([fn, d, short]);
    heuristicNames.add(short);
  }
}

/** Whether the protocol is enabled in the session (every protocol is, unless disabled). */
export function protocolEnabled(s: Session, name: string): boolean {
  return s.disabledNames.size === 0 || !s.disabledNames.has(name);
}

/** Whether the dissector's protocol is enabled in the session (the per-packet form of `protocolEnabled`). */
export function dissectorEnabled(s: Session, d: Dissector): boolean {
  const off = s.disabledIds;
  return off === null || off[d.id as number] !== 1;
}

/**
 * The session's flags of disabled protocols, by dissector id (null: none is disabled), as
 * Wireshark's "Enabled Protocols" (`tshark --disable-protocol`): a table lookup or heuristic that
 * finds a disabled dissector goes on as if it were not there (its bytes end up as `data`);
 * disabling `data` drops them. Throws on a name no dissector has.
 */
export function disabledDissectorIds(names: ReadonlySet<string>): Uint8Array | null {
  if (names.size === 0) return null;
  for (const n of names) if (!protocolKnown(n)) throw new Error(`unknown protocol "${n}"`);
  const off = new Uint8Array(known.length);
  for (const d of known) if (names.has(d.name)) off[d.id as number] = 1;
  return off;
}

/**
 * Whether a port table dispatch can dissect anything: an enabled dissector bound to the table, an
 * enabled heuristic, or `data`. When none is (statistics that disable the application protocols),
 * a dissector may skip the dispatch of its payload.
 */
export function tableConsumes(s: Session, tableName: string): boolean {
  if (dataDissector && dissectorEnabled(s, dataDissector)) return true;
  const t = tables.get(tableName);
  if (!t) return false;
  for (const d of t.byValue.values()) if (dissectorEnabled(s, d)) return true;
  for (const d of s.decodeAs?.get(t)?.values() ?? []) if (dissectorEnabled(s, d)) return true;
  for (const [, d] of t.heuristics) if (dissectorEnabled(s, d)) return true;
  return false;
}

/** Names a dissector registers under, also those reached only through TCP streams (see tcp-stream). */
const extraNames = new Set<string>();
export function registerProtocolName(name: string, d?: Dissector): void {
  extraNames.add(name);
  if (d) know(d);
}
export function protocolKnown(name: string): boolean {
  return byName.has(name) || extraNames.has(name);
}

/**
 * The application protocols: the dissectors bound to a UDP or TCP port table, their heuristics,
 * stream protocols and `data`. Statistics that read only the link, network and transport layers
 * disable them (a TCP conversation table needs no DNS or TLS dissection).
 */
export function applicationProtocols(): string[] {
  const names = new Set<string>(['data', ...extraNames]);
  for (const t of ['udp.port', 'tcp.port']) {
    const tb = tables.get(t);
    if (!tb) continue;
    for (const d of tb.byValue.values()) names.add(d.name);
    for (const [, d] of tb.heuristics) names.add(d.name);
  }
  return [...names];
}

export function dissectorByName(name: string): Dissector | undefined {
  return byName.get(name);
}

/** Finds the value that binds `d` in `tableName` (for builders). */
export function selectorFor(tableName: string, name: string): number | undefined {
  const d = byName.get(name);
  for (const [t, v] of d?.selector ?? []) if (t === tableName) return v;
  for (const [t, v] of d?.bind ?? []) if (t === tableName) return v;
  return undefined;
}

/** Runs a decode inside the safety boundary. */
export function callDissector(d: Dissector, pkt: Packet, off: number, end: number, rep: number, parent: number): void {
  const n = pkt.n;
  const fence = pkt.fence;
  const cur = pkt.cur;
  try {
    d.decode(pkt, off, end, rep, parent);
  } catch (err) {
    // A throw is a bug in a dissector; keep what was built and mark the packet.
    pkt.fence = fence;
    if (pkt.cur !== cur) pkt.popSource(cur);
    const msg = err instanceof Error ? err.message : String(err);
    const at = pkt.n > n ? n : parent;
    pkt.markMalformed(at, `Malformed Packet (Exception occurred: ${d.name}: ${msg})`);
  }
}

/** The dissector of a table's value in the session: its decode-as entry (`-d`), else the table's. */
function lookup(s: Session, t: Table, value: number): Dissector | undefined {
  const da = s.decodeAs;
  if (da !== null) {
    const e = da.get(t);
    if (e !== undefined && e.has(value)) return e.get(value);
  }
  return t.byValue.get(value);
}

/** Looks a value up in a table; dissects as `data` when nothing matches. Returns true if a dissector took it. */
export function dispatch(tableName: string, value: number, pkt: Packet, off: number, end: number, rep: number, parent: number): boolean {
  return dispatchIn(table(tableName), value, pkt, off, end, rep, parent);
}

/** A dispatch table, for a dissector that dispatches through it on every packet (`dispatchIn`). */
export type DispatchTable = Table;
export function dispatchTable(name: string): DispatchTable {
  return table(name);
}

/** `dispatch` through a table looked up once (no lookup by name per packet). */
export function dispatchIn(t: DispatchTable, value: number, pkt: Packet, off: number, end: number, rep: number, parent: number): boolean {
  const s = pkt.session;
  const d = lookup(s, t, value);
  if (d && dissectorEnabled(s, d)) {
    callDissector(d, pkt, off, end, rep, parent);
    return true;
  }
  if (t.heuristics.length && tryHeuristics(t, pkt, off, end, rep, parent)) return true;
  dissectData(pkt, off, end, rep, parent);
  return false;
}

const ETHERTYPE = table('ethertype');

/**
 * Dispatch through Wireshark's `ethertype` dissector, which is itself a (tree-less) layer in
 * frame.protocols (`eth:ethertype:ip`). Dissectors that look the table up directly (SNAP, NULL)
 * call `dispatch('ethertype', ...)` instead.
 */
export function dispatchEthertype(type: number, pkt: Packet, off: number, end: number, rep: number, parent: number): boolean {
  pkt.protocols.push('ethertype');
  return dispatchIn(ETHERTYPE, type, pkt, off, end, rep, parent);
}

/**
 * Port dispatch as Wireshark does it: lower port first, then the higher, then heuristics, then data.
 * Port 0 is never looked up (Wireshark's UDP and TCP skip it).
 */
export function dispatchPorts(tableName: string, a: number, b: number, pkt: Packet, off: number, end: number, rep: number, parent: number): boolean {
  const t = tables.get(tableName);
  if (t) {
    const s = pkt.session;
    const lo = a < b ? a : b;
    const hi = a < b ? b : a;
    let d = lo !== 0 ? lookup(s, t, lo) : undefined;
    // As Wireshark: a disabled protocol on the lower port lets the higher port's dissector try.
    if (d && !dissectorEnabled(s, d)) d = undefined;
    if (hi !== 0) d ??= lookup(s, t, hi);
    if (d && !dissectorEnabled(s, d)) d = undefined;
    if (d) {
      callDissector(d, pkt, off, end, rep, parent);
      return true;
    }
    // A port Wireshark gives to a dissector wirelite lacks: its dissector, not a heuristic, would
    // have had the payload (NBNS on 137 is no DNS); the bytes stay data.
    if (t.heuristics.length && !t.claimed.has(lo) && !t.claimed.has(hi) && tryHeuristics(t, pkt, off, end, rep, parent)) return true;
  }
  dissectData(pkt, off, end, rep, parent);
  return false;
}

/**
 * Ports of a table that Wireshark binds to dissectors wirelite does not have: dispatchPorts tries
 * no heuristic on them. An approximation of Wireshark, where that dissector may still reject the
 * payload and let the heuristics try.
 */
export function claimPorts(tableName: string, ports: Iterable<number>): void {
  const t = table(tableName);
  for (const p of ports) t.claimed.add(p);
}

function tryHeuristics(t: Table, pkt: Packet, off: number, end: number, rep: number, parent: number): boolean {
  const s = pkt.session;
  for (const [h, d, short] of t.heuristics) {
    if (!dissectorEnabled(s, d) || !heuristicEnabled(s, short)) continue;
    const n = pkt.n;
    try {
      if (h(pkt, off, end, rep, parent)) return true;
    } catch {
      // A heuristic that throws did not recognise the data.
    }
    pkt.n = n;
  }
  return false;
}

/** `data` dissector, settable by the data module. */
let dataDissector: Dissector | undefined;
export function setDataDissector(d: Dissector): void {
  know(d);
  dataDissector = d;
}

export function dissectData(pkt: Packet, off: number, end: number, rep: number, parent: number): void {
  if (off >= end || !dataDissector || !dissectorEnabled(pkt.session, dataDissector)) return;
  callDissector(dataDissector, pkt, off, end, rep, parent);
}

// --- decode as (tshark's -d)

/** Tables that are wirelite's own plumbing with no Wireshark counterpart of that name: no `-d` on them. */
const INTERNAL_TABLES = new Set(['linktype', 'null.family', 'ethertype.llc']);

/** The tables `-d` can change (Wireshark's dissector table names), sorted. */
export function decodeAsTableNames(): string[] {
  return [...tables.keys()].filter((n) => !INTERNAL_TABLES.has(n) && tables.get(n)!.byValue.size > 0).sort();
}

/**
 * The protocols `-d` may bind in a table: those that bind themselves to it (Wireshark's "decode as"
 * list for the table is the dissectors registered with it), and `data`.
 */
export function decodeAsProtocols(tableName: string): string[] {
  const names = new Set<string>(['data']);
  for (const d of tables.get(tableName)?.byValue.values() ?? []) names.add(d.name);
  for (const [, d] of tables.get(tableName)?.heuristics ?? []) names.add(d.name);
  return [...names].sort();
}

/**
 * Adds to a session's decode-as entries: `values` of a table bound to a dissector, as Wireshark's
 * decode-as changes a dissector table's entry (`dissector_change_uint`): dispatch then finds it
 * there in its usual order (lower port first, ...). The registry's tables do not change.
 */
export function addDecodeAsEntries(into: Map<DispatchTable, Map<number, Dissector>>, tableName: string, values: Iterable<number>, d: Dissector): void {
  const t = table(tableName);
  let e = into.get(t);
  if (!e) {
    e = new Map();
    into.set(t, e);
  }
  for (const v of values) e.set(v, d);
}

// --- heuristics on and off (tshark's --disable-heuristic / --enable-heuristic)

/** Every heuristic's short name (`dns_udp`, `tls_tcp`). */
const heuristicNames = new Set<string>();
/** Registers a heuristic's short name that lives outside the tables (TCP stream heuristics). */
export function registerHeuristicName(short: string): void {
  heuristicNames.add(short);
}

/** Whether the heuristic of that short name is on in the session (all are, unless disabled). */
export function heuristicEnabled(s: Session, short: string): boolean {
  const off = s.heuristicsOff;
  return off === null || !off.has(short);
}

/** The heuristics' short names, sorted. */
export function heuristicShortNames(): string[] {
  return [...heuristicNames].sort();
}

/**
 * The heuristics a session switches off (`--disable-heuristic`, then `--enable-heuristic` puts
 * back), null when none is. Throws tshark's message on a name no heuristic has.
 */
export function heuristicsOff(disable: Iterable<string>, enable: Iterable<string> = []): Set<string> | null {
  const off = new Set<string>();
  for (const [names, isOff] of [[disable, true], [enable, false]] as const) {
    for (const n of names) {
      if (!heuristicNames.has(n)) throw new Error(`No such protocol ${n}, can't ${isOff ? 'disable' : 'enable'}`);
      if (isOff) off.add(n);
      else off.delete(n);
    }
  }
  return off.size ? off : null;
}
