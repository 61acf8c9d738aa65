/**
 * The flow hash that splits a parallel read into shards (src/capture/flow-hash.ts): every packet
 * between two hosts must land in one shard whatever its direction, port, encapsulation or
 * fragment, or a shard would see half a conversation; and hosts must spread over the shards.
 */
import { describe, expect, it } from 'vitest';
import { flowShard } from '../../src/capture/flow-hash.js';
import { LinkType } from '../../src/capture/frame.js';
import { buildPacket } from '../../src/dissectors/build.js';
import type { LayerSpec } from '../../src/dissectors/registry.js';
import '../../src/dissectors/index.js';

const eth: LayerSpec = { proto: 'eth', src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' };
const shard = (layers: LayerSpec[], linkType: number = LinkType.ETHERNET, n = 8) => {
  const d = buildPacket(layers);
  return flowShard(d, 0, d.length, linkType, n);
};
const v4 = (i: number) => `10.${(i >> 8) & 255}.${i & 255}.1`;
const v6 = (i: number) => `2001:db8::${i.toString(16)}`;

describe('flowShard', () => {
  it('puts both directions, every port and every fragment of a host pair in one shard', () => {
    for (let i = 0; i < 200; i++) {
      const a = v4(i);
      const b = v4(i + 1000);
      const ref = shard([eth, { proto: 'ip', src: a, dst: b }, { proto: 'tcp', sport: 40000 + i, dport: 443 }]);
      expect(shard([eth, { proto: 'ip', src: b, dst: a }, { proto: 'tcp', sport: 443, dport: 40000 + i }])).toBe(ref);
      expect(shard([eth, { proto: 'ip', src: a, dst: b }, { proto: 'udp', sport: 5353, dport: 53 }])).toBe(ref);
      // A non-first fragment has no ports: the pair alone decides.
      expect(shard([eth, { proto: 'ip', src: b, dst: a, fragOffset: 185, protocol: 17 }, { proto: 'data', bytes: new Uint8Array(100) }])).toBe(ref);
      // VLAN tags, Q-in-Q, Linux cooked v1/v2 and raw IP read the same pair.
      expect(shard([eth, { proto: 'vlan', id: 10 }, { proto: 'vlan', id: 20 }, { proto: 'ip', src: a, dst: b }, { proto: 'icmp', type: 8 }])).toBe(ref);
      expect(shard([{ proto: 'sll', protocol: 0x0800 }, { proto: 'ip', src: a, dst: b }, { proto: 'udp', sport: 1, dport: 2 }], LinkType.LINUX_SLL)).toBe(ref);
      expect(shard([{ proto: 'sll2', protocol: 0x0800 }, { proto: 'ip', src: b, dst: a }, { proto: 'udp', sport: 1, dport: 2 }], LinkType.LINUX_SLL2)).toBe(ref);
      expect(shard([{ proto: 'ip', src: b, dst: a }, { proto: 'udp', sport: 1, dport: 2 }], LinkType.RAW)).toBe(ref);
    }
  });

  it('does the same for IPv6', () => {
    for (let i = 0; i < 100; i++) {
      const ref = shard([eth, { proto: 'ipv6', src: v6(i), dst: v6(i + 500) }, { proto: 'tcp', sport: 1000, dport: 80 }]);
      expect(shard([eth, { proto: 'ipv6', src: v6(i + 500), dst: v6(i) }, { proto: 'udp', sport: 53, dport: 1000 }])).toBe(ref);
      expect(shard([{ proto: 'ipv6', src: v6(i + 500), dst: v6(i) }, { proto: 'udp', sport: 53, dport: 1000 }], LinkType.IPV6)).toBe(ref);
    }
  });

  it('spreads host pairs over the shards', () => {
    for (const n of [2, 3, 4]) {
      const counts = new Array<number>(n).fill(0);
      for (let i = 0; i < 3000; i++) counts[shard([eth, { proto: 'ip', src: v4(i), dst: '192.0.2.1' }, { proto: 'udp', sport: 1, dport: 2 }], LinkType.ETHERNET, n)]!++;
      for (const c of counts) expect(c).toBeGreaterThan((3000 / n) * 0.85);
    }
  });

  it('sends what it cannot read to shard 0 (ARP, short frames, unknown link types, one shard)', () => {
    expect(shard([eth, { proto: 'arp', op: 1, srcIp: '10.0.0.1', dstIp: '10.0.0.2' }])).toBe(0);
    expect(flowShard(new Uint8Array(10), 0, 10, LinkType.ETHERNET, 4)).toBe(0);
    const d = buildPacket([eth, { proto: 'ip', src: v4(7), dst: v4(9) }, { proto: 'udp', sport: 1, dport: 2 }]);
    expect(flowShard(d, 0, 30, LinkType.ETHERNET, 4)).toBe(0); // IPv4 header cut
    expect(flowShard(d, 0, d.length, 147, 4)).toBe(0);
    expect(flowShard(d, 0, d.length, LinkType.ETHERNET, 1)).toBe(0);
  });
});
