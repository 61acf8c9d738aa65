/**
 * The tree a packet keeps depends on the output (none for -q and one-line output, the -e fields
 * for -T fields, all for -V and JSON), but dissection must not: the columns and the kept fields
 * are the same in every mode, over the whole public corpus and our fixture.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dissectFile } from '../../src/pipeline/index.js';
import { fieldByName } from '../../src/dissectors/fields.js';
import { fieldText } from '../../src/dissectors/format.js';
import type { Packet } from '../../src/dissectors/packet.js';
import { corpusPresent, corpusRoot, readIndex, repoRoot } from './oracle.js';
import { itCorpusMissing } from '../corpus.js';

const PROBE = ['ip.src', 'ip.ttl', 'tcp.seq', 'tcp.window_size', 'udp.length', 'icmp.type', 'ipv6.dst', 'arp.opcode', 'vlan.id'];
const ids = PROBE.map((f) => fieldByName(f)!.id);

function snapshot(pkt: Packet): string {
  const vals = ids.map((id) => {
    const out: string[] = [];
    for (let i = 0; i < pkt.n; i++) if (pkt.fid[i] === id) out.push(fieldText(pkt, i));
    return out.join(',');
  });
  return `${pkt.colProtocol}|${pkt.colSrc}|${pkt.colDst}|${pkt.colInfo}|${vals.join('|')}|${pkt.protocols.join(':')}`;
}

async function run(file: string, fields: readonly number[] | null): Promise<string[]> {
  const out: string[] = [];
  try {
    await dissectFile(file, { columns: true, twoPass: true, count: 0, fields }, (pkt) => void out.push(snapshot(pkt)));
  } catch {
    /* damaged files: compare what was read */
  }
  return out;
}

async function check(file: string): Promise<void> {
  const full = await run(file, null);
  const selected = await run(file, ids);
  const none = (await run(file, [])).map((s) => s.split('|').slice(0, 4).join('|'));
  expect(selected, file).toEqual(full);
  expect(none, file).toEqual(full.map((s) => s.split('|').slice(0, 4).join('|')));
}

describe('tree modes', () => {
  it('give the same columns and fields on our fixture', async () => {
    await check(join(repoRoot, 'fixtures/loopback.pcap'));
  });
  if (!corpusPresent) itCorpusMissing();
  it.skipIf(!corpusPresent)(corpusPresent ? 'give the same columns and fields over the public corpus' : 'SKIPPED: ../shared/corpus missing (public corpus)', async () => {
    for (const e of readIndex().filter((x) => !x.path.includes('malformed/'))) await check(join(corpusRoot, 'public', e.path));
  }, 300_000);
});
