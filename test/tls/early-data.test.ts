/**
 * TLS 1.3 0-RTT against tshark 4.0: early data (RFC 8446 2.3, 4.2.10) decrypted with
 * CLIENT_EARLY_TRAFFIC_SECRET, as Wireshark's decrypt_tls13_early_data does it (the first early
 * record tried with each TLS 1.3 suite; the client's handshake keys after EndOfEarlyData, or
 * after the first client record the early keys do not open).
 *
 * The capture is made here (./captures.ts makeEarlyData): a full handshake that leaves a ticket,
 * its resumption with accepted early data, and the same early data rejected by a server that
 * cannot open the ticket. Compared: every TLS field and the columns of every frame, with the
 * whole key log, with the key log less its CLIENT_EARLY_TRAFFIC_SECRET lines (the early records
 * stay encrypted), from a pcapng DSB in a single pass, and without keys.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusFile, corpusPresent, describeCorpusMissing } from '../corpus.js';
import { EARLY_DATA, injectSecrets, makeEarlyData, type Made } from './captures.js';
import { bin, compared, differences, httpFields, missingTools, run, tlsFields, tshark, tsharkEnv, wirelite } from './compare.js';

const dir = mkdtempSync(join(tmpdir(), 'wirelite-tls-early-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = tsharkEnv(dir);

if (missingTools.length) {
  describeCorpusMissing('TLS 1.3 early data', `needs ${missingTools.join(', ')} (CI runs as root with them)`);
} else {
  describe('TLS 1.3 0-RTT early data, against tshark -2 -o tls.keylog_file', () => {
    let made: Made & { accepted: (boolean | null)[] };
    let fields: string[];
    let decodeAs: string[];
    const keyed = (keys: string) => [...decodeAs, '-o', `tls.keylog_file:${keys}`];
    /** tshark's handshake types and content types by TCP stream, client records only. */
    const clientView = async (keys: string) => {
      const out = await tshark(env, made.pcap, keyed(keys), ['tcp.stream', 'tcp.srcport', 'tls.record.content_type', 'tls.handshake.type']);
      const m = new Map<number, string[]>();
      for (const l of out) {
        const [stream, sport, ct, ht] = l.split('\t');
        if (!stream || !ct || Number(sport) === made.port) continue;
        m.set(Number(stream), [...(m.get(Number(stream)) ?? []), `${ct}/${ht ?? ''}`]);
      }
      return m;
    };
    beforeAll(async () => {
      made = await makeEarlyData(dir);
      fields = tlsFields();
      decodeAs = ['-d', `tcp.port==${made.port},tls`];
    }, 120_000);

    it('the capture: the second connection had its early data accepted, the third rejected', () => {
      expect(made.accepted).toEqual([null, true, false]);
      expect(readFileSync(made.keys, 'utf8')).toContain('CLIENT_EARLY_TRAFFIC_SECRET');
    });

    it('the whole key log: the early data and EndOfEarlyData decrypted, every TLS field of every frame as tshark', async () => {
      const view = await clientView(made.keys);
      // Accepted: ClientHello, CCS, the early data (23), then End of Early Data (5) and Finished.
      expect(view.get(1)!.slice(0, 2)).toEqual(['22,20,23/1', '22,22/5,20']);
      // Rejected: the early data opens with the client's early secret all the same; then no EndOfEarlyData.
      expect(view.get(2)!.slice(0, 2)).toEqual(['22,20,23/1', '22/20']);
      const ours = wirelite(made.pcap, ['-o', `tls.keylog_file:${made.keys}`], fields);
      const theirs = await tshark(env, made.pcap, keyed(made.keys), fields);
      expect(differences(ours, theirs, fields)).toEqual([]);
      expect(compared(ours, theirs, fields)).toBeGreaterThan(400);
      // With HTTP: the early data is an HTTP request, handed to HTTP as tshark does.
      const all = [...fields, ...httpFields()];
      const withHttp = wirelite(made.pcap, ['-o', `tls.keylog_file:${made.keys}`], all, undefined, true);
      expect(differences(withHttp, await tshark(env, made.pcap, keyed(made.keys), all, true, true), all)).toEqual([]);
      expect(withHttp.filter((l) => l.includes('GET /early HTTP/1.0')).length).toBe(2);
      // follow --tls shows the early data as the connection's first client bytes, as tshark.
      const f = spawnSync(bin, ['follow', made.pcap, '--stream', '1', '--tls', '--tls-keylog', made.keys], { encoding: 'utf8' }).stdout;
      expect(f).toContain(EARLY_DATA.trim().split('\r\n')[0]);
      const theirsFollow = (await run('tshark', ['-n', '-r', made.pcap, ...keyed(made.keys), '-q', '-z', 'follow,tls,ascii,1'], { env, maxBuffer: 1 << 28 })).stdout;
      expect(f.replace(/^Node 1: .*$/m, 'Node 1:')).toBe(theirsFollow.replace(/^Node 1: .*$/m, 'Node 1:'));
    });

    it('the key log without CLIENT_EARLY_TRAFFIC_SECRET: the early records stay encrypted (and are marked), the rest decrypts, as tshark', async () => {
      const keys = join(dir, 'no-early.keys');
      writeFileSync(keys, readFileSync(made.keys, 'utf8').split('\n').filter((l) => !l.startsWith('CLIENT_EARLY_TRAFFIC_SECRET')).join('\n'));
      const view = await clientView(keys);
      // The early data and the EndOfEarlyData stay opaque (no content type); the Finished after them opens.
      expect(view.get(1)!.slice(0, 2)).toEqual(['22,20/1', '22/20']);
      const all = [...fields, 'tls.record.decryption_failed', 'tcp.stream', 'tcp.srcport'];
      const ours = wirelite(made.pcap, ['-o', `tls.keylog_file:${keys}`], all);
      expect(differences(ours, await tshark(env, made.pcap, keyed(keys), fields), fields)).toEqual([]);
      // Marked: the early data record of each 0-RTT connection and the accepted one's EndOfEarlyData.
      const marked = ours.filter((l) => l && l.split('\t').at(-3) !== '').map((l) => l.split('\t').at(-2));
      expect(marked).toEqual(['1', '1', '2']);
    });

    it('a pcapng with the key log as a DSB (and from standard input, in one pass), and no keys at all: as tshark', async () => {
      const dsb = injectSecrets(made, join(dir, 'early.pcapng'));
      expect(differences(wirelite(dsb, [], fields), await tshark(env, dsb, decodeAs, fields), fields)).toEqual([]);
      // Standard input: one pass, as tshark without -2 (the early data's records are TLS 1.3's from the ClientHello on).
      expect(differences(wirelite('-', [], fields, readFileSync(dsb)), await tshark(env, dsb, decodeAs, fields, false), fields)).toEqual([]);
      expect(differences(wirelite(made.pcap, [], fields), await tshark(env, made.pcap, decodeAs, fields), fields)).toEqual([]);
      expect(differences(wirelite('-', [], fields, readFileSync(made.pcap)), await tshark(env, made.pcap, decodeAs, fields, false), fields)).toEqual([]);
    });
  });
}

// A real capture with early data (TLS 1.3 draft 19, from Zeek's tests), no keys: a single pass
// knows the session is TLS 1.3 from the ClientHello on, as tshark (a later frame's early record).
const ZEEK_EARLY = 'zeek/tls/tls-13draft19-early-data.pcap';
if (!corpusPresent || missingTools.includes('tshark')) describeCorpusMissing('early data in the corpus');
else {
  describe('early data in the corpus, no keys', () => {
    it(`${ZEEK_EARLY}: every TLS field and the columns as tshark, in two passes and in one`, async () => {
      const fields = tlsFields();
      const file = corpusFile(ZEEK_EARLY);
      const ours = wirelite(file, [], fields);
      expect(differences(ours, await tshark(env, file, [], fields), fields)).toEqual([]);
      expect(differences(wirelite('-', [], fields, readFileSync(file)), await tshark(env, file, [], fields, false), fields)).toEqual([]);
      expect(ours.filter((l) => l.includes('Client Hello')).length).toBe(2);
      // A child field asked for alone (its parent tls.handshake.random not kept), in one pass.
      const alone = ['frame.number', 'tls.handshake.random_time', 'tls.handshake.random_bytes'];
      const one = wirelite('-', [], alone, readFileSync(file));
      expect(one.filter((l) => l.split('\t')[1]).length).toBe(2);
      expect(differences(one, await tshark(env, file, [], alone, false), alone)).toEqual([]);
    });
  });
}
