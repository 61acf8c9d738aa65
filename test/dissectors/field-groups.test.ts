/**
 * Packet.keepsGroup (fields by name prefix, made by fieldGroup) and what TCP does when a group is
 * not kept: the flags block and the options' items are skipped, but a packet whose options end in
 * the middle of one (no length byte: "TCP option length missing") is still marked malformed, as
 * with every field kept, because the options are still walked.
 */
import { describe, expect, it } from 'vitest';
import { Packet, fieldGroup } from '../../src/dissectors/packet.js';
import { newSession } from '../../src/dissectors/session.js';
import { dissectFrame } from '../../src/dissectors/frame.js';
import '../../src/dissectors/index.js';
import { hex, id } from './helpers.js';

/** Ethernet, IPv4, TCP with a 24-byte header whose options are NOP NOP NOP and a lone MSS kind (no length). */
const LONE_KIND = hex(
  '020000000002 020000000001 0800' +
    '4500 002c 0001 0000 4006 0000 c0a80001 c0a80002' +
    '1f90 0050 00000001 00000000 6010 2000 0000 0000' +
    '01010102',
);

function dissectKeeping(data: Uint8Array, fields: readonly string[] | null, experts: boolean): Packet {
  const pkt = new Packet(newSession(), false);
  pkt.selectFields(fields === null ? null : fields.map(id));
  pkt.wantExperts = experts;
  pkt.reset({ number: 1, tsSec: 0, tsNsec: 0, hasTime: true, capLen: data.length, origLen: data.length, linkType: 1, interfaceId: 0, direction: 0, data });
  dissectFrame(pkt);
  return pkt;
}

describe('Packet.keepsGroup', () => {
  it('is true for a group with a kept field, false without one, the tree itself with all or none kept', () => {
    const flags = fieldGroup('tcp.flags');
    const opts = fieldGroup('tcp.option');
    const pkt = new Packet(newSession(), false);
    pkt.selectFields([id('tcp.flags.syn')]);
    expect([pkt.keepsGroup(flags), pkt.keepsGroup(opts)]).toEqual([true, false]);
    pkt.selectFields([id('tcp.option_kind'), id('ip.src')]);
    expect([pkt.keepsGroup(flags), pkt.keepsGroup(opts)]).toEqual([false, true]);
    pkt.selectFields(null);
    expect([pkt.keepsGroup(flags), pkt.keepsGroup(opts)]).toEqual([true, true]);
    pkt.selectFields([]);
    expect([pkt.keepsGroup(flags), pkt.keepsGroup(opts)]).toEqual([false, false]);
    // A group made after the selection is answered from the kept fields.
    pkt.selectFields([id('tcp.window_size_value')]);
    expect(pkt.keepsGroup(fieldGroup('tcp.window'))).toBe(true);
    expect(pkt.keepsGroup(fieldGroup('tcp.urgent'))).toBe(false);
  });
});

describe('TCP with no option field kept', () => {
  it('still marks a packet with a lone option kind malformed', () => {
    const full = dissectKeeping(LONE_KIND, null, true);
    expect(full.malformed).toBe(true);
    expect(full.expert.map((e) => e.message)).toContain('TCP option length missing');
    // -T fields -e frame.protocols: no option field, no experts.
    const some = dissectKeeping(LONE_KIND, ['frame.protocols', 'tcp.srcport'], false);
    expect(some.malformed).toBe(true);
    expect(some.protocols.join(':')).toBe(full.protocols.join(':'));
    expect(some.protocols.join(':')).toMatch(/:_ws\.malformed$/);
  });

  it('adds the option items only when one of them is kept', () => {
    const kinds = (p: Packet) => [...Array(p.n).keys()].filter((i) => p.fid[i] === id('tcp.option_kind')).map((i) => p.num[i]);
    expect(kinds(dissectKeeping(LONE_KIND, ['tcp.option_kind'], false))).toEqual([1, 1, 1]);
    expect(kinds(dissectKeeping(LONE_KIND, ['tcp.srcport'], false))).toEqual([]);
  });
});
