/**
 * Issue 17: "a filter that names only TCP fields must not make the DNS or TLS dissectors build
 * trees they otherwise would not". The tree keeps only the fields the filter reads (selectFields),
 * and Packet.treeFor tells a dissector whether any field of its protocol is among them: DNS and TLS
 * under a TCP-only filter do exactly the work they do with no tree at all (`-q`), counted as the
 * items they try to add; with a DNS or TLS field in the filter they build their trees.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dissectFile } from '../../src/pipeline/driver.js';
import { allFields } from '../../src/dissectors/fields.js';
import { Packet } from '../../src/dissectors/packet.js';
import { compile } from '../../src/filter/index.js';
import { corpusFile, corpusPresent, itCorpusMissing } from '../corpus.js';

/** Items DNS and TLS try to add (kept or not) while `file` is read with the tree keeping `fields`. */
async function attempts(file: string, fields: readonly number[]): Promise<{ dns: number; tls: number; matched: number[] }> {
  const proto = new Uint8Array(allFields().length + 1);
  for (const f of allFields()) proto[f.id] = /^(dns|mdns|llmnr)(\.|$)/.test(f.abbrev) ? 1 : /^tls(\.|$)/.test(f.abbrev) ? 2 : 0;
  const counts = { dns: 0, tls: 0 };
  const add = Packet.prototype.add;
  const spy = vi.spyOn(Packet.prototype, 'add').mockImplementation(function (this: Packet, fid: number, ...rest: [number, number, number, number?, unknown?]) {
    if (proto[fid] === 1) counts.dns++;
    else if (proto[fid] === 2) counts.tls++;
    return add.call(this, fid, ...rest);
  });
  const matched: number[] = [];
  try {
    await dissectFile(file, { columns: false, twoPass: true, count: 0, fields: [...fields] }, (pkt) => {
      matched.push(pkt.frame.number);
    });
  } finally {
    spy.mockRestore();
  }
  return { ...counts, matched };
}

function fieldsOf(expr: string): number[] {
  const r = compile(expr);
  if (!r.ok) throw new Error(r.error.message);
  return r.fields;
}

afterEach(() => vi.restoreAllMocks());

describe('a filter makes only the protocols it names build trees', () => {
  if (!corpusPresent) itCorpusMissing();

  it.runIf(corpusPresent)('DNS: a TCP-only filter costs what no tree costs; a DNS filter builds the DNS tree', async () => {
    const file = corpusFile('zeek/wikipedia.pcap');
    const none = await attempts(file, []);
    const tcp = await attempts(file, fieldsOf('tcp.port == 80 && tcp.flags.syn == 1'));
    const dns = await attempts(file, fieldsOf('dns.qry.name contains "wiki"'));
    expect(none.dns).toBeGreaterThan(0);
    expect(tcp.dns).toBe(none.dns);
    // The DNS tree: flags, counts, classes, TTLs, lengths... several times the treeless items.
    expect(dns.dns).toBeGreaterThan(2 * none.dns);
  });

  it.runIf(corpusPresent)('TLS: a TCP-only filter costs what no tree costs; a TLS filter builds the TLS tree', async () => {
    const file = corpusFile('zeek/tls/tls13-ech.pcap');
    const none = await attempts(file, []);
    const tcp = await attempts(file, fieldsOf('tcp.analysis.retransmission || tcp.len > 1000'));
    const tls = await attempts(file, fieldsOf('tls.handshake.type == 1'));
    expect(none.tls).toBeGreaterThan(0);
    expect(tcp.tls).toBe(none.tls);
    expect(tls.tls).toBeGreaterThan(none.tls);
  });

  it.runIf(corpusPresent)('the same frames match as with the full tree', async () => {
    const file = corpusFile('zeek/wikipedia.pcap');
    for (const expr of ['tcp.port == 80 && tcp.len > 500', 'dns.qry.name contains "wiki" && dns.a', 'frame.len > 1000 || dns']) {
      const r = compile(expr);
      if (!r.ok) throw new Error(r.error.message);
      const narrow: number[] = [];
      const full: number[] = [];
      await dissectFile(file, { columns: false, twoPass: true, count: 0, fields: r.fields }, (pkt) => {
        if (r.filter(pkt)) narrow.push(pkt.frame.number);
      });
      await dissectFile(file, { columns: false, twoPass: true, count: 0, fields: null }, (pkt) => {
        if (r.filter(pkt)) full.push(pkt.frame.number);
      });
      expect(narrow.length, expr).toBeGreaterThan(0);
      expect(narrow, expr).toEqual(full);
    }
  });
});
