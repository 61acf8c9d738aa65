/**
 * No module-level mutable state in src/dissectors and src/analysis outside the session: what a read
 * changes (preferences, limits, disabled protocols, decode as, heuristics, tables, pairing) lives in
 * its session (src/dissectors/session.ts). This lint finds every top-level `let`/`var` and every
 * top-level `const` made with `new` (a Map, a Set, a typed array, an object of a class), as an empty
 * array (`= []`, to be filled) or as a copy of an object (`= { ...`), whose type is not read-only,
 * and fails on one that is not in the allow-list below, which says why each may stay. An entry
 * that no longer matches fails too, so the list stays true. (A constant table written out as a
 * literal is not looked at.)
 */
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tsFiles } from '../src-files.js';

const root = resolve(import.meta.dirname, '../..');

/** Why a module-level binding may stay, by category. */
const LOAD_TIME = 'filled at load time (registration), read-only once the modules are loaded';
const SCRATCH = 'scratch of one synchronous step: set by a call and read by its caller before anything else is dissected, nothing carried from one packet (or session) to the next';
const COUNTER = 'id counter of a kind defined at load time (SessionKey, TapKind)';
const CONSTANT = 'never changed after it is made';

const ALLOWED: Record<string, string> = {
  // Registration tables.
  'src/dissectors/registry.ts tables': LOAD_TIME,
  'src/dissectors/registry.ts byName': LOAD_TIME,
  'src/dissectors/registry.ts extraNames': LOAD_TIME,
  'src/dissectors/registry.ts heuristicNames': LOAD_TIME,
  'src/dissectors/registry.ts dataDissector': LOAD_TIME,
  'src/dissectors/registry.ts INTERNAL_TABLES': CONSTANT,
  'src/dissectors/fields.ts byAbbrev': LOAD_TIME,
  'src/dissectors/limits.ts DEFAULTS': `${LOAD_TIME} (each session copies the defaults)`,
  'src/dissectors/tcp/stream.ts byPort': `${LOAD_TIME} (-d entries are the session's streamPorts)`,
  'src/dissectors/tcp/stream.ts heuristics': `${LOAD_TIME} (the stream heuristics; which are on is the session's)`,
  'src/dissectors/registry.ts known': `${LOAD_TIME} (every dissector by id)`,
  'src/dissectors/fields.ts byId': `${LOAD_TIME} (every field by id)`,
  'src/dissectors/tcp/dissector.ts FLAGS_TEXT': 'cache of a pure function (the Info text of each of the 4096 values of the 12 flag bits)',
  'src/dissectors/packet.ts fieldGroups': `${LOAD_TIME} (the field groups a dissector asks Packet.keepsGroup about)`,
  'src/dissectors/bytes.ts HEX': `${LOAD_TIME} (the two hex digits of each byte value)`,
  'src/dissectors/tls/names.ts CIPHER_SUITES': `${LOAD_TIME} (the cipher suite names with GREASE added)`,
  'src/dissectors/taps.ts nextKind': COUNTER,
  'src/dissectors/packet.ts nextSessionKey': COUNTER,
  'src/dissectors/tcp/analysis.ts finFid': 'cache of a field id fixed at load time (tcp.flags.fin, looked up on first use)',
  // Constants made with `new`.
  'src/dissectors/names.ts GENERAL_RE': `${CONSTANT} (a RegExp; String.replace resets its lastIndex)`,
  'src/dissectors/bytes.ts utf8': `${CONSTANT} (a TextDecoder)`,
  'src/dissectors/tcp/reassembly.ts EMPTY': `${CONSTANT} (an empty array)`,
  'src/analysis/tcp-connection/store.ts noAddr': `${CONSTANT} (an empty array)`,
  'src/dissectors/tcp/dissector.ts NO_NAMES': `${CONSTANT} (the empty option-name list when no labels are made: nothing is pushed to it)`,
  'src/dissectors/llc.ts SAP_BYTE': `${CONSTANT} (the SAP names with the LSAP bytes added)`,
  'src/dissectors/http/dissector.ts TEXT_LINES': CONSTANT,
  'src/dissectors/tls/decrypt.ts specs': 'cache of cipher suite specs derived from constants (the same in every session)',
  // Scratch: a call's other results (or its buffer), set by every call and read by its caller right
  // after it, within the dissection of one message. Each is the cheapest way to return a second
  // number without allocating; none carries anything from one packet (or session) to the next.
  'src/dissectors/dns/names.ts nameEnd': `${SCRATCH} (readName's other results: where the name ends, its error, its labels and length)`,
  'src/dissectors/dns/names.ts nameErr': `${SCRATCH} (readName's other results)`,
  'src/dissectors/dns/names.ts nameLabels': `${SCRATCH} (readName's other results)`,
  'src/dissectors/dns/names.ts nameRawLen': `${SCRATCH} (readName's other results)`,
  'src/dissectors/dns/names.ts nameBytes': `${SCRATCH} (readName's buffer: the name's bytes, made into its text before the call returns)`,
  'src/dissectors/dns/records.ts qInfo': `${SCRATCH} (question()'s Info text, appended by the DNS dissector right after the call)`,
  'src/dissectors/dns/records.ts rrInfo': `${SCRATCH} (record()'s Info text, appended by the DNS dissector right after the call)`,
  'src/dissectors/dns/records.ts svcSummary': `${SCRATCH} (the SVCB/HTTPS record's summary, read by record() right after the call)`,
  'src/dissectors/dns/pairing.ts trackPeer': `${SCRATCH} (track()'s findings for the DNS tap record, filled right after the call; the pairing itself is the session's)`,
  'src/dissectors/dns/pairing.ts trackTime': `${SCRATCH} (track()'s findings)`,
  'src/dissectors/dns/pairing.ts trackRetrans': `${SCRATCH} (track()'s findings)`,
  'src/dissectors/ipv6.ts depth': `${SCRATCH} (the nesting depth of the walk, back to 0 when the outermost IPv6 header is done)`,
  'src/dissectors/ipv6.ts chains': `${SCRATCH} (the walk's state at each nesting depth, every field set again when a walk takes it)`,
  'src/dissectors/tcp/analysis.ts curTimes': `${SCRATCH} (analyseTcp's stream times of the segment, added by addTcpAnalysisTree later in the same TCP header's dissection: nothing is dissected in between)`,
  'src/analysis/tcp-connection/store.ts replayAddr': `${SCRATCH} (replaySegment's addresses of the record it returns, which the connection model copies before the call that asked for it returns)`,
  'src/analysis/tcp-connection/store.ts replay': `${SCRATCH} (the record replaySegment returns, every field set by each call, used as replayAddr is)`,
  'src/dissectors/http/message.ts next': `${SCRATCH} (lineEnd's second result: where the next line starts)`,
  'src/dissectors/http/dissector.ts nx': `${SCRATCH} (lineEnd's second result: where the next line starts)`,
};

const walk = tsFiles;

/** Top-level bindings that may change: `let`/`var`, and `const x = new ...` not typed read-only. */
export function mutableBindings(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split('\n')) {
    let m = /^(?:export )?(?:let|var) ([A-Za-z_$][\w$]*)/.exec(line);
    if (m) {
      names.push(m[1]!);
      continue;
    }
    m = /^(?:export )?const ([A-Za-z_$][\w$]*)(?::\s*([^=]+))?\s*=\s*(?:\[\s*\]|\{\s*\.\.\.)/.exec(line);
    if (m) {
      if (!(m[2] && /^\s*(Readonly|ReadonlyMap|ReadonlySet|ReadonlyArray|readonly)\b/.test(m[2]))) names.push(m[1]!);
      continue;
    }
    m = /^(?:export )?const ([A-Za-z_$][\w$]*)(?::\s*([^=]+))?\s*=\s*new ([A-Za-z_$][\w$]*)/.exec(line);
    if (!m) continue;
    const [, name, type, made] = m;
    if (type && /^\s*(Readonly|ReadonlyMap|ReadonlySet|ReadonlyArray)\b/.test(type)) continue;
    if (made === 'SessionKey' || made === 'TapKind') continue;
    names.push(name!);
  }
  return names;
}

describe('module-level state', () => {
  const files = [...walk(join(root, 'src/dissectors')), ...walk(join(root, 'src/analysis'))];
  const found = new Set<string>();
  for (const f of files) for (const n of mutableBindings(readFileSync(f, 'utf8'))) found.add(`${relative(root, f)} ${n}`);

  it('src/dissectors and src/analysis keep none outside the session but what the allow-list says why', () => {
    expect([...found].filter((k) => !(k in ALLOWED)).sort()).toEqual([]);
  });

  it('every allow-list entry still matches a binding (the list stays true)', () => {
    // (The HTTP and TLS folders change under their own issues: their entries may lead their code.)
    expect(Object.keys(ALLOWED).filter((k) => !found.has(k) && !/^src\/dissectors\/(http|tls)\//.test(k)).sort()).toEqual([]);
  });

  it('the lint sees what it should', () => {
    expect(mutableBindings('let a = 1;\nexport let b = 2;\nconst m = new Map();\nconst r: ReadonlyMap<number, string> = new Map();\nconst K = new SessionKey(() => 0);\n  let inner = 3;\n')).toEqual(['a', 'b', 'm']);
    expect(mutableBindings("const list: number[] = [];\nconst none: readonly number[] = [];\nconst copy = { ...other };\nconst TABLE = { a: 1 };\nconst NAMES = ['x'];\n")).toEqual(['list', 'copy']);
  });
});
