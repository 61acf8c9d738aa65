/**
 * The names of the expert items wirelite raises that are not also fields (Wireshark registers each
 * expert item under a filter name, `ei_...` with `expert_register_field_array`, and lists it in
 * `tshark -G fields` as an FT_NONE field), with the summary tshark gives each. They make the names
 * usable where tshark takes them: `-Y tcp.connection.syn`, `-e ip.ttl.too_small` (prints 1), the
 * `name` of the JSON expert objects. Expert items whose name is a field (the TCP analysis verdicts,
 * `tcp.options.mss.absent`, the HTTP ones) are filtered through that field.
 *
 * test/dissectors/expert-names.test.ts keeps this list true: every name passed to `addExpert` is a
 * field or listed here, and each entry is in tshark's glossary with the same summary.
 */

/** Expert name -> tshark 4.0's summary of it (`tshark -G fields`, column 2). */
export const EXPERT_NAMES: ReadonlyMap<string, string> = new Map([
  ['_ws.malformed.expert', 'Malformed Packet (Exception occurred)'],
  ['dns.retransmit_request', 'DNS query retransmission'],
  ['dns.retransmit_response', 'DNS response retransmission'],
  ['eth.padding_bad', 'Padding identification may be inaccurate and impact trailer dissector'],
  ['eth.src_not_group', 'Source MAC must not be a group address: IEEE 802.3-2002, Section 3.2.3(b)'],
  ['icmp.checksum_bad', 'Bad checksum'],
  ['icmp.ext.checksum_bad', 'Bad checksum'],
  ['icmp.resp_not_found', 'Response not found'],
  ['icmpv6.checksum_bad.expert', 'Bad checksum'],
  ['icmpv6.invalid_option_length', 'Invalid Option Length'],
  ['icmpv6.resp_not_found', 'Response not found'],
  ['icmpv6.undecoded.option', 'Undecoded option'],
  ['icmpv6.undecoded.type', 'Undecoded type'],
  ['ip.bogus_header_length', 'Bogus IP header length'],
  ['ip.bogus_ip_length', 'Bogus IP length'],
  ['ip.bogus_ip_version', 'Bogus IP version'],
  ['ip.checksum_bad.expert', 'Bad checksum'],
  ['ip.nop', '4 NOP in a row - a router may have removed some options'],
  ['ip.opt.len.invalid', 'Invalid length for option'],
  ['ip.ttl.too_small', 'Time To Live'],
  ['ipv6.bogus_ipv6_version', 'Bogus IP version'],
  ['ipv6.hopopts.not_first', 'IPv6 Hop-by-Hop extension header must appear immediately after IPv6 header'],
  ['ipv6.invalid_header', 'Invalid IPv6 header'],
  ['ipv6.opt.header_mismatch', 'Wrong options extension header for type'],
  ['ipv6.opt.invalid_len', 'Invalid IPv6 option length'],
  ['ipv6.opt.jumbo.missing', 'IPv6 payload length equals 0 and Hop-By-Hop present and Jumbo Payload option missing'],
  ['ipv6.opt.jumbo.prohibited', 'When IPv6 payload length does not equal 0 a Jumbo Payload option must not be present'],
  ['ipv6.opt.jumbo.truncated', 'Jumbo Payload option present and jumbo length < 65536'],
  ['ipv6.opt.unknown_data.expert', 'Unknown Data (not interpreted)'],
  ['ipv6.plen_exceeds_framing', 'IPv6 payload length does not match expected framing length'],
  ['ipv6.plen_zero', 'IPv6 payload length equals 0 (maybe because of "TCP segmentation offload" (TSO))'],
  ['ipv6.routing.deprecated', 'Routing header type is deprecated'],
  ['ipv6.routing.invalid_length', 'Invalid IPv6 Routing header length'],
  ['ipv6.routing.invalid_segleft', 'IPv6 Routing Header segments left field must not exceed address count'],
  ['ipv6.routing.undecoded', 'Undecoded IPv6 routing header field'],
  ['tcp.bogus_header_length', 'Bogus TCP Header length'],
  ['tcp.checksum_bad.expert', 'Bad checksum'],
  ['tcp.connection.fin', 'Connection finish (FIN)'],
  ['tcp.connection.fin_active', 'This frame initiates the connection closing'],
  ['tcp.connection.fin_passive', 'This frame undergoes the connection closing'],
  ['tcp.connection.rst', 'Connection reset (RST)'],
  ['tcp.connection.syn', 'Connection establish request (SYN)'],
  ['tcp.connection.synack', 'Connection establish acknowledge (SYN+ACK)'],
  ['tcp.nop', '4 NOP in a row - a router may have removed some options'],
  ['tcp.option.len.invalid', 'Invalid length for option'],
  ['tls.ignored_unknown_record', 'Ignored Unknown Record'],
  ['udp.checksum.bad', 'Bad checksum'],
  ['udp.length.bad', 'Bad length value'],
  ['udp.possible_traceroute', 'Possible traceroute'],
  ['vlan.len.past_end', 'Length field value goes past the end of the payload'],
]);

/**
 * Pseudo-protocols tshark adds as a tree item that are expert items here: `_ws.short` is the
 * "[Packet size limited during capture]" item of a frame cut by the snapshot length.
 */
export const EXPERT_PROTOCOLS: ReadonlyMap<string, string> = new Map([['_ws.short', 'Short Frame']]);
