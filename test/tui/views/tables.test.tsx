/**
 * Expert, DNS and TLS views (keys in, frames out) against the CLI: the expert rows are
 * `stats FILE expert --json`'s (counts by severity, Enter opens a row's frames and jumps to one);
 * the DNS transactions are paired as `stats dns --json` counts them (slowest first, the
 * unanswered marked, Enter jumps to the query); the TLS rows are `stats tls --json`'s (SNI,
 * version, handshake time, JA4), the selected connection's card under them, Enter jumps to the
 * ClientHello.
 */
import { render } from 'ink-testing-library';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExpertView } from '../../../src/tui/views/expert.js';
import { DnsView } from '../../../src/tui/views/dns.js';
import { TlsView } from '../../../src/tui/views/tls.js';
import type { ViewProps } from '../../../src/tui/contract.js';
import { corpusFile, corpusPresent, describeCorpusMissing } from '../../corpus.js';
import { hasTshark, jsonLines, KEY, press, root, tsharkStore, until, wl } from './helpers.js';

let mounted: ReturnType<typeof render> | undefined;
afterEach(() => {
  mounted?.unmount();
  mounted = undefined;
});

function props(file: string, jumps: number[], height = 24): ViewProps {
  return { store: tsharkStore(file), file, sessionOptions: {}, width: 100, height, focused: true, displayFilter: '', onJump: (n) => void jumps.push(n), onStatus: () => {}, captureInput: () => {} };
}

describe.skipIf(!hasTshark)('Expert view', () => {
  it('loopback.pcap: the rows and counts of stats expert --json by severity; Enter opens the frames, Enter on one jumps', async () => {
    const file = join(root, 'fixtures/loopback.pcap');
    const want = jsonLines<{ severity: string; group: string; protocol: string; summary: string; count: number; frames: number[] }>(['stats', file, 'expert', '--json']);
    const jumps: number[] = [];
    mounted = render(<ExpertView {...props(file, jumps, 30)} />);
    const { lastFrame, stdin } = mounted;
    const f = await until(lastFrame, (x) => x.includes('Warnings ('));
    const title = { error: 'Error', warning: 'Warning', note: 'Note', chat: 'Chat' } as Record<string, string>;
    for (const sev of ['warning', 'note', 'chat']) {
      const total = want.filter((w) => w.severity === sev).reduce((n, w) => n + w.count, 0);
      expect(f).toContain(`${title[sev]}s (${total})`);
    }
    const rows = f.split('\n').filter((l) => /^[▸▾] /.test(l));
    // A line cut at the width ends in …: the row's text up to there.
    const got = rows.map((l) => l.slice(2).replace(/\s+/g, ' ').trim());
    const exp = want.map((w) => `${title[w.severity]} ${w.group} ${w.protocol} ${w.count} ${w.summary}`.replace(/\s+/g, ' '));
    expect(got.length).toBe(exp.length);
    got.forEach((g, i) => (g.endsWith('…') ? expect(exp[i]!.startsWith(g.slice(0, -1))).toBe(true) : expect(g).toBe(exp[i])));
    // The first row (the RST warning): its frames, then the first one.
    await press(stdin, KEY.enter);
    await until(lastFrame, (x) => x.includes(`frame ${want[0]!.frames[0]}`));
    await press(stdin, KEY.down, KEY.enter);
    expect(jumps).toEqual([want[0]!.frames[0]]);
    // f on a row: its first frame (the note row after the opened one).
    await press(stdin, KEY.down, 'f');
    expect(jumps[1]).toBe(want[1]!.frames[0]);
  }, 60_000);
});

describe.skipIf(!hasTshark || !corpusPresent)('DNS view', () => {
  it('dns-edns-ecs.pcap: answered and unanswered as stats dns counts them; slowest first; Enter jumps to the query', async () => {
    const file = corpusFile('zeek/dns-edns-ecs.pcap');
    const dns = JSON.parse(wl(['stats', file, 'dns', '--json'])) as { responseTimeMs: { count: number; max: number }; unanswered: { count: number; frames: number[] } };
    const jumps: number[] = [];
    mounted = render(<DnsView {...props(file, jumps, 40)} />);
    const { lastFrame, stdin } = mounted;
    const f = await until(lastFrame, (x) => x.includes('DNS: '));
    expect(f).toContain(`answered, ${dns.unanswered.count} unanswered`);
    const lines = f.split('\n');
    // The slowest first: stats dns's max.
    expect(lines[2]!.trim().split(/\s+/)[0]).toBe(dns.responseTimeMs.max.toFixed(3));
    const un = lines.filter((l) => l.trim().startsWith('unanswered'));
    expect(un.map((l) => Number(l.trim().split(/\s+/)[1]))).toEqual(dns.unanswered.frames);
    await press(stdin, KEY.enter);
    expect(jumps).toEqual([Number(lines[2]!.trim().split(/\s+/)[1])]);
  }, 60_000);
});

if (!corpusPresent) describeCorpusMissing('DNS view');

describe.skipIf(!hasTshark)('TLS view', () => {
  it('tls.pcap: the rows of stats tls --json; the card of the selected connection; Enter jumps to its ClientHello', async () => {
    const file = join(root, 'fixtures/tls.pcap');
    const want = jsonLines<{ stream?: number; sni: string | null; version: string | null; handshakeMs: number | null; ja4: string | null; clientHelloFrame: number | null }>(['stats', file, 'tls', '--json']).filter((w) => w.stream !== undefined);
    const jumps: number[] = [];
    mounted = render(<TlsView {...props(file, jumps, 30)} />);
    const { lastFrame, stdin } = mounted;
    let f = await until(lastFrame, (x) => x.includes('connection(s)'));
    expect(f).toContain(`TLS: ${want.length} connection(s)`);
    const rows = f.split('\n').slice(2, 2 + want.length).map((l) => l.trim().split(/\s+/));
    expect(rows.map((r) => [Number(r[0]), r[1], `${r[2]} ${r[3]}`, r[4]])).toEqual(want.map((w) => [w.stream, w.sni ?? '-', w.version, w.handshakeMs === null ? '-' : w.handshakeMs.toFixed(3)]));
    // The card of the selected (first) connection: stats tls's first line.
    const card = wl(['stats', file, 'tls']).split('\n');
    expect(f).toContain(card[0]!);
    await press(stdin, KEY.down);
    f = await until(lastFrame, (x) => x.includes(`TLS stream ${want[1]!.stream}  `));
    await press(stdin, KEY.enter);
    expect(jumps).toEqual([want[1]!.clientHelloFrame]);
  }, 60_000);
});
