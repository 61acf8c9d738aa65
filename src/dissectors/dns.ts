/**
 * DNS (RFC 1034, RFC 1035; AAAA RFC 3596; SRV RFC 2782; EDNS(0) RFC 6891 with client subnet
 * RFC 7871 and cookies RFC 7873; DNSSEC records RFC 4034, shown not validated; CAA RFC 8659;
 * SVCB/HTTPS RFC 9460), multicast DNS (RFC 6762: UDP 5353, QU bit, cache-flush bit) and LLMNR
 * (RFC 4795: UDP 5355). Over TCP (RFC 7766) each message has a two-byte length prefix: the TCP
 * side is `decodeDnsTcp`, fed with reassembled stream bytes.
 *
 * Names are decompressed with guards: a bounded number of pointer hops (a loop ends there), the
 * 255-byte name limit of RFC 1035 3.1, and every read inside the message. A record whose data
 * runs past the message marks the packet malformed; the work per message is bounded by its
 * length. Queries and responses are paired per conversation and transaction id, as Wireshark
 * does (`dns.response_in`, `dns.response_to`, `dns.time`, retransmissions).
 */
import { defineFields, fieldById, FT, Base } from './fields.js';
import { formatIPv4At, formatIPv6, parseIPv4, parseIPv6, toHex, u16, u32 } from './bytes.js';
import { annotate, annotation, need, sessionState, Severity, type Packet } from './packet.js';
import { register, type Dissector, type LayerSpec } from './registry.js';
import { registerStreamProtocol } from './tcp/stream.js';
import { lengthPrefixed16 } from './tcp/reassembly.js';
import { timeDiff } from './frame.js';

// --- value strings

/** Wireshark's dns_types_vals (abbreviations used in the Info column and the tree). */
export const DNS_TYPES: Record<number, string> = {
  0: 'Unused', 1: 'A', 2: 'NS', 3: 'MD', 4: 'MF', 5: 'CNAME', 6: 'SOA', 7: 'MB', 8: 'MG', 9: 'MR', 10: 'NULL', 11: 'WKS',
  12: 'PTR', 13: 'HINFO', 14: 'MINFO', 15: 'MX', 16: 'TXT', 17: 'RP', 18: 'AFSDB', 19: 'X25', 20: 'ISDN', 21: 'RT',
  22: 'NSAP', 23: 'NSAP-PTR', 24: 'SIG', 25: 'KEY', 26: 'PX', 27: 'GPOS', 28: 'AAAA', 29: 'LOC', 30: 'NXT', 31: 'EID',
  32: 'NIMLOC', 33: 'SRV', 34: 'ATMA', 35: 'NAPTR', 36: 'KX', 37: 'CERT', 38: 'A6', 39: 'DNAME', 40: 'SINK', 41: 'OPT',
  42: 'APL', 43: 'DS', 44: 'SSHFP', 45: 'IPSECKEY', 46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY', 49: 'DHCID', 50: 'NSEC3',
  51: 'NSEC3PARAM', 52: 'TLSA', 53: 'SMIMEA', 55: 'HIP', 56: 'NINFO', 57: 'RKEY', 58: 'TALINK', 59: 'CDS', 60: 'CDNSKEY',
  61: 'OPENPGPKEY', 62: 'CSYNC', 63: 'ZONEMD', 64: 'SVCB', 65: 'HTTPS', 99: 'SPF', 100: 'UINFO', 101: 'UID', 102: 'GID',
  103: 'UNSPEC', 104: 'NID', 105: 'L32', 106: 'L64', 107: 'LP', 108: 'EUI48', 109: 'EUI64', 249: 'TKEY', 250: 'TSIG',
  251: 'IXFR', 252: 'AXFR', 253: 'MAILB', 254: 'MAILA', 255: 'ANY', 256: 'URI', 257: 'CAA', 258: 'AVC', 259: 'DOA',
  260: 'AMTRELAY', 32768: 'TA', 32769: 'DLV', 65281: 'WINS', 65282: 'WINS-R', 65521: 'XPF',
};
const TYPE_BY_NAME: Record<string, number> = Object.fromEntries(Object.entries(DNS_TYPES).map(([k, v]) => [v, Number(k)]));

const CLASSES: Record<number, string> = { 1: 'IN', 2: 'CS', 3: 'CH', 4: 'HS', 254: 'NONE', 255: 'ANY' };
const OPCODES: Record<number, string> = {
  0: 'Standard query', 1: 'Inverse query', 2: 'Server status request', 4: 'Zone change notification', 5: 'Dynamic update',
  6: 'DNS Stateful operations (DSO)',
};
const RCODES: Record<number, string> = {
  0: 'No error', 1: 'Format error', 2: 'Server failure', 3: 'No such name', 4: 'Not implemented', 5: 'Refused',
  6: 'Name exists', 7: 'RRset exists', 8: 'RRset does not exist', 9: 'Not authoritative', 10: 'Name out of zone',
  11: 'DSO-Type not implemented', 16: 'Bad OPT Version or TSIG Signature Failure', 17: 'Key not recognized',
  18: 'Signature out of time window', 19: 'Bad TKEY mode', 20: 'Duplicate key name', 21: 'Algorithm not supported',
  22: 'Bad truncation', 23: 'Bad/missing Server Cookie',
};
const EDNS_OPTS: Record<number, string> = {
  1: 'LLQ', 2: 'UL', 3: 'NSID', 4: 'Owner (reserved)', 5: 'DAU - DNSSEC Algorithm Understood (RFC6975)',
  6: 'DHU - DS Hash Understood (RFC6975)', 7: 'N3U - NSEC3 Hash Understood (RFC6975)', 8: 'CSUBNET - Client subnet',
  9: 'EDNS EXPIRE (RFC7314)', 10: 'COOKIE', 11: 'EDNS TCP Keepalive', 12: 'PADDING', 13: 'CHAIN', 14: 'EDNS Key Tag',
  15: 'Extended DNS Error', 16: 'EDNS Client Tag', 17: 'EDNS Server Tag',
};
const SVC_KEYS: Record<number, string> = {
  0: 'mandatory', 1: 'alpn', 2: 'no-default-alpn', 3: 'port', 4: 'ipv4hint', 5: 'ech', 6: 'ipv6hint', 65535: 'key65535',
};

export function dnsTypeName(t: number): string {
  return DNS_TYPES[t] ?? `Unknown (${t})`;
}

// --- fields

export const F = defineFields({
  dns: { abbrev: 'dns', name: 'Domain Name System', type: FT.PROTOCOL },
  mdns: { abbrev: 'mdns', name: 'Multicast Domain Name System', type: FT.PROTOCOL },
  llmnr: { abbrev: 'llmnr', name: 'Link-local Multicast Name Resolution', type: FT.PROTOCOL },
  length: { abbrev: 'dns.length', name: 'Length', type: FT.UINT16 },
  id: { abbrev: 'dns.id', name: 'Transaction ID', type: FT.UINT16, base: Base.HEX },
  flags: { abbrev: 'dns.flags', name: 'Flags', type: FT.UINT16, base: Base.HEX },
  response: { abbrev: 'dns.flags.response', name: 'Response', type: FT.BOOLEAN, bits: 16, mask: 0x8000, tf: ['Message is a response', 'Message is a query'] },
  opcode: { abbrev: 'dns.flags.opcode', name: 'Opcode', type: FT.UINT16, bits: 16, mask: 0x7800, strings: OPCODES },
  authoritative: { abbrev: 'dns.flags.authoritative', name: 'Authoritative', type: FT.BOOLEAN, bits: 16, mask: 0x0400, tf: ['Server is an authority for domain', 'Server is not an authority for domain'] },
  conflict: { abbrev: 'dns.flags.conflict', name: 'Conflict', type: FT.BOOLEAN, bits: 16, mask: 0x0400, tf: ['The name is not considered unique', 'The name is considered unique'] },
  truncated: { abbrev: 'dns.flags.truncated', name: 'Truncated', type: FT.BOOLEAN, bits: 16, mask: 0x0200, tf: ['Message is truncated', 'Message is not truncated'] },
  recdesired: { abbrev: 'dns.flags.recdesired', name: 'Recursion desired', type: FT.BOOLEAN, bits: 16, mask: 0x0100, tf: ['Do query recursively', "Don't do query recursively"] },
  tentative: { abbrev: 'dns.flags.tentative', name: 'Tentative', type: FT.BOOLEAN, bits: 16, mask: 0x0100, tf: ['Tentative', 'Not tentative'] },
  recavail: { abbrev: 'dns.flags.recavail', name: 'Recursion available', type: FT.BOOLEAN, bits: 16, mask: 0x0080, tf: ['Server can do recursive queries', "Server can't do recursive queries"] },
  z: { abbrev: 'dns.flags.z', name: 'Z', type: FT.BOOLEAN, bits: 16, mask: 0x0040, tf: ['reserved - incorrect!', 'reserved (0)'] },
  authenticated: { abbrev: 'dns.flags.authenticated', name: 'Answer authenticated', type: FT.BOOLEAN, bits: 16, mask: 0x0020, tf: ['Answer/authority portion was authenticated by the server', 'Answer/authority portion was not authenticated by the server'] },
  checkdisable: { abbrev: 'dns.flags.checkdisable', name: 'Non-authenticated data', type: FT.BOOLEAN, bits: 16, mask: 0x0010, tf: ['Acceptable', 'Unacceptable'] },
  rcode: { abbrev: 'dns.flags.rcode', name: 'Reply code', type: FT.UINT16, bits: 16, mask: 0x000f, strings: RCODES },
  count_queries: { abbrev: 'dns.count.queries', name: 'Questions', type: FT.UINT16 },
  count_zones: { abbrev: 'dns.count.zones', name: 'Zones', type: FT.UINT16 },
  count_answers: { abbrev: 'dns.count.answers', name: 'Answer RRs', type: FT.UINT16 },
  count_prerequisites: { abbrev: 'dns.count.prerequisites', name: 'Prerequisites', type: FT.UINT16 },
  count_auth_rr: { abbrev: 'dns.count.auth_rr', name: 'Authority RRs', type: FT.UINT16 },
  count_updates: { abbrev: 'dns.count.updates', name: 'Updates', type: FT.UINT16 },
  count_add_rr: { abbrev: 'dns.count.add_rr', name: 'Additional RRs', type: FT.UINT16 },
  queries: { abbrev: 'dns.queries', name: 'Queries', type: FT.NONE },
  answers: { abbrev: 'dns.answers', name: 'Answers', type: FT.NONE },
  authorities: { abbrev: 'dns.authorities', name: 'Authoritative nameservers', type: FT.NONE },
  additionals: { abbrev: 'dns.additionals', name: 'Additional records', type: FT.NONE },
  query: { abbrev: 'dns.query', name: 'Query', type: FT.NONE },
  qry_name: { abbrev: 'dns.qry.name', name: 'Name', type: FT.STRING },
  qry_name_len: { abbrev: 'dns.qry.name.len', name: 'Name Length', type: FT.UINT16, generated: true },
  count_labels: { abbrev: 'dns.count.labels', name: 'Label Count', type: FT.UINT16, generated: true },
  qry_type: { abbrev: 'dns.qry.type', name: 'Type', type: FT.UINT16, strings: DNS_TYPES },
  qry_class: { abbrev: 'dns.qry.class', name: 'Class', type: FT.UINT16, base: Base.HEX, strings: CLASSES },
  qry_qu: { abbrev: 'dns.qry.qu', name: '"QU" question', type: FT.BOOLEAN, bits: 16, mask: 0x8000 },
  rr: { abbrev: 'dns.rr', name: 'Resource Record', type: FT.NONE },
  resp_name: { abbrev: 'dns.resp.name', name: 'Name', type: FT.STRING },
  resp_type: { abbrev: 'dns.resp.type', name: 'Type', type: FT.UINT16, strings: DNS_TYPES },
  resp_class: { abbrev: 'dns.resp.class', name: 'Class', type: FT.UINT16, base: Base.HEX, strings: CLASSES },
  resp_cache_flush: { abbrev: 'dns.resp.cache_flush', name: 'Cache flush', type: FT.BOOLEAN, bits: 16, mask: 0x8000 },
  resp_ttl: { abbrev: 'dns.resp.ttl', name: 'Time to live', type: FT.UINT32 },
  resp_len: { abbrev: 'dns.resp.len', name: 'Data length', type: FT.UINT16 },
  a: { abbrev: 'dns.a', name: 'Address', type: FT.IPV4 },
  aaaa: { abbrev: 'dns.aaaa', name: 'AAAA Address', type: FT.IPV6 },
  ns: { abbrev: 'dns.ns', name: 'Name Server', type: FT.STRING },
  cname: { abbrev: 'dns.cname', name: 'CNAME', type: FT.STRING },
  ptr: { abbrev: 'dns.ptr.domain_name', name: 'Domain Name', type: FT.STRING },
  dname: { abbrev: 'dns.dname', name: 'Dname', type: FT.STRING },
  mx_preference: { abbrev: 'dns.mx.preference', name: 'Preference', type: FT.UINT16 },
  mx_exchange: { abbrev: 'dns.mx.mail_exchange', name: 'Mail Exchange', type: FT.STRING },
  txt_length: { abbrev: 'dns.txt.length', name: 'TXT Length', type: FT.UINT8 },
  txt: { abbrev: 'dns.txt', name: 'TXT', type: FT.STRING },
  soa_mname: { abbrev: 'dns.soa.mname', name: 'Primary name server', type: FT.STRING },
  soa_rname: { abbrev: 'dns.soa.rname', name: 'Responsible authority\'s mailbox', type: FT.STRING },
  soa_serial: { abbrev: 'dns.soa.serial_number', name: 'Serial Number', type: FT.UINT32 },
  soa_refresh: { abbrev: 'dns.soa.refresh_interval', name: 'Refresh Interval', type: FT.UINT32 },
  soa_retry: { abbrev: 'dns.soa.retry_interval', name: 'Retry Interval', type: FT.UINT32 },
  soa_expire: { abbrev: 'dns.soa.expire_limit', name: 'Expire limit', type: FT.UINT32 },
  soa_minimum: { abbrev: 'dns.soa.minimum_ttl', name: 'Minimum TTL', type: FT.UINT32 },
  srv_service: { abbrev: 'dns.srv.service', name: 'Service', type: FT.STRING },
  srv_proto: { abbrev: 'dns.srv.proto', name: 'Protocol', type: FT.STRING },
  srv_name: { abbrev: 'dns.srv.name', name: 'Name', type: FT.STRING },
  srv_priority: { abbrev: 'dns.srv.priority', name: 'Priority', type: FT.UINT16 },
  srv_weight: { abbrev: 'dns.srv.weight', name: 'Weight', type: FT.UINT16 },
  srv_port: { abbrev: 'dns.srv.port', name: 'Port', type: FT.UINT16 },
  srv_target: { abbrev: 'dns.srv.target', name: 'Target', type: FT.STRING },
  caa_flags: { abbrev: 'dns.caa.flags', name: 'CAA Flags', type: FT.UINT8, base: Base.HEX },
  caa_critical: { abbrev: 'dns.caa.flags.issuer_critical', name: 'Issuer Critical', type: FT.BOOLEAN, bits: 8, mask: 0x80 },
  caa_tag_length: { abbrev: 'dns.caa.tag_length', name: 'Tag length', type: FT.UINT8 },
  caa_tag: { abbrev: 'dns.caa.tag', name: 'Tag', type: FT.STRING },
  caa_value: { abbrev: 'dns.caa.value', name: 'Value', type: FT.STRING },
  caa_issue: { abbrev: 'dns.caa.issue', name: 'Issue', type: FT.STRING },
  caa_issuewild: { abbrev: 'dns.caa.issuewild', name: 'Issue Wildcard', type: FT.STRING },
  caa_iodef: { abbrev: 'dns.caa.iodef', name: 'Report URL', type: FT.STRING },
  svcb_priority: { abbrev: 'dns.svcb.svcpriority', name: 'SvcPriority', type: FT.UINT16 },
  svcb_target: { abbrev: 'dns.svcb.targetname', name: 'TargetName', type: FT.STRING },
  svcb_param: { abbrev: 'dns.svcb.svcparam', name: 'SvcParam', type: FT.NONE },
  svcb_key: { abbrev: 'dns.svcb.svcparam.key', name: 'SvcParamKey', type: FT.UINT16, strings: SVC_KEYS },
  svcb_value_length: { abbrev: 'dns.svcb.svcparam.value.length', name: 'SvcParamValue length', type: FT.UINT16 },
  svcb_mandatory: { abbrev: 'dns.svcb.svcparam.mandatory.key', name: 'Mandatory key', type: FT.UINT16, strings: SVC_KEYS },
  svcb_alpn: { abbrev: 'dns.svcb.svcparam.alpn', name: 'ALPN', type: FT.STRING },
  svcb_port: { abbrev: 'dns.svcb.svcparam.port', name: 'Port', type: FT.UINT16 },
  svcb_ipv4hint: { abbrev: 'dns.svcb.svcparam.ipv4hint.ip', name: 'IP', type: FT.IPV4 },
  svcb_ipv6hint: { abbrev: 'dns.svcb.svcparam.ipv6hint.ip', name: 'IP', type: FT.IPV6 },
  svcb_ech: { abbrev: 'dns.svcb.svcparam.ech', name: 'ECHConfigList', type: FT.BYTES },
  svcb_value: { abbrev: 'dns.svcb.svcparam.value', name: 'SvcParamValue', type: FT.BYTES },
  opt_udp_size: { abbrev: 'dns.rr.udp_payload_size', name: 'UDP payload size', type: FT.UINT16 },
  opt_ext_rcode: { abbrev: 'dns.resp.ext_rcode', name: 'Higher bits in extended RCODE', type: FT.UINT8, base: Base.HEX },
  opt_version: { abbrev: 'dns.resp.edns0_version', name: 'EDNS0 version', type: FT.UINT8 },
  opt_z: { abbrev: 'dns.resp.z', name: 'Z', type: FT.UINT16, base: Base.HEX },
  opt_z_do: { abbrev: 'dns.resp.z.do', name: 'DO bit', type: FT.BOOLEAN, bits: 16, mask: 0x8000, tf: ['Accepts DNSSEC security RRs', 'Cannot handle DNSSEC security RRs'] },
  opt_z_reserved: { abbrev: 'dns.resp.z.reserved', name: 'Reserved', type: FT.UINT16, base: Base.HEX, bits: 16, mask: 0x7fff },
  opt: { abbrev: 'dns.opt', name: 'Option', type: FT.NONE },
  opt_code: { abbrev: 'dns.opt.code', name: 'Option Code', type: FT.UINT16, strings: EDNS_OPTS },
  opt_len: { abbrev: 'dns.opt.len', name: 'Option Length', type: FT.UINT16 },
  opt_data: { abbrev: 'dns.opt.data', name: 'Option Data', type: FT.BYTES },
  opt_client_family: { abbrev: 'dns.opt.client.family', name: 'Family', type: FT.UINT16 },
  opt_client_netmask: { abbrev: 'dns.opt.client.netmask', name: 'Source Netmask', type: FT.UINT8 },
  opt_client_scope: { abbrev: 'dns.opt.client.scope', name: 'Scope Netmask', type: FT.UINT8 },
  opt_client_addr4: { abbrev: 'dns.opt.client.addr4', name: 'Client Subnet', type: FT.IPV4 },
  opt_client_addr6: { abbrev: 'dns.opt.client.addr6', name: 'Client Subnet', type: FT.IPV6 },
  opt_cookie_client: { abbrev: 'dns.opt.cookie.client', name: 'Client Cookie', type: FT.BYTES },
  opt_cookie_server: { abbrev: 'dns.opt.cookie.server', name: 'Server Cookie', type: FT.BYTES },
  ds_key_id: { abbrev: 'dns.ds.key_id', name: 'Key id', type: FT.UINT16, base: Base.HEX },
  ds_algorithm: { abbrev: 'dns.ds.algorithm', name: 'Algorithm', type: FT.UINT8 },
  ds_digest_type: { abbrev: 'dns.ds.digest_type', name: 'Digest Type', type: FT.UINT8 },
  ds_digest: { abbrev: 'dns.ds.digest', name: 'Digest', type: FT.BYTES },
  dnskey_flags: { abbrev: 'dns.dnskey.flags', name: 'Flags', type: FT.UINT16, base: Base.HEX },
  dnskey_protocol: { abbrev: 'dns.dnskey.protocol', name: 'Protocol', type: FT.UINT8 },
  dnskey_algorithm: { abbrev: 'dns.dnskey.algorithm', name: 'Algorithm', type: FT.UINT8 },
  dnskey_key_id: { abbrev: 'dns.dnskey.key_id', name: 'Key id', type: FT.UINT16, generated: true },
  dnskey_public_key: { abbrev: 'dns.dnskey.public_key', name: 'Public Key', type: FT.BYTES },
  rrsig_type_covered: { abbrev: 'dns.rrsig.type_covered', name: 'Type Covered', type: FT.UINT16, strings: DNS_TYPES },
  rrsig_algorithm: { abbrev: 'dns.rrsig.algorithm', name: 'Algorithm', type: FT.UINT8 },
  rrsig_labels: { abbrev: 'dns.rrsig.labels', name: 'Labels', type: FT.UINT8 },
  rrsig_original_ttl: { abbrev: 'dns.rrsig.original_ttl', name: 'Original TTL', type: FT.UINT32 },
  rrsig_expiration: { abbrev: 'dns.rrsig.signature_expiration', name: 'Signature Expiration', type: FT.ABSOLUTE_TIME },
  rrsig_inception: { abbrev: 'dns.rrsig.signature_inception', name: 'Signature Inception', type: FT.ABSOLUTE_TIME },
  rrsig_key_tag: { abbrev: 'dns.rrsig.key_tag', name: 'Key Tag', type: FT.UINT16 },
  rrsig_signers_name: { abbrev: 'dns.rrsig.signers_name', name: "Signer's name", type: FT.STRING },
  rrsig_signature: { abbrev: 'dns.rrsig.signature', name: 'Signature', type: FT.BYTES },
  nsec_next: { abbrev: 'dns.nsec.next_domain_name', name: 'Next Domain Name', type: FT.STRING },
  nsec3_algo: { abbrev: 'dns.nsec3.algo', name: 'Hash algorithm', type: FT.UINT8, strings: { 1: 'SHA-1' } },
  nsec3_flags: { abbrev: 'dns.nsec3.flags', name: 'NSEC3 flags', type: FT.UINT8 },
  nsec3_opt_out: { abbrev: 'dns.nsec3.flags.opt_out', name: 'NSEC3 Opt-out flag', type: FT.BOOLEAN, bits: 8, mask: 0x01, tf: ['Additional insecure delegations allowed', 'Additional insecure delegations forbidden'] },
  nsec3_iterations: { abbrev: 'dns.nsec3.iterations', name: 'NSEC3 iterations', type: FT.UINT16 },
  nsec3_salt_length: { abbrev: 'dns.nsec3.salt_length', name: 'Salt length', type: FT.UINT8 },
  nsec3_salt_value: { abbrev: 'dns.nsec3.salt_value', name: 'Salt value', type: FT.BYTES },
  nsec3_hash_length: { abbrev: 'dns.nsec3.hash_length', name: 'Hash length', type: FT.UINT8 },
  nsec3_hash_value: { abbrev: 'dns.nsec3.hash_value', name: 'Next hashed owner', type: FT.STRING, generated: true },
  hinfo_cpu_length: { abbrev: 'dns.hinfo.cpu_length', name: 'CPU Length', type: FT.UINT8 },
  hinfo_cpu: { abbrev: 'dns.hinfo.cpu', name: 'CPU', type: FT.STRING },
  hinfo_os_length: { abbrev: 'dns.hinfo.os_length', name: 'OS Length', type: FT.UINT8 },
  hinfo_os: { abbrev: 'dns.hinfo.os', name: 'OS', type: FT.STRING },
  naptr_order: { abbrev: 'dns.naptr.order', name: 'Order', type: FT.UINT16 },
  naptr_preference: { abbrev: 'dns.naptr.preference', name: 'Preference', type: FT.UINT16 },
  naptr_flags: { abbrev: 'dns.naptr.flags', name: 'Flags', type: FT.STRING },
  data: { abbrev: 'dns.data', name: 'Data', type: FT.BYTES },
  response_in: { abbrev: 'dns.response_in', name: 'Response In', type: FT.FRAMENUM, generated: true },
  response_to: { abbrev: 'dns.response_to', name: 'Request In', type: FT.FRAMENUM, generated: true },
  time: { abbrev: 'dns.time', name: 'Time', type: FT.RELATIVE_TIME, generated: true, unit: ' seconds' },
  retransmission: { abbrev: 'dns.retransmission', name: 'Retransmission', type: FT.BOOLEAN, generated: true },
  retransmit_request_in: { abbrev: 'dns.retransmit_request_in', name: 'Retransmitted request. Original request in', type: FT.FRAMENUM, generated: true },
  retransmit_response_in: { abbrev: 'dns.retransmit_response_in', name: 'Retransmitted response. Original response in', type: FT.FRAMENUM, generated: true },
  unsolicited: { abbrev: 'dns.unsolicited', name: 'Unsolicited', type: FT.BOOLEAN, generated: true },
});

// --- limits

/** Named limits: every loop over hostile input is bounded by one of these or by the message length. */
export const DNS_LIMITS = {
  /** Compression pointers followed in one name (a loop ends here, marked malformed). */
  maxPointerHops: 64,
  /** Longest name in wire form (RFC 1035 3.1); longer names end there, marked malformed. */
  maxNameLength: 255,
  /** Queries waiting for a response, across the capture (oldest forgotten first). */
  maxPendingTransactions: 65536,
  /** A repeated query sooner than this (seconds) is a retransmission (Wireshark's dns.retransmission_timer). */
  retransmissionTimer: 5,
};

// --- names

/** Why a name could not be read completely (0: it could). */
export const enum NameError {
  None = 0,
  /** A label or pointer runs past the end of the message. */
  PastEnd,
  /** Too many compression pointers: a loop. */
  Loop,
  /** A label type other than a length or a pointer (RFC 6891 deprecates 0x40 extended labels). */
  BadLabel,
  /** Longer than 255 bytes. */
  TooLong,
}

/** Results of the last `readName` (module state, so reading a name allocates only its text). */
let nameEnd = 0;
let nameErr: NameError = NameError.None;
let nameLabels = 0;
/** Bytes of the name read last, as text without escapes: label bytes and the dots between them. */
let nameRawLen = 0;
let nameWireLen = 0;

const NAME_ERRORS = ['', 'name runs past the end of the message', 'compression pointer loop', 'unsupported label type', 'name longer than 255 bytes'];

/**
 * Reads the (possibly compressed) name at `off` in the message `[msg, end)` of `d`. Returns its text
 * (Wireshark's form: labels joined by dots, `<Root>` for the root) when `text` is true, else ''.
 * Sets `nameEnd` (the offset after the name where it starts, i.e. after the first pointer),
 * `nameErr`, `nameLabels` and `nameWireLen`.
 */
export function readName(d: Uint8Array, msg: number, end: number, off: number, text: boolean): string {
  let s = '';
  let p = off;
  let hops = 0;
  let wire = 0;
  let labels = 0;
  let rawLen = 0;
  let plain = true;
  nameEnd = -1;
  nameErr = NameError.None;
  for (;;) {
    if (p >= end) {
      nameErr = NameError.PastEnd;
      break;
    }
    const len = d[p]!;
    if (len === 0) {
      p++;
      wire++;
      break;
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (p + 1 >= end) {
        nameErr = NameError.PastEnd;
        break;
      }
      if (nameEnd < 0) nameEnd = p + 2;
      if (++hops > DNS_LIMITS.maxPointerHops) {
        nameErr = NameError.Loop;
        break;
      }
      const target = msg + (((len & 0x3f) << 8) | d[p + 1]!);
      if (target >= end) {
        nameErr = NameError.PastEnd;
        break;
      }
      p = target;
      continue;
    }
    if (kind !== 0) {
      nameErr = NameError.BadLabel;
      break;
    }
    if (p + 1 + len > end) {
      nameErr = NameError.PastEnd;
      break;
    }
    wire += len + 1;
    if (wire + 1 > DNS_LIMITS.maxNameLength) {
      nameErr = NameError.TooLong;
      break;
    }
    labels++;
    if (text) {
      if (labels > 1) nameBytes[rawLen++] = 0x2e;
      for (let i = p + 1; i <= p + len; i++) {
        const c = d[i]!;
        if (c < 0x20 || c >= 0x7f) plain = false;
        nameBytes[rawLen++] = c;
      }
    }
    p += 1 + len;
  }
  if (nameEnd < 0) nameEnd = nameErr === NameError.None ? p : Math.min(p, end);
  nameLabels = labels;
  nameWireLen = wire;
  nameRawLen = rawLen;
  if (text) {
    if (plain) s = latin1(nameBytes, 0, rawLen);
    else {
      s = escapeText(utf8.decode(nameBytes.subarray(0, rawLen)));
      // tshark counts the labels of the text: a dot inside a label counts as a separator.
      let dots = 0;
      for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 0x2e) dots++;
      nameLabels = rawLen ? dots + 1 : 0;
    }
    if (plain && rawLen) {
      let dots = 0;
      for (let i = 0; i < rawLen; i++) if (nameBytes[i] === 0x2e) dots++;
      nameLabels = dots + 1;
    }
    if (!rawLen && nameErr === NameError.None) s = '<Root>';
  }
  return s;
}

/** The bytes of the name being read, dots between labels (a name is at most 255 bytes). */
const nameBytes = new Uint8Array(DNS_LIMITS.maxNameLength + 64);
const utf8 = new TextDecoder('utf-8', { fatal: false });

const C_ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };

/**
 * Wireshark's text for a name that is not plain ASCII (format_text): the bytes read as UTF-8 (an
 * invalid sequence becomes U+FFFD), control characters as C escapes (`\t`) or three octal digits
 * (`\000`, `\177`); a backslash stays as it is.
 */
function escapeText(t: string): string {
  let out = '';
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c >= 0x20 && c !== 0x7f) out += t[i];
    else out += C_ESCAPES[c] ?? `\\${c.toString(8).padStart(3, '0')}`;
  }
  return out;
}

// --- per-message context

/** Which flavour of the protocol a message is (Protocol column, tree root, flag names). */
export const enum DnsKind {
  Dns = 0,
  Mdns = 1,
  Llmnr = 2,
}

const KIND_COL = ['DNS', 'MDNS', 'LLMNR'];
const KIND_LAYER = ['dns', 'mdns', 'llmnr'];

interface Pending {
  frame: number;
  sec: number;
  nsec: number;
  /** The frame of the first response, or 0. */
  rep: number;
}

/**
 * Conversation endpoints for pairing, as Wireshark's conversation (addresses and ports, either
 * direction): set by the transport before calling `decodeDnsMessage`.
 */
export interface DnsEndpoints {
  srcPort: number;
  dstPort: number;
  /** 'u' UDP or 't' TCP (separate conversations). */
  transport: string;
}

function endpointKey(pkt: Packet, ep: DnsEndpoints): string {
  const h = pkt.ipHdr;
  const n = pkt.ipVersion === 6 ? 16 : pkt.ipVersion === 4 ? 4 : 0;
  if (n === 0) return ep.transport;
  let cmp = 0;
  for (let i = 0; i < n && cmp === 0; i++) cmp = h[pkt.ipSrcOff + i]! - h[pkt.ipDstOff + i]!;
  const rev = cmp > 0 || (cmp === 0 && ep.srcPort > ep.dstPort);
  const a = rev ? pkt.ipDstOff : pkt.ipSrcOff;
  const b = rev ? pkt.ipSrcOff : pkt.ipDstOff;
  let s = ep.transport;
  for (let i = 0; i < n; i += 2) s += String.fromCharCode((h[a + i]! << 8) | h[a + i + 1]!);
  s += String.fromCharCode(rev ? ep.dstPort : ep.srcPort);
  for (let i = 0; i < n; i += 2) s += String.fromCharCode((h[b + i]! << 8) | h[b + i + 1]!);
  return s + String.fromCharCode(rev ? ep.srcPort : ep.dstPort);
}

/**
 * Pairs a query with its response (Wireshark's dns_transaction_t): the latest query with the same
 * id in the conversation. A second query within the retransmission timer before any answer is a
 * retransmission; a second answer is a retransmitted response.
 */
function track(pkt: Packet, top: number, ep: DnsEndpoints, id: number, response: boolean): void {
  const frame = pkt.frame.number;
  const s = pkt.session;
  trackPeer = 0;
  trackTime = 0;
  trackRetrans = false;
  if (pkt.fence > 0) return;
  let reqFrame = 0;
  let repFrame = 0;
  let retrans = false;
  let ms = 0;
  if (s.pass === 2) {
    reqFrame = annotation(pkt, frame, 'dns.req') ?? 0;
    repFrame = annotation(pkt, frame, 'dns.rep') ?? 0;
    retrans = annotation(pkt, frame, 'dns.retrans') === 1;
    ms = annotation(pkt, frame, 'dns.time') ?? 0;
  } else {
    const pending = sessionState(pkt, 'dns.trans', () => new Map<string, Pending>());
    const key = endpointKey(pkt, ep) + String.fromCharCode(id);
    const t = pending.get(key);
    if (!response) {
      if (t && t.rep === 0 && t.frame !== frame && timeDiff(pkt.frame.tsSec, pkt.frame.tsNsec, t.sec, t.nsec) < DNS_LIMITS.retransmissionTimer) {
        retrans = true;
        reqFrame = t.frame;
      } else {
        pending.delete(key);
        if (pending.size >= DNS_LIMITS.maxPendingTransactions) pending.delete(pending.keys().next().value as string);
        pending.set(key, { frame, sec: pkt.frame.tsSec, nsec: pkt.frame.tsNsec, rep: 0 });
        reqFrame = frame;
      }
    } else if (t && t.frame < frame) {
      reqFrame = t.frame;
      if (t.rep === 0 || t.rep === frame) {
        t.rep = frame;
        ms = timeDiff(pkt.frame.tsSec, pkt.frame.tsNsec, t.sec, t.nsec);
        annotate(pkt, t.frame, 'dns.rep', frame);
      } else {
        retrans = true;
        repFrame = t.rep;
      }
    }
    if (s.pass === 1) {
      if (response && reqFrame) annotate(pkt, frame, 'dns.req', reqFrame);
      if (!response && retrans) annotate(pkt, frame, 'dns.req', reqFrame);
      if (retrans) annotate(pkt, frame, 'dns.retrans', 1);
      if (response && retrans) annotate(pkt, frame, 'dns.rep', repFrame);
      if (response && !retrans && reqFrame) annotate(pkt, frame, 'dns.time', ms);
    }
    // A query's own response is known only in the second pass.
    if (!response && !retrans) reqFrame = 0;
  }
  trackPeer = response ? reqFrame : retrans ? 0 : repFrame;
  trackTime = response && reqFrame && !retrans ? ms : 0;
  trackRetrans = retrans;
  if (!response) {
    if (retrans && reqFrame) {
      pkt.addExpert(top, Severity.Warn, 'Protocol', 'dns.retransmit_request', `DNS query retransmission. Original request in frame ${reqFrame}`);
      pkt.add(F.retransmit_request_in, 0, 0, top, reqFrame);
      pkt.add(F.retransmission, 0, 0, top, 1);
    } else if (repFrame) {
      pkt.add(F.response_in, 0, 0, top, repFrame);
    }
  } else if (reqFrame) {
    if (retrans && repFrame) {
      pkt.addExpert(top, Severity.Warn, 'Protocol', 'dns.retransmit_response', `DNS response retransmission. Original response in frame ${repFrame}`);
      pkt.add(F.retransmit_response_in, 0, 0, top, repFrame);
      pkt.add(F.retransmission, 0, 0, top, 1);
    } else {
      pkt.add(F.response_to, 0, 0, top, reqFrame);
      pkt.add(F.time, 0, 0, top, ms);
    }
  } else if (s.pass !== 0) {
    pkt.add(F.unsolicited, 0, 0, top, 1);
  }
}

// --- tap (statistics read what the dissector found, without a tree)

/** One DNS message as `wirelite stats FILE dns` sees it. */
export interface DnsTapRecord {
  frame: number;
  response: boolean;
  opcode: number;
  rcode: number;
  /** The first question (name `<Root>` for the root; '' when there is none). */
  qname: string;
  qtype: number;
  /** Two-pass reads: a query's response frame (0: none), a response's query frame (0: none). */
  peer: number;
  /** A response's time since its query, in seconds (when paired). */
  time: number;
  /** A retransmitted query or response (tshark's dns.retransmission). */
  retransmission: boolean;
}

/** The tap, when statistics are collected (null otherwise: no cost). */
let tap: ((r: DnsTapRecord) => void) | null = null;
const tapRecord: DnsTapRecord = { frame: 0, response: false, opcode: 0, rcode: 0, qname: '', qtype: 0, peer: 0, time: 0, retransmission: false };

/** Sets (or clears) the DNS tap; the record passed to it is reused: copy what you keep. */
export function setDnsTap(fn: ((r: DnsTapRecord) => void) | null): void {
  tap = fn;
}

/** What `track` found for the current message (read by the tap). */
let trackPeer = 0;
let trackTime = 0;
let trackRetrans = false;

// --- decode

/** Marks a name that could not be read; returns false when the message cannot go on. */
function nameProblem(pkt: Packet, item: number): void {
  pkt.markMalformed(item, `Malformed Packet (DNS: ${NAME_ERRORS[nameErr]})`);
}

/**
 * Decodes one DNS message in `[off, end)` of the current data source (`rep` its reported end).
 * `ep` gives the ports for pairing; `tcpLen` >= 0 when the message came with a TCP length prefix at
 * `off - 2`.
 */
export function decodeDnsMessage(pkt: Packet, off: number, end: number, rep: number, parent: number, kind: DnsKind, ep: DnsEndpoints, tcpLen = -1): void {
  const d = pkt.data;
  const cols = pkt.wantColumns && pkt.fence === 0;
  const tree = pkt.tree;
  const top = pkt.addProtocol(kind === DnsKind.Llmnr ? F.llmnr : kind === DnsKind.Mdns ? F.mdns : F.dns, KIND_LAYER[kind]!, tcpLen >= 0 ? off - 2 : off, end - off + (tcpLen >= 0 ? 2 : 0), parent);
  pkt.setProtocol(KIND_COL[kind]!);
  if (tcpLen >= 0) pkt.add(F.length, off - 2, 2, top, tcpLen);
  const ex0 = pkt.expert.length;
  if (!need(pkt, off, 12, end, rep, top, KIND_COL[kind]!)) {
    if (cols) pkt.setInfo(cutShort(pkt, ex0) ? '[Packet size limited during capture]' : '');
    return;
  }
  const id = u16(d, off);
  const flags = u16(d, off + 2);
  const response = (flags & 0x8000) !== 0;
  const opcode = (flags >> 11) & 0xf;
  const rcode = flags & 0xf;
  const update = opcode === 5;
  // Wireshark appends the message's direction to the protocol item.
  if (pkt.wantLabels && top >= 0) pkt.setLabel(top, `${fieldById(pkt.fid[top]!).name} (${response ? 'response' : 'query'})`);
  const qd = u16(d, off + 4);
  const an = u16(d, off + 6);
  const ns = u16(d, off + 8);
  const ar = u16(d, off + 10);
  let info = '';
  if (cols) {
    info = `${OPCODES[opcode] ?? `Unknown operation (${opcode})`}${response ? ' response' : ''} 0x${id.toString(16).padStart(4, '0')}`;
    if (response && rcode !== 0) info += ` ${RCODES[rcode] ?? `Unknown error (${rcode})`}`;
  }
  pkt.add(F.id, off, 2, top, id);
  if (tree) {
    const fi = pkt.add(F.flags, off + 2, 2, top, flags);
    pkt.add(F.response, off + 2, 2, fi, response ? 1 : 0);
    pkt.add(F.opcode, off + 2, 2, fi, opcode);
    if (kind === DnsKind.Llmnr) {
      // Shown in queries too (tshark 4.0), where it means the sender saw several responses.
      const ci = pkt.add(F.conflict, off + 2, 2, fi, (flags >> 10) & 1);
      if (!response && pkt.wantLabels) pkt.setLabel(ci, `.... .${(flags >> 10) & 1}.. .... .... = Conflict: ${flags & 0x400 ? 'The sender received multiple responses' : 'None'}`);
      pkt.add(F.truncated, off + 2, 2, fi, (flags >> 9) & 1);
      pkt.add(F.tentative, off + 2, 2, fi, (flags >> 8) & 1);
      if (response) pkt.add(F.rcode, off + 2, 2, fi, rcode);
    } else {
      if (response) pkt.add(F.authoritative, off + 2, 2, fi, (flags >> 10) & 1);
      pkt.add(F.truncated, off + 2, 2, fi, (flags >> 9) & 1);
      pkt.add(F.recdesired, off + 2, 2, fi, (flags >> 8) & 1);
      if (response) pkt.add(F.recavail, off + 2, 2, fi, (flags >> 7) & 1);
      pkt.add(F.z, off + 2, 2, fi, (flags >> 6) & 1);
      if (response) pkt.add(F.authenticated, off + 2, 2, fi, (flags >> 5) & 1);
      else if (flags & 0x20) pkt.add(F.authenticated, off + 2, 2, fi, 1);
      pkt.add(F.checkdisable, off + 2, 2, fi, (flags >> 4) & 1);
      if (response) pkt.add(F.rcode, off + 2, 2, fi, rcode);
    }
    if (pkt.wantLabels) {
      let t = `Flags: 0x${flags.toString(16).padStart(4, '0')} ${OPCODES[opcode] ?? 'Unknown operation'}${response ? ' response' : ''}`;
      if (response) t += `, ${RCODES[rcode] ?? 'Unknown error'}`;
      pkt.setLabel(fi, t);
    }
    pkt.add(update ? F.count_zones : F.count_queries, off + 4, 2, top, qd);
    pkt.add(update ? F.count_prerequisites : F.count_answers, off + 6, 2, top, an);
    pkt.add(update ? F.count_updates : F.count_auth_rr, off + 8, 2, top, ns);
    pkt.add(F.count_add_rr, off + 10, 2, top, ar);
  }
  let p = off + 12;
  let ok = true;
  if (qd > 0) {
    const sec = tree ? pkt.add(update ? F.queries : F.queries, p, 0, top) : -1;
    if (pkt.wantLabels && update) pkt.setLabel(sec, 'Zone');
    for (let i = 0; i < qd; i++) {
      const r = question(pkt, p, off, end, rep, sec, kind, cols);
      if (cols) info += qInfo;
      if (r < 0) {
        ok = false;
        break;
      }
      p = r;
    }
    pkt.setLength(sec, p - (off + 12));
  }
  const counts = [an, ns, ar];
  const secF = [F.answers, F.authorities, F.additionals];
  const secNames = update ? ['Prerequisites', 'Updates', 'Additional records'] : ['Answers', 'Authoritative nameservers', 'Additional records'];
  for (let s = 0; s < 3 && ok; s++) {
    const n = counts[s]!;
    if (n === 0) continue;
    const secStart = p;
    const sec = tree ? pkt.add(secF[s]!, p, 0, top) : -1;
    if (pkt.wantLabels && update) pkt.setLabel(sec, secNames[s]!);
    for (let i = 0; i < n; i++) {
      const r = record(pkt, p, off, end, rep, sec, kind, cols);
      if (cols) info += rrInfo;
      if (r < 0) {
        ok = false;
        break;
      }
      p = r;
    }
    pkt.setLength(sec, p - secStart);
  }
  pkt.setLength(top, Math.min(end, p) - off + (tcpLen >= 0 ? 2 : 0));
  track(pkt, top, ep, id, response);
  if (tap && pkt.fence === 0 && pkt.session.pass !== 1) {
    const t = tapRecord;
    t.frame = pkt.frame.number;
    t.response = response;
    t.opcode = opcode;
    t.rcode = rcode;
    t.qname = qd > 0 ? readName(d, off, end, off + 12, true) : '';
    t.qtype = qd > 0 && nameErr === NameError.None && nameEnd + 2 <= end ? u16(d, nameEnd) : 0;
    if (nameErr !== NameError.None) t.qname = '';
    t.peer = trackPeer;
    t.time = trackTime;
    t.retransmission = trackRetrans;
    tap(t);
  }
  // As tshark: a message cut by the snap length says so at the end of the Info column.
  if (cols && !ok && cutShort(pkt, ex0)) info += '[Packet size limited during capture]';
  if (cols) pkt.setInfo(info);
}

/** Whether an expert item added since index `from` says the capture was cut short (snap length). */
function cutShort(pkt: Packet, from: number): boolean {
  for (let i = from; i < pkt.expert.length; i++) if (pkt.expert[i]!.abbrev === '_ws.short') return true;
  return false;
}

/** Info text of the last question/record (valid only when columns are wanted). */
let qInfo = '';
let rrInfo = '';

/** One question; returns the offset after it, or -1 (malformed: the message ends here). */
function question(pkt: Packet, p: number, msg: number, end: number, rep: number, parent: number, kind: DnsKind, cols: boolean): number {
  const d = pkt.data;
  qInfo = '';
  const text = cols || pkt.tree;
  const name = readName(d, msg, end, p, text);
  if (nameErr !== NameError.None) {
    if (nameErr === NameError.PastEnd) need(pkt, end, 1, end, rep, parent, 'DNS query name');
    else nameProblem(pkt, parent);
    return -1;
  }
  const nEnd = nameEnd;
  if (!need(pkt, nEnd, 4, end, rep, parent, 'DNS query')) return -1;
  const type = u16(d, nEnd);
  const cls = u16(d, nEnd + 2);
  const mdns = kind === DnsKind.Mdns;
  const q = pkt.add(F.query, p, nEnd + 4 - p, parent);
  pkt.add(F.qry_name, p, nEnd - p, q, 0, name);
  if (pkt.tree) {
    pkt.add(F.qry_name_len, p, 0, q, name === '<Root>' ? 6 : nameRawLen);
    pkt.add(F.count_labels, p, 0, q, nameLabels);
  }
  pkt.add(F.qry_type, nEnd, 2, q, type);
  if (pkt.tree) {
    pkt.add(F.qry_class, nEnd + 2, 2, q, mdns ? cls & 0x7fff : cls);
    if (mdns) pkt.add(F.qry_qu, nEnd + 2, 2, q, cls >> 15);
  }
  if (pkt.wantLabels) pkt.setLabel(q, `${name}: type ${dnsTypeName(type)}, class ${CLASSES[mdns ? cls & 0x7fff : cls] ?? `Unknown (0x${cls.toString(16)})`}${mdns ? `, "${cls & 0x8000 ? 'QU' : 'QM'}" question` : ''}`);
  if (cols) qInfo = mdns ? ` ${dnsTypeName(type)} ${name}, "${cls & 0x8000 ? 'QU' : 'QM'}" question` : ` ${dnsTypeName(type)} ${name}`;
  return nEnd + 4;
}

/** One resource record; returns the offset after it, or -1 (malformed: the message ends here). */
function record(pkt: Packet, p: number, msg: number, end: number, rep: number, parent: number, kind: DnsKind, cols: boolean): number {
  const d = pkt.data;
  rrInfo = '';
  const tree = pkt.tree;
  const names = pkt.session.names;
  // -N nd: an A or AAAA record teaches its name (in the first pass of two, which keeps no tree or
  // text; the second uses what the whole capture taught, as tshark -2).
  const learn = names !== undefined && names.learnsDns && pkt.fence === 0 && pkt.session.pass !== 2;
  const text = cols || tree || learn;
  const name = readName(d, msg, end, p, text);
  if (nameErr !== NameError.None) {
    if (nameErr === NameError.PastEnd) need(pkt, end, 1, end, rep, parent, 'DNS record name');
    else nameProblem(pkt, parent);
    return -1;
  }
  const nEnd = nameEnd;
  if (!need(pkt, nEnd, 10, end, rep, parent, 'DNS resource record')) return -1;
  const type = u16(d, nEnd);
  const cls = u16(d, nEnd + 2);
  const ttl = u32(d, nEnd + 4);
  const rdlen = u16(d, nEnd + 8);
  const rd = nEnd + 10;
  const rdEnd = rd + rdlen;
  const mdns = kind === DnsKind.Mdns;
  const flush = mdns && type !== 41 && (cls & 0x8000) !== 0;
  const rr = tree ? pkt.add(F.rr, p, Math.min(rdEnd, end) - p, parent) : -1;
  if (cols) rrInfo = flush ? ` ${dnsTypeName(type)}, cache flush` : ` ${dnsTypeName(type)}`;
  if (type === 41) return opt(pkt, p, nEnd, rd, rdEnd, end, rep, rr, name, cls, ttl, rdlen);
  if (tree) {
    const a = type === 33 ? name.indexOf('.') : -1;
    const b = a > 0 ? name.indexOf('.', a + 1) : -1;
    if (b > 0) {
      // Wireshark splits an SRV owner `_service._proto.name` into its three parts (RFC 2782).
      pkt.add(F.srv_service, p, nEnd - p, rr, 0, name.slice(0, a));
      pkt.add(F.srv_proto, p, nEnd - p, rr, 0, name.slice(a + 1, b));
      pkt.add(F.srv_name, p, nEnd - p, rr, 0, name.slice(b + 1));
    } else pkt.add(F.resp_name, p, nEnd - p, rr, 0, name);
    pkt.add(F.resp_type, nEnd, 2, rr, type);
    pkt.add(F.resp_class, nEnd + 2, 2, rr, mdns ? cls & 0x7fff : cls);
    if (mdns) pkt.add(F.resp_cache_flush, nEnd + 2, 2, rr, cls >> 15);
    pkt.add(F.resp_ttl, nEnd + 4, 4, rr, ttl);
    pkt.add(F.resp_len, nEnd + 8, 2, rr, rdlen);
  }
  let summary = '';
  /** The summary belongs in the tree label only (Wireshark's Info shows just the type). */
  let labelOnly = false;
  if (!need(pkt, rd, rdlen, end, rep, rr, `DNS ${dnsTypeName(type)} record data`)) return -1;
  let bad = false;
  // Empty data (a dynamic update deleting an RRset, RFC 2136 2.5.2) has nothing to decode.
  switch (rdlen === 0 ? -1 : type) {
    case -1:
      break;
    case 1: // A
      if (rdlen !== 4) {
        bad = true;
        break;
      }
      pkt.add(F.a, rd, 4, rr, u32(d, rd));
      if (learn) names.learn(formatIPv4At(d, rd), name);
      if (text) summary = formatIPv4At(d, rd);
      break;
    case 28: // AAAA
      if (rdlen !== 16) {
        bad = true;
        break;
      }
      pkt.add(F.aaaa, rd, 16, rr);
      if (learn) names.learn(formatIPv6(d, rd), name);
      if (text) summary = formatIPv6(d, rd);
      break;
    case 2: case 5: case 12: case 39: { // NS, CNAME, PTR, DNAME
      const n = readName(d, msg, end, rd, text);
      if (nameErr !== NameError.None || nameEnd > rdEnd) {
        bad = true;
        break;
      }
      pkt.add(type === 2 ? F.ns : type === 5 ? F.cname : type === 12 ? F.ptr : F.dname, rd, rdlen, rr, 0, n);
      summary = n;
      break;
    }
    case 15: { // MX
      if (rdlen < 3) {
        bad = true;
        break;
      }
      const pref = u16(d, rd);
      const n = readName(d, msg, end, rd + 2, text);
      if (nameErr !== NameError.None || nameEnd > rdEnd) {
        bad = true;
        break;
      }
      pkt.add(F.mx_preference, rd, 2, rr, pref);
      pkt.add(F.mx_exchange, rd + 2, rdEnd - rd - 2, rr, 0, n);
      if (text) summary = `${pref} ${n}`;
      break;
    }
    case 16: case 99: { // TXT, SPF
      let q = rd;
      while (q < rdEnd) {
        const l = d[q]!;
        if (q + 1 + l > rdEnd) {
          bad = true;
          break;
        }
        if (tree) {
          pkt.add(F.txt_length, q, 1, rr, l);
          pkt.add(F.txt, q + 1, l, rr, 0, latin1(d, q + 1, l));
        }
        q += 1 + l;
      }
      break;
    }
    case 6: { // SOA
      const m = readName(d, msg, end, rd, text);
      if (nameErr !== NameError.None || nameEnd > rdEnd) {
        bad = true;
        break;
      }
      const mEnd = nameEnd;
      const r = readName(d, msg, end, mEnd, tree);
      if (nameErr !== NameError.None || nameEnd + 20 > rdEnd) {
        bad = true;
        break;
      }
      const t = nameEnd;
      summary = m;
      if (tree) {
        pkt.add(F.soa_mname, rd, mEnd - rd, rr, 0, m);
        pkt.add(F.soa_rname, mEnd, t - mEnd, rr, 0, r);
        pkt.add(F.soa_serial, t, 4, rr, u32(d, t));
        pkt.add(F.soa_refresh, t + 4, 4, rr, u32(d, t + 4));
        pkt.add(F.soa_retry, t + 8, 4, rr, u32(d, t + 8));
        pkt.add(F.soa_expire, t + 12, 4, rr, u32(d, t + 12));
        pkt.add(F.soa_minimum, t + 16, 4, rr, u32(d, t + 16));
      }
      break;
    }
    case 33: { // SRV
      if (rdlen < 7) {
        bad = true;
        break;
      }
      const n = readName(d, msg, end, rd + 6, text);
      if (nameErr !== NameError.None || nameEnd > rdEnd) {
        bad = true;
        break;
      }
      const pr = u16(d, rd);
      const w = u16(d, rd + 2);
      const port = u16(d, rd + 4);
      pkt.add(F.srv_priority, rd, 2, rr, pr);
      pkt.add(F.srv_weight, rd + 2, 2, rr, w);
      pkt.add(F.srv_port, rd + 4, 2, rr, port);
      pkt.add(F.srv_target, rd + 6, rdEnd - rd - 6, rr, 0, n);
      if (text) summary = `${pr} ${w} ${port} ${n}`;
      break;
    }
    case 257: { // CAA
      if (rdlen < 2 || 2 + d[rd + 1]! > rdlen) {
        bad = true;
        break;
      }
      const fl = d[rd]!;
      const tl = d[rd + 1]!;
      const tag = latin1(d, rd + 2, tl);
      const value = latin1(d, rd + 2 + tl, rdlen - 2 - tl);
      if (tree) {
        const fi = pkt.add(F.caa_flags, rd, 1, rr, fl);
        pkt.add(F.caa_critical, rd, 1, fi, fl >> 7);
        pkt.add(F.caa_tag_length, rd + 1, 1, rr, tl);
        pkt.add(F.caa_tag, rd + 2, tl, rr, 0, tag);
        const vf = tag === 'issue' ? F.caa_issue : tag === 'issuewild' ? F.caa_issuewild : tag === 'iodef' ? F.caa_iodef : F.caa_value;
        pkt.add(vf, rd + 2 + tl, rdlen - 2 - tl, rr, 0, value);
      }
      labelOnly = true;
      if (text) summary = `${tag}: ${value}`;
      break;
    }
    case 64: case 65: // SVCB, HTTPS
      bad = !svcb(pkt, d, msg, rd, rdEnd, end, rr, text);
      summary = svcSummary;
      labelOnly = true;
      break;
    case 43: case 59: // DS, CDS
      if (rdlen < 4) {
        bad = true;
        break;
      }
      if (tree) {
        pkt.add(F.ds_key_id, rd, 2, rr, u16(d, rd));
        pkt.add(F.ds_algorithm, rd + 2, 1, rr, d[rd + 2]!);
        pkt.add(F.ds_digest_type, rd + 3, 1, rr, d[rd + 3]!);
        pkt.add(F.ds_digest, rd + 4, rdlen - 4, rr);
      }
      break;
    case 48: case 60: // DNSKEY, CDNSKEY
      if (rdlen < 4) {
        bad = true;
        break;
      }
      if (tree) {
        pkt.add(F.dnskey_flags, rd, 2, rr, u16(d, rd));
        pkt.add(F.dnskey_protocol, rd + 2, 1, rr, d[rd + 2]!);
        pkt.add(F.dnskey_algorithm, rd + 3, 1, rr, d[rd + 3]!);
        pkt.add(F.dnskey_key_id, rd, rdlen, rr, keyTag(d, rd, rdlen));
        pkt.add(F.dnskey_public_key, rd + 4, rdlen - 4, rr);
      }
      break;
    case 46: { // RRSIG
      if (rdlen < 19) {
        bad = true;
        break;
      }
      const signer = readName(d, msg, end, rd + 18, tree);
      if (nameErr !== NameError.None || nameEnd > rdEnd) {
        bad = true;
        break;
      }
      if (tree) {
        pkt.add(F.rrsig_type_covered, rd, 2, rr, u16(d, rd));
        pkt.add(F.rrsig_algorithm, rd + 2, 1, rr, d[rd + 2]!);
        pkt.add(F.rrsig_labels, rd + 3, 1, rr, d[rd + 3]!);
        pkt.add(F.rrsig_original_ttl, rd + 4, 4, rr, u32(d, rd + 4));
        pkt.add(F.rrsig_expiration, rd + 8, 4, rr, 0, { tsSec: u32(d, rd + 8), tsNsec: 0 });
        pkt.add(F.rrsig_inception, rd + 12, 4, rr, 0, { tsSec: u32(d, rd + 12), tsNsec: 0 });
        pkt.add(F.rrsig_key_tag, rd + 16, 2, rr, u16(d, rd + 16));
        pkt.add(F.rrsig_signers_name, rd + 18, nameEnd - rd - 18, rr, 0, signer);
        pkt.add(F.rrsig_signature, nameEnd, rdEnd - nameEnd, rr);
      }
      break;
    }
    case 47: { // NSEC
      const next = readName(d, msg, end, rd, text);
      if (nameErr !== NameError.None || nameEnd > rdEnd) {
        bad = true;
        break;
      }
      summary = next;
      if (tree) pkt.add(F.nsec_next, rd, nameEnd - rd, rr, 0, next);
      if (!typeBitmaps(pkt, d, nameEnd, rdEnd, rr)) bad = true;
      break;
    }
    case 50: { // NSEC3 (RFC 5155 3.2): hash algorithm, flags, iterations, salt, next hashed owner, type bit maps
      const saltLen = rdlen >= 5 ? d[rd + 4]! : 0;
      const hashAt = rd + 5 + saltLen;
      const hashLen = hashAt < rdEnd ? d[hashAt]! : 0;
      if (rdlen < 5 || hashAt + 1 + hashLen > rdEnd) {
        bad = true;
        break;
      }
      if (tree) {
        pkt.add(F.nsec3_algo, rd, 1, rr, d[rd]!);
        const fl = pkt.add(F.nsec3_flags, rd + 1, 1, rr, d[rd + 1]!);
        pkt.add(F.nsec3_opt_out, rd + 1, 1, fl, d[rd + 1]! & 1);
        pkt.add(F.nsec3_iterations, rd + 2, 2, rr, u16(d, rd + 2));
        pkt.add(F.nsec3_salt_length, rd + 4, 1, rr, saltLen);
        pkt.add(F.nsec3_salt_value, rd + 5, saltLen, rr);
        pkt.add(F.nsec3_hash_length, hashAt, 1, rr, hashLen);
        pkt.add(F.nsec3_hash_value, hashAt + 1, hashLen, rr, 0, base32hex(d, hashAt + 1, hashLen));
      }
      if (!typeBitmaps(pkt, d, hashAt + 1 + hashLen, rdEnd, rr)) bad = true;
      break;
    }
    case 13: { // HINFO: CPU and OS character strings
      if (rdlen < 2 || 1 + d[rd]! >= rdlen || 2 + d[rd]! + d[rd + 1 + d[rd]!]! > rdlen) {
        bad = true;
        break;
      }
      const cl = d[rd]!;
      const ol = d[rd + 1 + cl]!;
      const cpu = latin1(d, rd + 1, cl);
      const os = latin1(d, rd + 2 + cl, ol);
      if (tree) {
        pkt.add(F.hinfo_cpu_length, rd, 1, rr, cl);
        pkt.add(F.hinfo_cpu, rd + 1, cl, rr, 0, cpu);
        pkt.add(F.hinfo_os_length, rd + 1 + cl, 1, rr, ol);
        pkt.add(F.hinfo_os, rd + 2 + cl, ol, rr, 0, os);
      }
      if (text) summary = `${cpu} ${os}`;
      break;
    }
    case 35: { // NAPTR: order, preference, flags (then service, regexp, replacement, shown as data)
      if (rdlen < 5 || 5 + d[rd + 4]! > rdlen) {
        bad = true;
        break;
      }
      const order = u16(d, rd);
      const pref = u16(d, rd + 2);
      const fl = latin1(d, rd + 5, d[rd + 4]!);
      if (tree) {
        pkt.add(F.naptr_order, rd, 2, rr, order);
        pkt.add(F.naptr_preference, rd + 2, 2, rr, pref);
        pkt.add(F.naptr_flags, rd + 5, d[rd + 4]!, rr, 0, fl);
        pkt.add(F.data, rd, rdlen, rr);
      }
      if (text) summary = `${order} ${pref} ${fl}`;
      break;
    }
    default:
      if (rdlen > 0 && tree) pkt.add(F.data, rd, rdlen, rr);
  }
  if (bad) {
    pkt.markMalformed(rr >= 0 ? rr : parent, `Malformed Packet (DNS: bad ${dnsTypeName(type)} record data)`);
    return -1;
  }
  if (cols && summary && !labelOnly) rrInfo += ` ${summary}`;
  if (pkt.wantLabels) pkt.setLabel(rr, `${name}: type ${dnsTypeName(type)}, class ${CLASSES[mdns ? cls & 0x7fff : cls] ?? `Unknown (0x${cls.toString(16)})`}${flush ? ', cache flush' : ''}${summary ? `, ${rrLabelWord(type)} ${summary}` : ''}`);
  return rdEnd;
}

function rrLabelWord(type: number): string {
  switch (type) {
    case 1: case 28: return 'addr';
    case 2: return 'ns';
    case 5: return 'cname';
    case 6: return 'mname';
    case 12: return 'domain name';
    case 15: return 'preference/mx';
    case 33: return 'priority/weight/port/target';
    default: return 'data';
  }
}

/** The EDNS(0) pseudo-record (RFC 6891 6.1.2): class is the UDP payload size, TTL the extended flags. */
function opt(pkt: Packet, p: number, nEnd: number, rd: number, rdEnd: number, end: number, rep: number, rr: number, name: string, cls: number, ttl: number, rdlen: number): number {
  const d = pkt.data;
  if (pkt.tree) {
    pkt.add(F.resp_name, p, nEnd - p, rr, 0, name);
    pkt.add(F.resp_type, nEnd, 2, rr, 41);
    pkt.add(F.opt_udp_size, nEnd + 2, 2, rr, cls);
    pkt.add(F.opt_ext_rcode, nEnd + 4, 1, rr, ttl >>> 24);
    pkt.add(F.opt_version, nEnd + 5, 1, rr, (ttl >>> 16) & 0xff);
    const z = ttl & 0xffff;
    const zi = pkt.add(F.opt_z, nEnd + 6, 2, rr, z);
    pkt.add(F.opt_z_do, nEnd + 6, 2, zi, z >> 15);
    pkt.add(F.opt_z_reserved, nEnd + 6, 2, zi, z & 0x7fff);
    pkt.add(F.resp_len, nEnd + 8, 2, rr, rdlen);
  }
  if (pkt.wantLabels) pkt.setLabel(rr, `${name}: type OPT`);
  if (!need(pkt, rd, rdlen, end, rep, rr, 'DNS OPT record data')) return -1;
  let q = rd;
  while (q < rdEnd) {
    if (q + 4 > rdEnd) {
      pkt.markMalformed(rr, 'Malformed Packet (DNS: truncated EDNS option)');
      return -1;
    }
    const code = u16(d, q);
    const len = u16(d, q + 2);
    const v = q + 4;
    if (v + len > rdEnd) {
      pkt.markMalformed(rr, `Malformed Packet (DNS: EDNS option ${code} length ${len} past the record)`);
      return -1;
    }
    if (pkt.tree) {
      const o = pkt.add(F.opt, q, 4 + len, rr);
      if (pkt.wantLabels) pkt.setLabel(o, `Option: ${EDNS_OPTS[code] ?? `Unknown (${code})`}`);
      pkt.add(F.opt_code, q, 2, o, code);
      pkt.add(F.opt_len, q + 2, 2, o, len);
      // Wireshark shows every option's value as dns.opt.data, then what it dissects of it.
      if (len > 0) pkt.add(F.opt_data, v, len, o);
      if (code === 8 && len >= 4) {
        // Client subnet (RFC 7871 6): the address is truncated to the source prefix length.
        const family = u16(d, v);
        pkt.add(F.opt_client_family, v, 2, o, family);
        pkt.add(F.opt_client_netmask, v + 2, 1, o, d[v + 2]!);
        pkt.add(F.opt_client_scope, v + 3, 1, o, d[v + 3]!);
        const alen = len - 4;
        if (family === 1 && alen <= 4) {
          let a = 0;
          for (let k = 0; k < 4; k++) a = a * 256 + (k < alen ? d[v + 4 + k]! : 0);
          pkt.add(F.opt_client_addr4, v + 4, alen, o, a);
        } else if (family === 2 && alen <= 16) {
          const b = new Uint8Array(16);
          b.set(d.subarray(v + 4, v + 4 + alen));
          pkt.add(F.opt_client_addr6, v + 4, alen, o, 0, b);
        }
      } else if (code === 10 && len >= 8) {
        pkt.add(F.opt_cookie_client, v, 8, o);
        // Without a server cookie tshark still shows the (empty) field.
        pkt.add(F.opt_cookie_server, v + 8, len - 8, o);
      }
    }
    q = v + len;
  }
  return rdEnd;
}

let svcSummary = '';

/** SVCB/HTTPS RDATA (RFC 9460 2.2): priority, target name, then key-sorted parameters. */
function svcb(pkt: Packet, d: Uint8Array, msg: number, rd: number, rdEnd: number, end: number, rr: number, text: boolean): boolean {
  svcSummary = '';
  if (rdEnd - rd < 3) return false;
  const prio = u16(d, rd);
  // The target name is not compressed (RFC 9460 2.2), but reading through the message is harmless.
  const target = readName(d, msg, Math.min(end, rdEnd), rd + 2, text);
  if (nameErr !== NameError.None) return false;
  pkt.add(F.svcb_priority, rd, 2, rr, prio);
  pkt.add(F.svcb_target, rd + 2, nameEnd - rd - 2, rr, 0, target);
  if (text) svcSummary = `${prio} ${target}`;
  let q = nameEnd;
  while (q < rdEnd) {
    if (q + 4 > rdEnd) return false;
    const key = u16(d, q);
    const len = u16(d, q + 2);
    const v = q + 4;
    if (v + len > rdEnd) return false;
    if (pkt.tree) {
      const pi = pkt.add(F.svcb_param, q, 4 + len, rr);
      pkt.add(F.svcb_key, q, 2, pi, key);
      pkt.add(F.svcb_value_length, q + 2, 2, pi, len);
      const names: string[] = [];
      switch (key) {
        case 0:
          for (let k = v; k + 2 <= v + len; k += 2) pkt.add(F.svcb_mandatory, k, 2, pi, u16(d, k));
          break;
        case 1:
          for (let k = v; k < v + len; ) {
            const l = d[k]!;
            if (k + 1 + l > v + len) break;
            const s = latin1(d, k + 1, l);
            names.push(s);
            pkt.add(F.svcb_alpn, k + 1, l, pi, 0, s);
            k += 1 + l;
          }
          break;
        case 3:
          if (len === 2) pkt.add(F.svcb_port, v, 2, pi, u16(d, v));
          break;
        case 4:
          for (let k = v; k + 4 <= v + len; k += 4) pkt.add(F.svcb_ipv4hint, k, 4, pi, u32(d, k));
          break;
        case 6:
          for (let k = v; k + 16 <= v + len; k += 16) pkt.add(F.svcb_ipv6hint, k, 16, pi);
          break;
        case 5:
          pkt.add(F.svcb_ech, v, len, pi);
          break;
        default:
          if (len) pkt.add(F.svcb_value, v, len, pi);
      }
      if (pkt.wantLabels) pkt.setLabel(pi, `SvcParam: ${SVC_KEYS[key] ?? `key${key}`}${names.length ? `=${names.join(',')}` : ''}`);
    }
    q = v + len;
  }
  return true;
}

/** Base 32 with the extended hex alphabet, lower case, no padding (RFC 4648 7; NSEC3's hashed names). */
function base32hex(d: Uint8Array, off: number, len: number): string {
  const A = '0123456789abcdefghijklmnopqrstuv';
  let out = '';
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < len; i++) {
    acc = ((acc & 0xff) << 8) | d[off + i]!;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += A[(acc >> bits) & 31];
    }
  }
  if (bits > 0) out += A[(acc << (5 - bits)) & 31];
  return out;
}

/** NSEC/NSEC3 type bit maps (RFC 4034 4.1.2): one item per type present (as `dns.resp.type`, as Wireshark). */
function typeBitmaps(pkt: Packet, d: Uint8Array, q: number, end: number, rr: number): boolean {
  while (q < end) {
    if (q + 2 > end) return false;
    const win = d[q]!;
    const len = d[q + 1]!;
    if (len < 1 || len > 32 || q + 2 + len > end) return false;
    if (pkt.tree) {
      for (let i = 0; i < len; i++) {
        const b = d[q + 2 + i]!;
        for (let bit = 0; bit < 8; bit++) if (b & (0x80 >> bit)) pkt.add(F.resp_type, q + 2 + i, 1, rr, win * 256 + i * 8 + bit);
      }
    }
    q += 2 + len;
  }
  return true;
}

/** RFC 4034 Appendix B key tag. */
function keyTag(d: Uint8Array, off: number, len: number): number {
  let ac = 0;
  for (let i = 0; i < len; i++) ac += i & 1 ? d[off + i]! : d[off + i]! << 8;
  ac += (ac >> 16) & 0xffff;
  return ac & 0xffff;
}

function latin1(d: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(d[off + i]!);
  return s;
}

// --- transports

/** Ports of the datagram being dissected, from the UDP header just before the message. */
const udpEp: DnsEndpoints = { srcPort: 0, dstPort: 0, transport: 'u' };

function kindOfPorts(a: number, b: number): DnsKind {
  // Wireshark tries the lower port first.
  const lo = a < b ? a : b;
  const hi = a < b ? b : a;
  for (const p of [lo, hi]) {
    if (p === 53) return DnsKind.Dns;
    if (p === 5353) return DnsKind.Mdns;
    if (p === 5355) return DnsKind.Llmnr;
  }
  return DnsKind.Dns;
}

const tcpEp: DnsEndpoints = { srcPort: 0, dstPort: 0, transport: 't' };

/** One length-prefixed message from a reassembled TCP stream (RFC 7766 8). */
export function decodeDnsTcp(pkt: Packet, off: number, end: number, _rep: number, parent: number): void {
  tcpEp.srcPort = pkt.srcPort;
  tcpEp.dstPort = pkt.dstPort;
  const len = u16(pkt.data, off);
  decodeDnsMessage(pkt, off + 2, Math.min(end, off + 2 + len), off + 2 + len, parent, kindOfPorts(pkt.srcPort, pkt.dstPort), tcpEp, len);
}

/**
 * DNS, mDNS and LLMNR over UDP are three dissectors, as in Wireshark (`udp.port` 53 dns, 5353 mdns,
 * 5355 llmnr): the dissector, not the port, says which, so `-d udp.port==5354,mdns` decodes mDNS.
 */
function udpDecoder(kind: DnsKind) {
  return (pkt: Packet, off: number, end: number, rep: number, parent: number): void => {
    // An empty datagram is not handed to DNS (Wireshark's UDP calls no subdissector for it).
    if (rep <= off) return;
    udpEp.srcPort = pkt.srcPort;
    udpEp.dstPort = pkt.dstPort;
    decodeDnsMessage(pkt, off, end, rep, parent, kind, udpEp);
  };
}
const decodeUdp = udpDecoder(DnsKind.Dns);

/** Header offsets and limits of Wireshark's DNS-over-UDP heuristic (packet-dns.c, "dns_udp"). */
const HEUR = { hdrLen: 12, maxAnswers: 100, maxAuthority: 10, maxAdditional: 10 } as const;

/**
 * Wireshark's UDP heuristic for DNS on ports no dissector claims ("dns_udp", enabled by default in
 * 4.0): opcode 0 (a standard query or its response) with more than a header; a query has one
 * question and no answers or authority records, a response at most one question, 100 answers and
 * 10 authority records; at most 10 additional records. Nothing else: tshark 4.0 takes a response
 * with no records at all, and does not check that the records fit (test/dissectors/heuristics.test.ts
 * probes each limit against it).
 */
export function looksLikeDns(d: Uint8Array, off: number, end: number, rep: number): boolean {
  if (rep - off <= HEUR.hdrLen || off + HEUR.hdrLen > end) return false;
  const flags = u16(d, off + 2);
  if (flags & 0x7800) return false;
  const qd = u16(d, off + 4);
  const an = u16(d, off + 6);
  const ns = u16(d, off + 8);
  const ar = u16(d, off + 10);
  if (!(flags & 0x8000)) {
    if (qd !== 1 || an !== 0 || ns !== 0) return false;
  } else if (qd > 1 || an > HEUR.maxAnswers || ns > HEUR.maxAuthority) return false;
  return ar <= HEUR.maxAdditional;
}

function dnsHeuristic(pkt: Packet, off: number, end: number, rep: number, parent: number): boolean {
  if (!looksLikeDns(pkt.data, off, end, rep)) return false;
  decodeUdp(pkt, off, end, rep, parent);
  return true;
}

// --- building

export interface DnsQuestionSpec {
  name: string;
  type?: number | string;
  class?: number;
  /** mDNS: ask for a unicast response (the top bit of the class). */
  qu?: boolean;
}

export interface DnsRecordSpec {
  name: string;
  type: number | string;
  class?: number;
  ttl?: number;
  /** mDNS: the cache-flush bit (the top bit of the class). */
  cacheFlush?: boolean;
  /**
   * The data: an address (A/AAAA), a name (NS/CNAME/PTR/DNAME), strings (TXT), an object per type
   * (MX {preference, exchange}, SOA {mname, rname, serial, refresh, retry, expire, minimum}, SRV
   * {priority, weight, port, target}, CAA {flags, tag, value}, SVCB/HTTPS {priority, target,
   * params: [[key, bytes]], alpn, port}), or raw bytes for anything.
   */
  data?: unknown;
}

export interface EdnsSpec {
  udpSize?: number;
  extRcode?: number;
  version?: number;
  do?: boolean;
  /** Client subnet (RFC 7871): `10.1.2.0/24` or an IPv6 prefix. */
  clientSubnet?: string;
  /** Client cookie (8 bytes) and optional server cookie. */
  cookie?: { client: Uint8Array; server?: Uint8Array };
  options?: Array<{ code: number; data: Uint8Array }>;
}

export interface DnsMessageSpec {
  id?: number;
  response?: boolean;
  opcode?: number;
  rcode?: number;
  aa?: boolean;
  tc?: boolean;
  /** Recursion desired (default true for DNS queries and their responses). */
  rd?: boolean;
  ra?: boolean;
  ad?: boolean;
  cd?: boolean;
  /** The whole flags word (overrides the bits above). */
  flags?: number;
  questions?: DnsQuestionSpec[];
  answers?: DnsRecordSpec[];
  authority?: DnsRecordSpec[];
  additional?: DnsRecordSpec[];
  /** An OPT record appended to the additional section. */
  edns?: EdnsSpec;
  /** Compress names (default true). */
  compress?: boolean;
  /** Section counts to write instead of the real ones (crafting broken messages). */
  counts?: [number, number, number, number];
  /** Prefix the two-byte TCP length (RFC 7766 8). */
  tcp?: boolean;
}

function typeNumber(t: number | string | undefined, dflt: number): number {
  if (t === undefined) return dflt;
  if (typeof t === 'number') return t;
  const n = TYPE_BY_NAME[t.toUpperCase()];
  if (n === undefined) throw new Error(`unknown DNS type "${t}"`);
  return n;
}

class Writer {
  buf: number[] = [];
  names = new Map<string, number>();
  constructor(private compress: boolean) {}
  u8(v: number): void {
    this.buf.push(v & 0xff);
  }
  u16(v: number): void {
    this.buf.push((v >> 8) & 0xff, v & 0xff);
  }
  u32(v: number): void {
    this.buf.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  }
  bytes(b: ArrayLike<number>): void {
    for (let i = 0; i < b.length; i++) this.buf.push(b[i]!);
  }
  name(n: string, compress = this.compress): void {
    const labels = n === '' || n === '.' || n === '<Root>' ? [] : n.replace(/\.$/, '').split('.');
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join('.').toLowerCase();
      const at = this.names.get(suffix);
      if (compress && at !== undefined) {
        this.u16(0xc000 | at);
        return;
      }
      if (this.buf.length < 0x3fff) this.names.set(suffix, this.buf.length);
      const b = new TextEncoder().encode(labels[i]!);
      if (b.length > 63) throw new Error(`DNS label longer than 63 bytes: ${labels[i]}`);
      this.u8(b.length);
      this.bytes(b);
    }
    this.u8(0);
  }
}

function rdata(w: Writer, type: number, data: unknown): void {
  if (data instanceof Uint8Array) {
    w.bytes(data);
    return;
  }
  const o = data as Record<string, unknown>;
  switch (type) {
    case 1:
      w.u32(parseIPv4(String(data)));
      return;
    case 28:
      w.bytes(parseIPv6(String(data)));
      return;
    case 2: case 5: case 12: case 39:
      w.name(String(data));
      return;
    case 15:
      w.u16(Number(o.preference ?? 10));
      w.name(String(o.exchange));
      return;
    case 16: case 99:
      for (const s of Array.isArray(data) ? data : [data]) {
        const b = new TextEncoder().encode(String(s));
        w.u8(b.length);
        w.bytes(b);
      }
      return;
    case 6:
      w.name(String(o.mname));
      w.name(String(o.rname));
      for (const k of ['serial', 'refresh', 'retry', 'expire', 'minimum']) w.u32(Number(o[k] ?? 0));
      return;
    case 33:
      w.u16(Number(o.priority ?? 0));
      w.u16(Number(o.weight ?? 0));
      w.u16(Number(o.port ?? 0));
      w.name(String(o.target), false);
      return;
    case 257: {
      const tag = new TextEncoder().encode(String(o.tag));
      w.u8(Number(o.flags ?? 0));
      w.u8(tag.length);
      w.bytes(tag);
      w.bytes(new TextEncoder().encode(String(o.value)));
      return;
    }
    case 64: case 65: {
      w.u16(Number(o.priority ?? 1));
      w.name(String(o.target ?? '.'), false);
      const params: Array<[number, Uint8Array]> = [...((o.params as Array<[number, Uint8Array]> | undefined) ?? [])];
      if (o.alpn) {
        const parts = (o.alpn as string[]).map((s) => new TextEncoder().encode(s));
        const b = new Uint8Array(parts.reduce((n, x) => n + 1 + x.length, 0));
        let k = 0;
        for (const x of parts) {
          b[k++] = x.length;
          b.set(x, k);
          k += x.length;
        }
        params.push([1, b]);
      }
      if (o.port !== undefined) params.push([3, Uint8Array.of(Number(o.port) >> 8, Number(o.port) & 0xff)]);
      params.sort((a, b) => a[0] - b[0]);
      for (const [k, v] of params) {
        w.u16(k);
        w.u16(v.length);
        w.bytes(v);
      }
      return;
    }
    default:
      if (data === undefined) return;
      throw new Error(`DNS type ${type}: give the data as bytes`);
  }
}

/** Builds a DNS message (with the TCP length prefix when `spec.tcp`). */
export function buildDnsMessage(spec: DnsMessageSpec): Uint8Array {
  const w = new Writer(spec.compress ?? true);
  const qs = spec.questions ?? [];
  const an = spec.answers ?? [];
  const ns = spec.authority ?? [];
  const ar = [...(spec.additional ?? [])];
  let flags = spec.flags;
  if (flags === undefined) {
    flags = (spec.response ? 0x8000 : 0) | ((spec.opcode ?? 0) << 11) | (spec.rcode ?? 0) & 0xf;
    if (spec.aa) flags |= 0x0400;
    if (spec.tc) flags |= 0x0200;
    if (spec.rd ?? true) flags |= 0x0100;
    if (spec.ra) flags |= 0x0080;
    if (spec.ad) flags |= 0x0020;
    if (spec.cd) flags |= 0x0010;
  }
  w.u16(spec.id ?? 0);
  w.u16(flags);
  const counts = spec.counts ?? [qs.length, an.length, ns.length, ar.length + (spec.edns ? 1 : 0)];
  for (const c of counts) w.u16(c);
  for (const q of qs) {
    w.name(q.name);
    w.u16(typeNumber(q.type, 1));
    w.u16((q.class ?? 1) | (q.qu ? 0x8000 : 0));
  }
  const rr = (r: DnsRecordSpec): void => {
    const type = typeNumber(r.type, 1);
    w.name(r.name);
    w.u16(type);
    w.u16((r.class ?? 1) | (r.cacheFlush ? 0x8000 : 0));
    w.u32(r.ttl ?? 300);
    const lenAt = w.buf.length;
    w.u16(0);
    rdata(w, type, r.data);
    const len = w.buf.length - lenAt - 2;
    w.buf[lenAt] = len >> 8;
    w.buf[lenAt + 1] = len & 0xff;
  };
  for (const r of an) rr(r);
  for (const r of ns) rr(r);
  for (const r of ar) rr(r);
  if (spec.edns) {
    const e = spec.edns;
    w.u8(0);
    w.u16(41);
    w.u16(e.udpSize ?? 1232);
    w.u8(e.extRcode ?? 0);
    w.u8(e.version ?? 0);
    w.u16(e.do ? 0x8000 : 0);
    const opts: Array<{ code: number; data: Uint8Array }> = [...(e.options ?? [])];
    if (e.clientSubnet) {
      const [addr, bitsText] = e.clientSubnet.split('/');
      const v6 = addr!.includes(':');
      const bits = Number(bitsText ?? (v6 ? 128 : 32));
      const full = v6 ? parseIPv6(addr!) : (() => {
        const v = parseIPv4(addr!);
        return Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
      })();
      const n = Math.ceil(bits / 8);
      const b = new Uint8Array(4 + n);
      b[1] = v6 ? 2 : 1;
      b[2] = bits;
      b.set(full.subarray(0, n), 4);
      opts.push({ code: 8, data: b });
    }
    if (e.cookie) {
      const b = new Uint8Array(e.cookie.client.length + (e.cookie.server?.length ?? 0));
      b.set(e.cookie.client);
      if (e.cookie.server) b.set(e.cookie.server, e.cookie.client.length);
      opts.push({ code: 10, data: b });
    }
    const len = opts.reduce((n, o) => n + 4 + o.data.length, 0);
    w.u16(len);
    for (const o of opts) {
      w.u16(o.code);
      w.u16(o.data.length);
      w.bytes(o.data);
    }
  }
  const body = Uint8Array.from(w.buf);
  if (!spec.tcp) return body;
  const out = new Uint8Array(body.length + 2);
  out[0] = body.length >> 8;
  out[1] = body.length & 0xff;
  out.set(body, 2);
  return out;
}

/** `emit` for `buildPacket`: `{ proto: 'dns', id, response, questions, answers, ... }`. */
function emit(spec: LayerSpec, payload: Uint8Array): Uint8Array {
  const msg = buildDnsMessage(spec as unknown as DnsMessageSpec);
  if (!payload.length) return msg;
  const out = new Uint8Array(msg.length + payload.length);
  out.set(msg);
  out.set(payload, msg.length);
  return out;
}

const dnsTcp: Dissector = { name: 'dns', longName: 'Domain Name System (TCP)', decode: decodeDnsTcp };
for (const port of [53, 5353, 5355]) registerStreamProtocol(port, { parser: lengthPrefixed16, dissector: dnsTcp });

register({
  name: 'dns',
  longName: 'Domain Name System',
  bind: [['udp.port', 53]],
  heuristics: [['udp.port', dnsHeuristic, 'dns_udp']],
  decode: decodeUdp,
  emit,
});
register({ name: 'mdns', longName: 'Multicast Domain Name System', bind: [['udp.port', 5353]], decode: udpDecoder(DnsKind.Mdns), emit });
register({ name: 'llmnr', longName: 'Link-local Multicast Name Resolution', bind: [['udp.port', 5355]], decode: udpDecoder(DnsKind.Llmnr), emit });

void toHex;
