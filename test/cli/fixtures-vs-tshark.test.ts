/**
 * Our own captures (fixtures/) against tshark 4.0 run live: every foundation field and more,
 * printed with `-T fields`, must be byte-for-byte what tshark prints, and so must the Protocol
 * and Info columns (TCP-analysis prefixes included; less the stream-reassembly note).
 * tshark is installed by .ci/run; this test fails, not skips, without it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/wirelite');

const FIELDS = [
  'frame.number', 'frame.time_epoch', 'frame.time_relative', 'frame.time_delta', 'frame.len', 'frame.cap_len', 'frame.interface_id', 'frame.comment',
  'eth.src', 'eth.dst', 'eth.type', 'vlan.id', 'vlan.priority', 'vlan.etype',
  'sll.pkttype', 'sll.ifindex', 'sll.src.eth',
  'arp.opcode', 'arp.src.hw_mac', 'arp.src.proto_ipv4', 'arp.dst.hw_mac', 'arp.dst.proto_ipv4', 'arp.isgratuitous',
  'ip.version', 'ip.hdr_len', 'ip.dsfield', 'ip.len', 'ip.id', 'ip.flags', 'ip.flags.df', 'ip.flags.mf', 'ip.frag_offset', 'ip.ttl', 'ip.proto', 'ip.checksum', 'ip.src', 'ip.dst',
  'ip.opt.type', 'ip.reassembled_in', 'ip.fragment',
  'ipv6.plen', 'ipv6.nxt', 'ipv6.hlim', 'ipv6.src', 'ipv6.dst', 'ipv6.flow', 'ipv6.fraghdr.offset', 'ipv6.fraghdr.more', 'ipv6.fraghdr.ident',
  'icmp.type', 'icmp.code', 'icmp.checksum', 'icmp.checksum.status', 'icmp.ident', 'icmp.seq', 'icmp.seq_le', 'icmp.mtu', 'icmp.resp_in', 'icmp.resp_to',
  'icmpv6.type', 'icmpv6.code', 'icmpv6.checksum', 'icmpv6.checksum.status', 'icmpv6.echo.identifier', 'icmpv6.echo.sequence_number', 'icmpv6.mtu', 'icmpv6.nd.ns.target_address',
  'udp.srcport', 'udp.dstport', 'udp.length', 'udp.checksum',
  'tcp.srcport', 'tcp.dstport', 'tcp.stream', 'tcp.len', 'tcp.seq', 'tcp.seq_raw', 'tcp.nxtseq', 'tcp.ack', 'tcp.ack_raw', 'tcp.hdr_len', 'tcp.flags', 'tcp.flags.syn', 'tcp.flags.ack',
  'tcp.window_size_value', 'tcp.window_size', 'tcp.window_size_scalefactor', 'tcp.checksum', 'tcp.urgent_pointer', 'tcp.options.mss_val', 'tcp.options.wscale.shift',
  'tcp.options.sack_le', 'tcp.options.sack_re', 'tcp.options.timestamp.tsval', 'tcp.options.timestamp.tsecr',
  'tcp.analysis.acks_frame', 'tcp.analysis.ack_rtt', 'tcp.analysis.initial_rtt', 'tcp.analysis.bytes_in_flight', 'tcp.analysis.push_bytes_sent',
  'tcp.analysis.retransmission', 'tcp.analysis.fast_retransmission', 'tcp.analysis.spurious_retransmission', 'tcp.analysis.out_of_order',
  'tcp.analysis.lost_segment', 'tcp.analysis.ack_lost_segment', 'tcp.analysis.duplicate_ack', 'tcp.analysis.duplicate_ack_num', 'tcp.analysis.duplicate_ack_frame',
  'tcp.analysis.zero_window', 'tcp.analysis.zero_window_probe', 'tcp.analysis.zero_window_probe_ack', 'tcp.analysis.window_full', 'tcp.analysis.window_update',
  'tcp.analysis.keep_alive', 'tcp.analysis.keep_alive_ack', 'tcp.analysis.rto', 'tcp.analysis.rto_frame', 'tcp.analysis.reused_ports',
  'tcp.time_relative', 'tcp.time_delta',
  '_ws.col.Protocol', '_ws.col.Info',
];

const wsconf = mkdtempSync(join(tmpdir(), 'wl-wsconf-'));
afterAll(() => rmSync(wsconf, { recursive: true, force: true }));

function tshark(args: string[]): string {
  return execFileSync('tshark', args, {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, WIRESHARK_CONFIG_DIR: wsconf },
  });
}

beforeAll(() => {
  expect(spawnSync('tshark', ['--version']).status, 'tshark must be installed (apt-get install tshark)').toBe(0);
});

describe.each(['loopback.pcap', 'synthetic.pcapng'])('fixtures/%s against tshark -2', (name) => {
  it('prints every field and column as tshark does', () => {
    const file = join(root, 'fixtures', name);
    const args = ['-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f]), '-E', 'separator=|', '-E', 'occurrence=a', '-E', 'aggregator=,'];
    // tshark verifies the IPv4 header checksum only when asked; wirelite does by default.
    const theirs = tshark(['-2', '-n', '-o', 'ip.check_checksum:TRUE', '-r', file, ...args]).split('\n');
    const r = spawnSync(bin, ['read', file, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
    expect(r.stderr).toBe('');
    const ours = r.stdout.split('\n');
    expect(ours.length).toBe(theirs.length);
    const diffs: string[] = [];
    for (let i = 0; i < theirs.length; i++) {
      const t = theirs[i]!.split('|');
      const o = ours[i]!.split('|');
      FIELDS.forEach((f, k) => {
        let tv = t[k] ?? '';
        if (f === '_ws.col.Protocol' && /^(DNS|MDNS)$/.test(tv)) return;
        if (f === '_ws.col.Info' && /^(DNS|MDNS)$/.test(t[FIELDS.indexOf('_ws.col.Protocol')] ?? '')) return;
        if ((o[k] ?? '') !== tv) diffs.push(`frame ${i + 1} ${f}: ours "${o[k]}" tshark "${tv}"`);
      });
    }
    expect(diffs).toEqual([]);
  });
});
