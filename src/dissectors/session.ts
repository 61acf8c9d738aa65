/**
 * Making a session: `newSession(options)` is the one way. A session (the `Session` type in
 * ./packet.ts) holds everything a read changes: the preferences (`-o`), the named limits, the
 * disabled protocols (`--disable-protocol`), decode as (`-d`), the heuristics switched off, and the
 * per-capture state of the dissectors (conversation tables, reassembly, pairing) with the taps.
 * The modules keep only what is filled at load time (fields, dissector tables, limit defaults), so
 * two sessions in one process dissect as two processes would (test/dissectors/sessions.test.ts).
 *
 * The options are plain data (strings, numbers, parsed `-d` rules): a worker thread given the same
 * options makes the same session (`stats --threads`).
 */
import type { DecodeAsRule } from './decode-as.js';
import { decodeAsEntries } from './decode-as.js';
import { sessionLimits, type LimitOverrides } from './limits.js';
import type { Session } from './packet.js';
import { applyPref, DEFAULT_PREFS, type Prefs } from './prefs.js';
import { disabledDissectorIds, heuristicsOff } from './registry.js';
import { SessionTaps } from './taps.js';

export interface SessionOptions {
  /** Preferences as tshark's `-o name:value` (`ip.check_checksum:FALSE`, `tcp.max_conversations:N`), applied in order. */
  prefs?: readonly string[];
  /** Protocols not dissected (`--disable-protocol`): their bytes go to `data`, or nowhere if `data` is one. */
  disabledProtocols?: readonly string[];
  /** Decode as (`-d`), parsed by `parseDecodeAs` (./decode-as.ts); later rules win. */
  decodeAs?: readonly DecodeAsRule[];
  /** Heuristics switched off by short name (`--disable-heuristic dns_udp`). */
  disableHeuristics?: readonly string[];
  /** Heuristics switched back on (`--enable-heuristic`), after `disableHeuristics`. */
  enableHeuristics?: readonly string[];
  /** Named limits changed for this session (`{ tcp: { maxConversations: 10 } }`; see ./limits.ts). */
  limits?: LimitOverrides;
  /** TLS key log files (`--tls-keylog FILE`; `-o tls.keylog_file:FILE` is in `prefs`): src/dissectors/tls/keylog.ts reads them. */
  tlsKeyLogs?: readonly string[];
  /**
   * TCP sequence analysis (`tcp.analysis.*`, default true). False only for a read whose consumers
   * read none of it and need no TCP reassembly (which takes the analysis's retransmission verdicts):
   * `stats conv tcp`, which counts frames and bytes by conversation, without application protocols.
   */
  tcpAnalysis?: boolean;
  /**
   * TCP conversations (default true): false only for a read that keeps no field of one (no
   * tcp.stream, relative sequence numbers, scaled window, analysis, reassembly, TCP tap) and
   * dissects no application protocol: `read -T fields` of header fields only (src/cli/commands/read.ts
   * HEADER_FIELDS), whose values come from each segment's own header.
   */
  tcpConversations?: boolean;
}

/**
 * A new session made from `options` (all optional: the defaults are tshark's). Throws an Error with
 * a clear message on a bad preference, an unknown protocol or heuristic name, or an unknown limit.
 */
export function newSession(options: SessionOptions = {}): Session {
  const limits = sessionLimits(options.limits);
  const prefs: Prefs = { ...DEFAULT_PREFS };
  for (const p of options.prefs ?? []) applyPref(prefs, limits, p);
  const disabledNames = new Set(options.disabledProtocols ?? []);
  const da = options.decodeAs?.length ? decodeAsEntries(options.decodeAs) : null;
  return {
    options,
    prefs: Object.freeze(prefs),
    limits,
    disabledNames,
    disabledIds: disabledDissectorIds(disabledNames),
    decodeAs: da && da.tables.size ? da.tables : null,
    streamPorts: da && da.streamPorts.size ? da.streamPorts : null,
    heuristicsOff: heuristicsOff(options.disableHeuristics ?? [], options.enableHeuristics ?? []),
    state: new Map(),
    slots: [],
    pass: 0,
    notes: new Map(),
    carry: new Map(),
    interfaceIds: false,
    fcsLen: [],
    ifNames: [],
    time: { firstSec: 0, firstNsec: 0, prevSec: 0, prevNsec: 0, seen: false },
    taps: new SessionTaps(),
  };
}
