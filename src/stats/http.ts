/**
 * HTTP statistics from the HTTP dissector's tap (src/dissectors/http/dissector.ts HTTP_TAP), as
 * tshark 4.0's stats trees: `-z http,tree` (HTTP/Packet Counter: messages, responses by status
 * class and code, requests by method), `-z http_req,tree` (HTTP/Requests: by Host, then URI) and
 * `-z http_srv,tree` (HTTP/Load Distribution: requests by server address and by Host, responses
 * by server address, OK or KO), built with the rules of Wireshark's epan/stats_tree.c (a node per
 * name under its parent, the rate per millisecond since the tree's first packet, the percentage of
 * the parent, the burst rate: the most packets in a 100 ms window counted in 5 ms buckets), and a
 * list of the slowest answered requests (wirelite's own).
 *
 * A consumer: `add(record)` per tap record (the pipeline delivers them after the display filter),
 * `result()` the typed rows in tshark's order. The text writer is src/cli/http-stats.ts.
 */
import type { HttpTapRecord } from '../dissectors/http/dissector.js';
import { STATUS_CODES } from '../dissectors/http/fields.js';

/** Named limits: nodes of one tree (hosts, URIs, addresses) and slow requests listed; counts above stay exact. */
export const HTTP_STATS_LIMITS = { maxNodes: 100_000, slowest: 10, maxPendingRequests: 100_000 };

/** Wireshark's stats_tree preferences (their defaults): burst window and bucket, in milliseconds. */
const BURST_WINDOW_MS = 100;
const BURST_RESOLUTION_MS = 5;

interface Bucket {
  no: number;
  count: number;
  start: number;
}

/** One stats_tree node. */
class StatNode {
  counter = 0;
  /** Its index among the tree's parents (-1: a leaf). */
  id = -1;
  readonly children: StatNode[] = [];
  /** Children by name, when the node was made "with hash" (new children are looked up here). */
  readonly hash: Map<string, StatNode> | null;
  /** Burst state (update_burst_calc): buckets in order, the count inside the window, its maximum and start. */
  buckets: Bucket[] = [{ no: 0, count: 0, start: 0 }];
  bcount = 0;
  maxBurst = 0;
  burstTime = -1;
  constructor(
    readonly name: string,
    readonly parent: StatNode | null,
    withHash: boolean,
    /** A child of the root (stats_tree's ST_FLG_ROOTCHILD: shown by its display name). */
    readonly rootChild: boolean,
  ) {
    this.hash = withHash ? new Map() : null;
  }
}

/** One row of a tree, in print order. */
export interface HttpStatsRow {
  /** 0 for the root's children. */
  depth: number;
  name: string;
  count: number;
  /** Packets per millisecond since the tree's first packet (null: no time elapsed). */
  ratePerMs: number | null;
  /** Percent of the parent's count (null: the parent's is 0; 100 for the root's children). */
  percent: number | null;
  /** The most packets in a 100 ms window, per millisecond, and where that window started (s); null: none. */
  burstRate: number | null;
  burstStart: number | null;
}

export interface HttpStatsTree {
  /** tshark's -z name (http, http_req, http_srv). */
  abbrev: string;
  /** The tree's title as tshark prints it (`HTTP/Packet Counter`). */
  title: string;
  rows: HttpStatsRow[];
}

/** A counter tree with stats_tree's rules (the parts the HTTP trees use). */
export class StatsTree {
  readonly root: StatNode;
  /** Nodes made "with hash" by name (stats_tree's st->names: the parents found from the root). */
  private readonly names = new Map<string, StatNode>();
  /** Nodes that may be parents, by id (0: the root). */
  private readonly parents: StatNode[] = [];
  private start = -1;
  private elapsed = 0;
  private now = 0;
  private nodes = 0;
  /** Ticks dropped because the tree had HTTP_STATS_LIMITS.maxNodes nodes. */
  dropped = 0;

  constructor(
    readonly abbrev: string,
    readonly title: string,
  ) {
    this.root = new StatNode(displayName(title), null, false, false);
    this.parents.push(this.root);
  }

  /** stats_tree_packet: the time of the packet about to be counted (ms since the capture's first frame). */
  packet(relMs: number): void {
    this.now = relMs;
    if (this.start < 0) this.start = relMs;
    this.elapsed = relMs - this.start;
  }

  private newNode(name: string, parentId: number, withHash: boolean, asParent: boolean): [StatNode, number] {
    const parent = this.parents[parentId]!;
    const node = new StatNode(name, parent, withHash, parentId === 0);
    this.nodes++;
    let id = -1;
    if (asParent) {
      this.names.set(name, node);
      this.parents.push(node);
      id = this.parents.length - 1;
    }
    parent.children.push(node);
    parent.hash?.set(name, node);
    node.id = id;
    return [node, id];
  }

  /** stats_tree_create_node. */
  createNode(name: string, parentId: number, withHash: boolean): number {
    return this.newNode(name, parentId, withHash, true)[1];
  }

  /** stats_tree_create_pivot: a node whose children are ticked by value (tickPivot). */
  createPivot(name: string, parentId: number): number {
    return this.newNode(name, parentId, true, true)[1];
  }

  /** tick_stat_node (stats_tree_manip_node_int, MN_INCREASE by 1): the node's id (-1 for a leaf). */
  tick(name: string, parentId: number, withHash: boolean): number {
    const parent = this.parents[parentId]!;
    let node = parent.hash ? parent.hash.get(name) : this.names.get(name);
    let id: number;
    if (!node) {
      if (this.nodes >= HTTP_STATS_LIMITS.maxNodes) {
        this.dropped++;
        return -1;
      }
      [node, id] = this.newNode(name, parentId, withHash, withHash);
    } else id = node.id;
    node.counter++;
    this.burst(node, 1);
    return id;
  }

  /** stats_tree_tick_pivot. */
  tickPivot(pivotId: number, value: string): void {
    const pivot = this.parents[pivotId]!;
    pivot.counter++;
    this.burst(pivot, 1);
    this.tick(value, pivotId, false);
  }

  /** update_burst_calc: the packet counted in its 5 ms bucket; the window is the last 100 ms of buckets. */
  private burst(node: StatNode, value: number): void {
    const now = this.now;
    const cur = Math.floor(now / BURST_RESOLUTION_MS);
    const win = BURST_WINDOW_MS / BURST_RESOLUTION_MS;
    const b = node.buckets;
    const head = b[0]!;
    const tail = b[b.length - 1]!;
    if (cur > tail.no) {
      b.push({ no: cur, count: value, start: now });
      node.bcount += value;
      while (cur >= b[0]!.no + win) node.bcount -= b.shift()!.count;
    } else if (cur < head.no) {
      if (cur + win > tail.no) {
        b.unshift({ no: cur, count: value, start: now });
        node.bcount += value;
      }
    } else {
      let i = b.length - 1;
      while (cur < b[i]!.no) i--;
      const at = b[i]!;
      if (cur === at.no) {
        at.count += value;
        if (at.start > now) at.start = now;
      } else b.splice(i + 1, 0, { no: cur, count: value, start: now });
      node.bcount += value;
    }
    if (node.bcount > node.maxBurst) {
      node.maxBurst = node.bcount;
      node.burstTime = b[0]!.start;
    }
  }

  /** The rows in tshark's order: the root's children as made, every other level by count, then name, descending. */
  rows(): HttpStatsRow[] {
    const out: HttpStatsRow[] = [];
    const visit = (node: StatNode, depth: number) => {
      const parent = node.parent!;
      out.push({
        depth,
        name: node.rootChild ? displayName(node.name) : node.name,
        count: node.counter,
        ratePerMs: this.elapsed ? node.counter / this.elapsed : null,
        percent: parent.counter ? (node.counter * 100) / parent.counter : parent === this.root ? 100 : null,
        burstRate: node.maxBurst ? node.maxBurst / BURST_WINDOW_MS : null,
        burstStart: node.maxBurst ? node.burstTime / 1000 : null,
      });
      // stats_tree_sort_compare with tshark's default preferences: by count, then by name (strcmp: st_sort_casesensitve), descending.
      const kids = [...node.children].sort((a, b) => -(a.counter - b.counter || byteCompare(a.name, b.name)));
      for (const k of kids) visit(k, depth + 1);
    };
    for (const c of this.root.children) visit(c, 0);
    return out;
  }

  result(): HttpStatsTree {
    return { abbrev: this.abbrev, title: this.title, rows: this.rows() };
  }
}

/** stats_tree_get_displayname: the part after the last unescaped '/' ('//' is a slash). */
export function displayName(full: string): string {
  let out = '';
  for (let i = 0; i < full.length; i++) {
    const c = full[i]!;
    if (c !== '/') out += c;
    else if (full[i + 1] === '/') {
      out += '/';
      i++;
    } else out = '';
  }
  return out;
}

/** strcmp (names are compared by character code). */
function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One answered request among the slowest. */
export interface HttpSlowRequest {
  /** Seconds from the request to its response. */
  time: number;
  requestFrame: number;
  responseFrame: number;
  method: string;
  /** The request's full URI (or its URI without a Host header). */
  uri: string;
}

export interface HttpStatsResult {
  trees: HttpStatsTree[];
  /** Responses paired with their request, and the slowest of them (longest first). */
  answered: number;
  slowest: HttpSlowRequest[];
}

/** Which trees: tshark's http,tree, http_req,tree and http_srv,tree. */
export type HttpTreeName = 'http' | 'http_req' | 'http_srv';

/** The three HTTP trees and the slowest requests, fed by the HTTP tap. */
export class HttpStats {
  private readonly counter = new StatsTree('http', 'HTTP/Packet Counter');
  private readonly requests = new StatsTree('http_req', 'HTTP/Requests');
  private readonly load = new StatsTree('http_srv', 'HTTP/Load Distribution');
  // http_stats_tree_init
  private readonly nPackets: number;
  private readonly nRequests: number;
  private readonly nResponses: number;
  private readonly nGroups: number[];
  // http_req_stats_tree_init
  private readonly nByHost: number;
  // http_reqs_stats_tree_init
  private readonly nReqs: number;
  private readonly nReqsByAddr: number;
  private readonly nReqsByHost: number;
  private readonly nRespsByAddr: number;
  /** Requests seen, by frame, until their response (for the slowest list), and the slowest so far. */
  private readonly pending = new Map<number, { method: string; uri: string }>();
  private answered = 0;
  private slow: HttpSlowRequest[] = [];

  constructor(readonly trees: readonly HttpTreeName[] = ['http', 'http_req', 'http_srv']) {
    const t = this.counter;
    this.nPackets = t.createNode('Total HTTP Packets', 0, true);
    this.nRequests = t.createPivot('HTTP Request Packets', this.nPackets);
    this.nResponses = t.createNode('HTTP Response Packets', this.nPackets, true);
    this.nGroups = GROUPS.map((g) => t.createNode(g, this.nResponses, true));
    t.createNode('Other HTTP Packets', this.nPackets, false);
    this.nByHost = this.requests.createNode('HTTP Requests by HTTP Host', 0, true);
    const l = this.load;
    this.nReqs = l.createNode('HTTP Requests by Server', 0, true);
    this.nReqsByAddr = l.createNode('HTTP Requests by Server Address', this.nReqs, true);
    this.nReqsByHost = l.createNode('HTTP Requests by HTTP Host', this.nReqs, true);
    this.nRespsByAddr = l.createNode('HTTP Responses by Server Address', 0, true);
  }

  add(r: HttpTapRecord): void {
    const code = r.code;
    // tshark's tap has the method after an RFC 2774 "M-" prefix (M-SEARCH counts as SEARCH).
    const method = r.method.startsWith('M-') ? r.method.slice(2) : r.method;
    // http_stats_tree_packet
    const t = this.counter;
    t.packet(r.relMs);
    t.tick('Total HTTP Packets', 0, false);
    if (code) {
      t.tick('HTTP Response Packets', this.nPackets, false);
      const g = code < 100 || code >= 600 ? 0 : Math.floor(code / 100);
      t.tick(GROUPS[g]!, this.nResponses, false);
      t.tick(`${code} ${STATUS_CODES[code] ?? `Unknown (${code})`}`, this.nGroups[g]!, false);
    } else if (method) t.tickPivot(this.nRequests, method);
    else t.tick('Other HTTP Packets', this.nPackets, false);
    // http_req_stats_tree_packet (every record moves the tree's clock, counted or not)
    const q = this.requests;
    q.packet(r.relMs);
    if (r.method) {
      q.tick('HTTP Requests by HTTP Host', 0, false);
      if (r.host !== null) {
        const h = q.tick(r.host, this.nByHost, true);
        if (r.uri !== null && h >= 0) q.tick(r.uri, h, true);
      }
    }
    // http_reqs_stats_tree_packet
    const l = this.load;
    l.packet(r.relMs);
    if (r.method) {
      l.tick('HTTP Requests by Server', 0, false);
      l.tick('HTTP Requests by Server Address', this.nReqs, true);
      l.tick('HTTP Requests by HTTP Host', this.nReqs, true);
      const a = l.tick(r.dst, this.nReqsByAddr, true);
      if (r.host !== null) {
        const h = l.tick(r.host, this.nReqsByHost, true);
        if (h >= 0) l.tick(r.dst, h, false);
        if (a >= 0) l.tick(r.host, a, false);
      }
    } else if (code) {
      l.tick('HTTP Responses by Server Address', 0, false);
      const a = l.tick(r.src, this.nRespsByAddr, true);
      if (a >= 0) l.tick(code > 100 && code < 400 ? 'OK' : 'KO', a, false);
    }
    // The slowest requests.
    if (r.request && r.method) {
      if (this.pending.size >= HTTP_STATS_LIMITS.maxPendingRequests) this.pending.delete(this.pending.keys().next().value as number);
      this.pending.set(r.frame, { method: r.method, uri: r.fullUri || (r.uri ?? '') });
    } else if (code && r.requestIn > 0 && r.time >= 0) {
      this.answered++;
      const q = this.pending.get(r.requestIn);
      this.pending.delete(r.requestIn);
      const s = this.slow;
      if (s.length < HTTP_STATS_LIMITS.slowest || r.time > s[s.length - 1]!.time) {
        s.push({ time: r.time, requestFrame: r.requestIn, responseFrame: r.frame, method: q?.method ?? '', uri: q?.uri ?? '' });
        s.sort((a, b) => b.time - a.time || a.requestFrame - b.requestFrame);
        if (s.length > HTTP_STATS_LIMITS.slowest) s.pop();
      }
    }
  }

  result(): HttpStatsResult {
    const trees: HttpStatsTree[] = [];
    for (const name of this.trees) trees.push((name === 'http' ? this.counter : name === 'http_req' ? this.requests : this.load).result());
    return { trees, answered: this.answered, slowest: this.slow };
  }
}

/** The response groups of http_stats_tree_init, by code / 100 (0: broken). */
const GROUPS = ['???: broken', '1xx: Informational', '2xx: Success', '3xx: Redirection', '4xx: Client Error', '5xx: Server Error'];
