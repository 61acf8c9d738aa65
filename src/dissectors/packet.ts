/**
 * The dissection result of one frame: a flat, array-backed protocol tree.
 *
 * Every item is one field occurrence: its field id, the data source and byte range it came from,
 * its parent item, a numeric value (integers, IPv4 addresses as u32, booleans, times) and, for
 * other types, a reference (string, bytes, object). No object is allocated per field: the arrays
 * are reused from frame to frame, so dissecting millions of packets allocates almost nothing.
 *
 * Ranges of items whose value lives in the bytes (MAC, IPv6, bytes) are decoded only when printed.
 */
import { decText, formatIPv4, formatMac } from './bytes.js';
import type { NameResolver } from './names.js';
import type { Frame } from '../capture/frame.js';
import { allFields, fieldById, fieldByName, FT } from './fields.js';
import type { SessionTaps } from './taps.js';
import type { Prefs } from './prefs.js';
import type { SessionLimits } from './limits.js';
import type { Dissector, DispatchTable } from './registry.js';
import type { SessionOptions } from './session.js';
import type { StreamProtocol } from './tcp/stream.js';
import { grown } from './grow.js';
import { NoteTable } from './notes.js';
import { PATCH_NOTES, type PatchLog } from './patch.js';

export const enum Severity {
  Chat = 1,
  Note = 2,
  Warn = 3,
  Error = 4,
}

export const SEVERITY_NAMES = ['', 'Chat', 'Note', 'Warning', 'Error'] as const;

export interface ExpertItem {
  severity: Severity;
  /** Wireshark expert group: Sequence, Malformed, Checksum, Protocol, Reassemble, ... */
  group: string;
  message: string;
  /** Wireshark's expert field name, e.g. `ip.checksum_bad.expert`. */
  abbrev: string;
  /** The tree item it is attached to (-1: the frame). */
  item: number;
}

/**
 * A session: what one read changes and keeps. Its settings (preferences, limits, disabled
 * protocols, decode as, heuristics), fixed when it is made by `newSession(options)` (./session.ts,
 * the one way to make one); the per-capture state shared across frames (reassembly tables,
 * conversations, pairing), and the notes a first pass leaves for the second (like tshark -2:
 * "reassembled in #N" is known only later). Nothing a read sets is kept in a module: two sessions
 * in one process give what two processes give.
 */
export interface Session {
  /** The options it was made with (plain data: a worker makes the same session from them). */
  readonly options: SessionOptions;
  /** Preferences (`-o`; DEFAULT_PREFS in ./prefs.ts otherwise). */
  readonly prefs: Readonly<Prefs>;
  /** Named limits (./limits.ts): the defaults, changed by `-o tcp.max_conversations:N` or the options. */
  readonly limits: SessionLimits;
  /** Protocols not dissected (`--disable-protocol`), by name. */
  readonly disabledNames: ReadonlySet<string>;
  /** The same as flags by dissector id (null: none disabled), read by dispatch (`dissectorEnabled`). */
  readonly disabledIds: Uint8Array | null;
  /** Decode-as entries of the dissector tables (`-d`; null: none), looked up before the table's own. */
  readonly decodeAs: Map<DispatchTable, Map<number, Dissector>> | null;
  /** Decode-as entries of TCP stream ports (`-d tcp.port==N,tls`; null: none binds a port to no stream protocol). */
  readonly streamPorts: Map<number, StreamProtocol | null> | null;
  /** Heuristics switched off, by short name (null: none). */
  readonly heuristicsOff: ReadonlySet<string> | null;
  state: Map<string, unknown>;
  /** State by SessionKey id (`sessionSlot`): per-packet lookups without a name. */
  slots: unknown[];
  /** 0: single pass; 1: first of two passes; 2: second pass (notes from pass 1 are final). */
  pass: 0 | 1 | 2;
  /** Notes by kind (`ip.reassembled_in`, ...), then by frame: a few compact tables (./notes.ts), not one per frame. */
  notes: Map<string, NoteTable>;
  /**
   * A patched read (./patch.ts): one pass that dissects as a first pass does (pass 1) and prints,
   * with holes where a later frame decides a column. Undefined otherwise.
   */
  patch?: PatchLog;
  /** What the first pass hands to the second (e.g. final TCP conversation state); kept by secondPass. */
  carry: Map<string, unknown>;
  /** The file says which interface each packet came from (pcapng): frame.interface_id is shown. */
  interfaceIds: boolean;
  /** FCS bytes per interface id (from the capture file's interface descriptions). */
  fcsLen: number[];
  /** Interface names by id (pcapng if_name), for frame.interface_name. */
  ifNames: (string | undefined)[];
  /** Times of the first and previous frames (frame.time_relative / time_delta). */
  time: { firstSec: number; firstNsec: number; prevSec: number; prevNsec: number; seen: boolean };
  /**
   * Single pass (live capture, stdin): a later frame revealed a fact about an earlier, already
   * shown frame (its DNS response, the frame that reassembled it, ...). Called with the earlier
   * frame, the note's key (`annotate`) and its value; outputs that can revise (JSON lines) print an
   * update. Nothing is stored in a single pass, so memory does not grow with the capture.
   */
  revise?: (frame: number, key: string, value: number) => void;
  /** Name resolution for this read (`-N`): what dissectors ask for names, and DNS answers teach. */
  names?: NameResolver;
  /** Tap listeners and the records of the current packet, delivered after it is dissected (./taps.ts). */
  taps: SessionTaps;
}

/** Starts the second pass: fresh state, notes kept. */
export function secondPass(s: Session): void {
  s.state = new Map();
  s.slots = [];
  s.pass = 2;
  for (const t of s.notes.values()) t.settle();
  s.time = { firstSec: 0, firstNsec: 0, prevSec: 0, prevNsec: 0, seen: false };
}

let nextSessionKey = 0;

/**
 * A kind of per-capture state looked up on every packet (`sessionSlot`): an array index, where
 * `sessionState` hashes a name and takes a closure at each call.
 */
export class SessionKey<T> {
  readonly id = nextSessionKey++;
  constructor(readonly make: (pkt: Packet) => T) {}
}

/** Gets (or creates) the session's state of `key`. */
export function sessionSlot<T>(pkt: Packet, key: SessionKey<T>): T {
  const slots = pkt.session.slots;
  let v = slots[key.id] as T | undefined;
  if (v === undefined) {
    v = key.make(pkt);
    slots[key.id] = v;
  }
  return v;
}

/** Gets (or creates) a piece of per-capture state. */
export function sessionState<T>(pkt: Packet, key: string, make: () => T): T {
  let v = pkt.session.state.get(key) as T | undefined;
  if (v === undefined) {
    v = make();
    pkt.session.state.set(key, v);
  }
  return v;
}

/**
 * Records a fact about a frame for the second pass (e.g. `ip.reassembled_in`). In a single pass
 * nothing is kept: a fact about an earlier frame goes to `session.revise` instead.
 */
export function annotate(pkt: Packet, frame: number, key: string, value: number): void {
  if (pkt.session.pass === 0) {
    if (frame < pkt.frame.number) pkt.session.revise?.(frame, key, value);
    return;
  }
  // A patched read keeps only the notes its holes read (no second pass reads the others).
  if (pkt.session.patch && !PATCH_NOTES.has(key)) return;
  let m = pkt.session.notes.get(key);
  if (!m) {
    m = new NoteTable();
    pkt.session.notes.set(key, m);
  }
  m.add(frame, value);
}

export function annotation(pkt: Packet, frame: number, key: string): number | undefined {
  return pkt.session.notes.get(key)?.get(frame);
}

/**
 * The layers of a packet (`frame.protocols`), reused from packet to packet: clearing it keeps its
 * storage (an array's `length = 0` would free and regrow it for every packet).
 */
export class LayerList {
  private items: string[] = [];
  length = 0;
  push(name: string): void {
    this.items[this.length++] = name;
  }
  at(i: number): string | undefined {
    return i >= 0 && i < this.length ? this.items[i] : undefined;
  }
  last(): string | undefined {
    return this.at(this.length - 1);
  }
  /** Removes the layer at index `i` (the lookups that Wireshark does without a layer). */
  removeAt(i: number): void {
    if (i < 0 || i >= this.length) return;
    for (let k = i; k < this.length - 1; k++) this.items[k] = this.items[k + 1]!;
    this.length--;
  }
  clear(): void {
    this.length = 0;
  }
  join(sep: string): string {
    let s = '';
    for (let i = 0; i < this.length; i++) s += i ? sep + this.items[i] : this.items[i];
    return s;
  }
  toArray(): string[] {
    return this.items.slice(0, this.length);
  }
}

/**
 * The fields whose names start with `prefix` (`tcp.flags` for the flags and their bits,
 * `tcp.option` for the options with tcp.option_kind and tcp.option_len), made once at load time
 * by `fieldGroup`: `Packet.keepsGroup` tells whether the tree keeps any of them.
 */
export interface FieldGroup {
  readonly prefix: string;
  readonly index: number;
}

const fieldGroups: FieldGroup[] = [];

export function fieldGroup(prefix: string): FieldGroup {
  const g = { prefix, index: fieldGroups.length };
  fieldGroups.push(g);
  return g;
}

export class Packet {
  frame!: Frame;
  session: Session;
  /** When false, dissectors skip building column text (the `-q` path). */
  wantColumns: boolean;

  // --- data sources: 0 is the frame, more for reassembled or decompressed data
  sources: Uint8Array[] = [];
  sourceNames: string[] = [];
  /** The current data source while dissecting. */
  data!: Uint8Array;
  private viewCache: DataView | undefined;
  cur = 0;

  /** A DataView over the current data source, made on first use (most dissectors use u16/u32). */
  get view(): DataView {
    return (this.viewCache ??= new DataView(this.data.buffer, this.data.byteOffset, this.data.byteLength));
  }

  // --- the tree
  n = 0;
  fid: Int32Array;
  start: Int32Array;
  len: Int32Array;
  parent: Int32Array;
  src: Uint8Array;
  num: Float64Array;
  ref: unknown[];
  /** Custom tree text for an item (replaces the default `Name: value`). */
  label: (string | undefined)[];
  /** Items whose value is hidden from the tree (still usable in fields/filters). */
  hidden: Uint8Array;

  // --- summary
  protocols = new LayerList();
  colProtocol = '';
  /**
   * The Info column. A dissector may give it as parts (`addInfoPart`: texts and numbers), joined
   * only when read: the one-line output writes the parts' bytes directly (see infoParts).
   */
  get colInfo(): string {
    if (this.infoParts !== 0) this.joinInfoParts();
    return this.infoText;
  }
  set colInfo(v: string) {
    this.infoParts = 0;
    this.infoText = v;
  }
  /** The Info text before its parts (all of it when there are none). */
  infoText = '';
  /** Parts after infoText not yet joined: part i is infoPartText[i], then decText(infoPartNum[i]) when infoPartHasNum[i]. */
  infoParts = 0;
  readonly infoPartText: string[] = [];
  infoPartNum = new Float64Array(16);
  infoPartHasNum = new Uint8Array(16);
  private joinInfoParts(): void {
    let s = this.infoText;
    for (let i = 0; i < this.infoParts; i++) {
      s += this.infoPartText[i]!;
      if (this.infoPartHasNum[i]) s += decText(this.infoPartNum[i]!);
    }
    this.infoParts = 0;
    this.infoText = s;
  }
  /** Length of the Info text (without joining its parts). */
  get infoLength(): number {
    let n = this.infoText.length;
    for (let i = 0; i < this.infoParts; i++) {
      n += this.infoPartText[i]!.length;
      if (this.infoPartHasNum[i]) n += decText(this.infoPartNum[i]!).length;
    }
    return n;
  }
  /**
   * Length of the Info prefix that later `setInfo` calls keep (Wireshark's col_prepend_fence_fstr:
   * TCP analysis verdicts stay in front of what DNS or TLS writes for the same frame).
   */
  infoFence = 0;
  /** The Source and Destination columns (MAC addresses set by `setMacAddresses` are made text when read). */
  get colSrc(): string {
    this.addressText();
    return this.srcText;
  }
  set colSrc(v: string) {
    this.addressText();
    this.srcText = v;
  }
  get colDst(): string {
    this.addressText();
    return this.dstText;
  }
  set colDst(v: string) {
    this.addressText();
    this.dstText = v;
  }
  /** Makes the pending addresses (MAC bytes, IPv4 numbers) text, before the columns are read or set. */
  private addressText(): void {
    if (this.macData !== null) this.macText();
    else if (this.ipv4Columns) this.ipv4Text();
  }
  /**
   * The columns are the IPv4 addresses ipv4Src and ipv4Dst, not yet made text (`setIPv4Addresses`:
   * the one-line output writes them without a string).
   */
  ipv4Columns = false;
  ipv4Src = 0;
  ipv4Dst = 0;
  private ipv4Text(): void {
    this.ipv4Columns = false;
    this.srcText = formatIPv4(this.ipv4Src);
    this.dstText = formatIPv4(this.ipv4Dst);
  }
  private srcText = '';
  private dstText = '';
  /** The bytes of the MAC addresses the columns show until a network layer sets its own (null: none pending). */
  private macData: Uint8Array | null = null;
  private macSrcOff = 0;
  private macDstOff = 0;
  private macText(): void {
    const d = this.macData!;
    this.macData = null;
    this.srcText = formatMac(d, this.macSrcOff);
    this.dstText = formatMac(d, this.macDstOff);
  }
  /** >0 while dissecting inside an ICMP error quote: columns are fenced, no stateful analysis. */
  fence = 0;
  expert: ExpertItem[] = [];
  malformed = false;

  // --- network-layer context for transport dissectors (pseudo-header, conversation keys)
  /** 0 none, 4 or 6: the innermost IP header seen so far. */
  ipVersion = 0;
  /** Bytes holding the IP header (the frame or a reassembly buffer) and the address offsets. */
  ipHdr!: Uint8Array;
  ipSrcOff = 0;
  ipDstOff = 0;
  /**
   * Where the link layer's payload starts and where its network layer said it ends (IPv4 total
   * length, IPv6 payload length, ARP's size), or -1: the bytes after it are the link layer's
   * padding, trailer or FCS (Wireshark's ethertype dissector finds them the same way); -2 once a VLAN
   * tag has shown them.
   */
  netStart = -1;
  netEnd = -1;
  /** Sets netEnd for the network layer that starts at `start` (the first one only, in the frame's bytes). */
  setNetEnd(start: number, end: number): void {
    if (this.netEnd < 0 && this.cur === 0 && this.fence === 0 && start === this.netStart) this.netEnd = end;
  }
  /** TTL / hop limit of the innermost IP header. */
  ipHopLimit = 0;
  /** The innermost IP header is a fragment dissected without reassembly (only part of the payload is here). */
  ipFragmented = false;
  /** Ports of the innermost UDP/TCP header (application dissectors pair requests by them). */
  srcPort = 0;
  dstPort = 0;
  /** For stream protocols over TCP: the stream index, the direction (0/1) and the bound (server) port. */
  tcpStream = -1;
  tcpDir = 0;
  tcpServerPort = 0;

  constructor(session: Session, wantColumns = true, capacity = 256) {
    this.session = session;
    this.wantColumns = wantColumns;
    this.fid = new Int32Array(capacity);
    this.start = new Int32Array(capacity);
    this.len = new Int32Array(capacity);
    this.parent = new Int32Array(capacity);
    this.src = new Uint8Array(capacity);
    this.num = new Float64Array(capacity);
    this.ref = new Array(capacity);
    this.label = new Array(capacity);
    this.hidden = new Uint8Array(capacity);
  }

  /** Prepares the packet for a new frame, reusing the arrays. */
  reset(frame: Frame): void {
    this.frame = frame;
    this.n = 0;
    // Truncate only when reassembly added sources: `length = 0` would free and regrow the arrays.
    if (this.sources.length !== 1) {
      this.sources.length = 1;
      this.sourceNames.length = 1;
    }
    this.sources[0] = frame.data;
    this.sourceNames[0] = 'Frame';
    this.cur = 0;
    this.data = frame.data;
    this.viewCache = undefined;
    this.protocols.clear();
    this.colProtocol = '';
    this.infoText = '';
    this.infoParts = 0;
    this.infoFence = 0;
    this.srcText = '';
    this.dstText = '';
    this.macData = null;
    this.ipv4Columns = false;
    this.fence = 0;
    if (this.expert.length) this.expert = [];
    this.shorts = 0;
    this.malformed = false;
    this.ipVersion = 0;
    this.ipFragmented = false;
    this.netStart = -1;
    this.netEnd = -1;
  }

  private grow(): void {
    const cap = this.fid.length * 2;
    const g32 = (a: Int32Array) => grown(a, cap);
    this.fid = g32(this.fid);
    this.start = g32(this.start);
    this.len = g32(this.len);
    this.parent = g32(this.parent);
    const s = new Uint8Array(cap);
    s.set(this.src);
    this.src = s;
    const h = new Uint8Array(cap);
    h.set(this.hidden);
    this.hidden = h;
    const nm = new Float64Array(cap);
    nm.set(this.num);
    this.num = nm;
    this.ref.length = cap;
    this.label.length = cap;
  }

  /** Fields to keep in the tree (by id), or null to keep every field. */
  private keep: Uint8Array | null = null;

  /**
   * Whether expert items are collected (default true). A read that keeps neither a tree nor
   * experts (statistics that add up a tap, as Wireshark's dissection with no tree and no expert
   * tap listening; the one-line summary and -q, which print no field) may skip the work that only
   * feeds them: checksums, option details. No dissector takes a decision from the expert list:
   * what one needs to know of it has its own field (`malformed`, `shorts`).
   */
  wantExperts = true;
  /** `_ws.short` notes made in this packet so far (a field cut by the snap length: see noteShort), counted with or without experts. */
  shorts = 0;

  /**
   * Whether any field is kept: when false, dissectors may skip whole groups of items (as Wireshark
   * does `if (tree)`); state, columns and expert items (unless `wantExperts` is false) are still produced.
   */
  tree = true;

  /** A protocol field is among the kept ones (`-e ip`): its value is its summary label, as in tshark. */
  private keepsProtocol = false;

  /** By a protocol item's field id: 1 when a kept field is that protocol's (null: all kept). */
  private keepProto: Uint8Array | null = null;

  /**
   * Whether the tree keeps any field of the protocol whose item is `protoFid` (its own item or a
   * field named `proto.*`): a dissector may skip its items when none is read, as with `tree` false.
   * A filter or `-e` that reads only TCP fields makes DNS and TLS build no tree (Wireshark primes
   * its tree with the fields a filter names; a protocol with none of them is dissected treeless).
   */
  treeFor(protoFid: number): boolean {
    return this.keepProto === null ? this.tree : this.keepProto[protoFid] === 1;
  }

  /** By FieldGroup index: 1 when a kept field is in the group (null: all kept). */
  private keepGroup: Uint8Array | null = null;

  /**
   * Whether the tree keeps any field of `g` (every field whose name starts with the group's
   * prefix): a dissector may skip a block that only adds items of the group (each add would
   * return -1), as Wireshark skips what no field of the tree refers to. Only blocks whose sole
   * effect is those items: experts, columns and state are made whatever the tree keeps.
   */
  keepsGroup(g: FieldGroup): boolean {
    const k = this.keepGroup;
    if (k === null) return this.tree;
    return g.index < k.length ? k[g.index] === 1 : this.groupKept(g);
  }

  /** Whether a kept field (by `keep`) is in the group: computed by selectFields, or for a group made after it. */
  private groupKept(g: FieldGroup): boolean {
    const k = this.keep!;
    const fields = allFields();
    for (let id = 0; id < fields.length; id++) if (k[id] === 1 && fields[id]!.abbrev.startsWith(g.prefix)) return true;
    return false;
  }

  /**
   * Whether tree labels are worth building: the whole tree is kept and texts are wanted (-V), or a
   * protocol's item is asked for by name (tshark's `-e tcp` prints the protocol's summary line).
   */
  get wantLabels(): boolean {
    return (this.keep === null || this.keepsProtocol) && this.wantColumns;
  }

  /**
   * Chooses which fields the tree keeps, as Wireshark primes its tree with the fields a filter or
   * `-e` refers to: `null` keeps all (detail tree, JSON), an empty list keeps none (`-q`, one-line
   * output, which need only the columns). Dissection itself is the same in every mode: every layer
   * is decoded and every piece of state (reassembly, conversations, pairing) is updated.
   */
  selectFields(ids: readonly number[] | null): void {
    this.tree = ids === null || ids.length > 0;
    if (ids === null) {
      this.keep = null;
      this.keepProto = null;
      this.keepGroup = null;
      this.keepsProtocol = false;
      return;
    }
    this.keep = new Uint8Array(allFields().length + 1);
    this.keepProto = new Uint8Array(allFields().length + 1);
    this.keepsProtocol = false;
    for (const id of ids) {
      this.keep[id] = 1;
      const abbrev = fieldById(id).abbrev;
      const dot = abbrev.indexOf('.');
      const proto = fieldByName(dot < 0 ? abbrev : abbrev.slice(0, dot));
      if (proto?.type === FT.PROTOCOL) this.keepProto[proto.id] = 1;
      if (fieldById(id).type === FT.PROTOCOL) this.keepsProtocol = true;
    }
    this.keepGroup = new Uint8Array(fieldGroups.length);
    for (const g of fieldGroups) this.keepGroup[g.index] = this.groupKept(g) ? 1 : 0;
    // The summary labels are built with the columns (dissectors share the texts).
    if (this.keepsProtocol) this.wantColumns = true;
  }

  /** Adds an item; returns its index (to use as a parent), or -1 when the field is not kept. */
  add(fid: number, start: number, len: number, parent: number, num = 0, ref?: unknown): number {
    if (this.keep !== null && this.keep[fid] !== 1) return -1;
    const i = this.n;
    if (i === this.fid.length) this.grow();
    this.fid[i] = fid;
    this.start[i] = start;
    this.len[i] = len;
    this.parent[i] = parent;
    this.src[i] = this.cur;
    this.num[i] = num;
    this.ref[i] = ref;
    this.label[i] = undefined;
    this.hidden[i] = 0;
    this.n = i + 1;
    return i;
  }

  /** Adds a protocol item and records the layer in `frame.protocols`. */
  addProtocol(fid: number, name: string, start: number, len: number, parent: number): number {
    this.protocols.push(name);
    return this.add(fid, start, len, parent);
  }

  /** Adds a text-only item (FT_NONE field) with a label. */
  addText(fid: number, start: number, len: number, parent: number, text: string): number {
    const i = this.add(fid, start, len, parent);
    this.label[i] = text;
    return i;
  }

  /**
   * Hides an item from the tree (it stays in fields and filters). Items not kept are -1: never
   * index typed arrays with it (an out-of-bounds store takes V8's slow path).
   */
  hide(item: number): void {
    if (item >= 0) this.hidden[item] = 1;
  }

  /** Sets the byte length of an item once known (no-op for an item not kept). */
  setLength(item: number, len: number): void {
    if (item >= 0) this.len[item] = len;
  }

  /** Replaces the value of an item (no-op for an item not kept). */
  setValue(item: number, num: number): void {
    if (item >= 0) this.num[item] = num;
  }

  setLabel(item: number, text: string): void {
    if (item >= 0) this.label[item] = text;
  }

  addExpert(item: number, severity: Severity, group: string, abbrev: string, message: string): void {
    if (!this.wantExperts) return;
    this.expert.push({ severity, group, message, abbrev, item });
  }

  /** Bytes at `item` are missing because the capture was cut short (the snap length): Wireshark's `_ws.short` note. */
  noteShort(item: number, message: string): void {
    this.shorts++;
    this.addExpert(item, Severity.Note, 'Sequence', '_ws.short', message);
  }

  /** Marks the packet malformed at `item` (Wireshark's `_ws.malformed`). */
  markMalformed(item: number, message: string): void {
    this.malformed = true;
    this.addExpert(item, Severity.Error, 'Malformed', '_ws.malformed.expert', message);
  }

  /** Switches the current data source to a new buffer (reassembled data); returns the previous index. */
  pushSource(data: Uint8Array, name: string): number {
    const prev = this.cur;
    this.sources.push(data);
    this.sourceNames.push(name);
    this.cur = this.sources.length - 1;
    this.data = data;
    this.viewCache = undefined;
    return prev;
  }

  popSource(prev: number): void {
    this.cur = prev;
    this.data = this.sources[prev]!;
    this.viewCache = undefined;
  }

  // --- columns (no-ops inside a fence, like Wireshark's col_set_writable(FALSE))
  setProtocol(p: string): void {
    if (this.fence === 0) this.colProtocol = p;
  }
  setInfo(text: string): void {
    if (this.fence === 0) this.colInfo = this.infoFence === 0 ? text : this.colInfo.slice(0, this.infoFence) + text;
  }
  /**
   * Appends `text` and then the decimal text of `num` (decText's; none when omitted) to the Info
   * column, kept as a part until the column is read (no string for what is written directly).
   * A dissector starts its Info with `setInfo('')` and adds its parts.
   */
  addInfoPart(text: string, num?: number): void {
    if (this.fence !== 0) return;
    const i = this.infoParts;
    if (i === this.infoPartNum.length) {
      this.infoPartNum = grown(this.infoPartNum, i * 2);
      this.infoPartHasNum = grown(this.infoPartHasNum, i * 2);
    }
    this.infoPartText[i] = text;
    if (num === undefined) this.infoPartHasNum[i] = 0;
    else {
      this.infoPartHasNum[i] = 1;
      this.infoPartNum[i] = num;
    }
    this.infoParts = i + 1;
  }
  /** Puts `text` in front of the Info column and keeps it there (the fence moves past it). */
  prependInfoFenced(text: string): void {
    // Nothing to put in front (a segment without verdicts) leaves the parts unjoined.
    if (this.fence === 0 && text !== '') {
      this.colInfo = text + this.colInfo;
      this.infoFence += text.length;
    }
  }
  appendInfo(text: string): void {
    if (this.fence !== 0) return;
    if (this.infoParts !== 0) this.addInfoPart(text);
    else this.infoText += text;
  }
  setAddresses(src: string, dst: string): void {
    if (this.fence === 0) {
      this.macData = null;
      this.ipv4Columns = false;
      this.srcText = src;
      this.dstText = dst;
    }
  }
  /** The IPv4 addresses `src` and `dst` (u32) as the addresses: made text only when read. */
  setIPv4Addresses(src: number, dst: number): void {
    if (this.fence === 0) {
      this.macData = null;
      this.ipv4Columns = true;
      this.ipv4Src = src;
      this.ipv4Dst = dst;
    }
  }
  /**
   * The MAC addresses at `srcOff` and `dstOff` of `data` as the addresses (a link layer's): made
   * text only when read, as most frames' network layer sets its own.
   */
  setMacAddresses(data: Uint8Array, srcOff: number, dstOff: number): void {
    if (this.fence === 0) {
      this.ipv4Columns = false;
      this.macData = data;
      this.macSrcOff = srcOff;
      this.macDstOff = dstOff;
    }
  }

  // --- queries
  /** First item index of a field, or -1. */
  find(fid: number, from = 0): number {
    const f = this.fid;
    for (let i = from; i < this.n; i++) if (f[i] === fid) return i;
    return -1;
  }

  has(fid: number): boolean {
    return this.find(fid) >= 0;
  }

  /** Numeric value of the first occurrence of a field (undefined if absent). */
  value(fid: number): number | undefined {
    const i = this.find(fid);
    return i < 0 ? undefined : this.num[i];
  }

  /** The bytes an item came from. */
  bytesOf(i: number): Uint8Array {
    const s = this.sources[this.src[i]!]!;
    return s.subarray(this.start[i]!, this.start[i]! + this.len[i]!);
  }

  /** Tree depth of an item (0 = top level). */
  depth(i: number): number {
    let d = 0;
    for (let p = this.parent[i]!; p >= 0; p = this.parent[p]!) d++;
    return d;
  }

  typeOf(i: number): FT {
    return fieldById(this.fid[i]!).type;
  }
}

/**
 * Checks that `len` bytes at `off` exist. If not, marks the packet as Wireshark does: beyond the
 * captured bytes but inside the reported length is "truncated" (snap length); beyond the reported
 * length is "malformed". Returns false when the bytes are not there.
 */
export function need(pkt: Packet, off: number, len: number, end: number, rep: number, item: number, what: string): boolean {
  if (off + len <= end) return true;
  if (off + len <= rep) {
    pkt.noteShort(item, `${what}: packet size limited during capture`);
  } else {
    pkt.markMalformed(item, `Malformed Packet (${what}: needs ${len} bytes at offset ${off}, ${Math.max(0, end - off)} available)`);
  }
  return false;
}
