/**
 * Telling a field of a protocol wirelite does not dissect (`http.host`) from a typo (`ip.scr`), for
 * `-e` and the other places that take a field name.
 *
 * WIRESHARK_PROTOCOLS is a small table of well-known Wireshark protocols wirelite does not dissect
 * (yet): filter name and short name, taken from tshark 4.0.17's `tshark -G protocols` (columns 3
 * and 2). It is not Wireshark's whole list (2,931 protocols; `tshark -G fields` has every field):
 * a name outside it that wirelite does not know either is reported as unknown, with the closest
 * wirelite field. To add one: `tshark -G protocols | awk -F'\t' '$3=="NAME"'`.
 */
import { allFields, fieldByName } from './fields.js';
import { protocolKnown } from './registry.js';

/** [filter name, short name] of well-known protocols wirelite does not dissect. */
const WIRESHARK_PROTOCOLS: ReadonlyMap<string, string> = new Map([
  ['6lowpan', '6LoWPAN'], ['ah', 'AH'], ['ajp13', 'AJP13'], ['amqp', 'AMQP'], ['bacnet', 'BACnet'],
  ['bgp', 'BGP'], ['bluetooth', 'Bluetooth'], ['browser', 'BROWSER'], ['btle', 'BT LE LL'], ['cdp', 'CDP'],
  ['cflow', 'CFLOW'], ['cip', 'CIP'], ['cms', 'CMS'], ['coap', 'CoAP'], ['dccp', 'DCCP'],
  ['dcerpc', 'DCERPC'], ['dhcp', 'DHCP/BOOTP'], ['dhcpv6', 'DHCPv6'], ['diameter', 'Diameter'],
  ['dnp3', 'DNP 3.0'], ['dtls', 'DTLS'], ['eigrp', 'EIGRP'], ['enip', 'ENIP'], ['epm', 'EPM'],
  ['esp', 'ESP'], ['ftp', 'FTP'], ['ftp-data', 'FTP-DATA'], ['geneve', 'Geneve'], ['gquic', 'GQUIC'],
  ['gre', 'GRE'], ['gsm_map', 'GSM_MAP'], ['gtp', 'GTP'], ['gtpv2', 'GTPv2'], ['h225', 'H.225.0'],
  ['h245', 'H.245'], ['h248', 'H.248'], ['hsrp', 'HSRP'], ['http2', 'HTTP2'],
  ['http3', 'HTTP3'], ['iax2', 'IAX2'], ['iec60870_104', 'IEC 60870-5-104'], ['igmp', 'IGMP'],
  ['imap', 'IMAP'], ['irc', 'IRC'], ['isakmp', 'ISAKMP'], ['isis', 'ISIS'], ['json', 'JSON'],
  ['kafka', 'Kafka'], ['kerberos', 'KRB5'], ['l2tp', 'L2TP'], ['lacp', 'Link Aggregation Control Protocol'],
  ['ldap', 'LDAP'], ['ldp', 'LDP'], ['lisp', 'LISP Control'], ['lldp', 'LLDP'], ['m3ua', 'M3UA'],
  ['megaco', 'MEGACO'], ['memcache', 'MEMCACHE'], ['mgcp', 'MGCP'], ['modbus', 'Modbus'], ['mongo', 'MONGO'],
  ['mount', 'MOUNT'], ['mpls', 'MPLS'], ['mqtt', 'MQTT'], ['msrp', 'MSRP'], ['mysql', 'MySQL'],
  ['nas-eps', 'NAS-EPS'], ['nbns', 'NBNS'], ['nbss', 'NBSS'], ['netbios', 'NetBIOS'], ['nfs', 'NFS'],
  ['ngap', 'NGAP'], ['nsh', 'NSH'], ['ntp', 'NTP'], ['ocsp', 'OCSP'], ['opcua', 'OpcUa'],
  ['openvpn', 'OpenVPN'], ['ospf', 'OSPF'], ['pgsql', 'PGSQL'], ['pim', 'PIM'], ['pn_io', 'PNIO'],
  ['pop', 'POP'], ['portmap', 'Portmap'], ['ppp', 'PPP'], ['pppoe', 'PPPoE'], ['pptp', 'PPTP'],
  ['quic', 'QUIC'], ['radiotap', '802.11 Radiotap'], ['radius', 'RADIUS'], ['rdp', 'RDP'], ['resp', 'RESP'],
  ['rip', 'RIP'], ['rpc', 'RPC'], ['rsvp', 'RSVP'], ['rtcp', 'RTCP'], ['rtp', 'RTP'], ['rtsp', 'RTSP'],
  ['s1ap', 'S1AP'], ['s7comm', 'S7COMM'], ['sccp', 'SCCP'], ['sctp', 'SCTP'], ['sdp', 'SDP'],
  ['sflow', 'sFlow'], ['sip', 'SIP'], ['skinny', 'SKINNY'], ['smb', 'SMB'], ['smb2', 'SMB2'],
  ['smtp', 'SMTP'], ['snmp', 'SNMP'], ['ssh', 'SSH'], ['stp', 'STP'], ['stun', 'STUN'],
  ['syslog', 'Syslog'], ['t38', 'T.38'], ['tacplus', 'TACACS+'], ['tcap', 'TCAP'], ['tds', 'TDS'],
  ['telnet', 'TELNET'], ['tftp', 'TFTP'], ['usb', 'USB'], ['vnc', 'VNC'], ['vrrp', 'VRRP'],
  ['vxlan', 'VXLAN'], ['websocket', 'WebSocket'], ['wg', 'WireGuard'], ['wlan', 'IEEE 802.11'],
  ['wpan', 'IEEE 802.15.4'], ['x11', 'X11'], ['x509af', 'X509AF'], ['x509ce', 'X509CE'],
  ['x509sat', 'X509SAT'], ['xml', 'XML'], ['xmpp', 'XMPP'], ['zbee_nwk', 'ZigBee'],
]);

/** What a field name is, for a user who typed it. */
export type FieldNameVerdict =
  | { kind: 'known' }
  /** A Wireshark protocol's field that wirelite does not dissect: `protocol` is its short name. */
  | { kind: 'undissected'; protocol: string }
  /** Not a field: `suggestion` is the closest wirelite field, if one is close. */
  | { kind: 'unknown'; suggestion?: string };

/**
 * Classifies `name`: a wirelite field (or one of `extra`, e.g. the `_ws.col.*` columns), a field of a
 * protocol wirelite does not dissect, or unknown.
 */
export function classifyFieldName(name: string, extra: ReadonlySet<string> = new Set()): FieldNameVerdict {
  if (fieldByName(name) || extra.has(name)) return { kind: 'known' };
  const dot = name.indexOf('.');
  const proto = (dot < 0 ? name : name.slice(0, dot)).toLowerCase();
  const short = WIRESHARK_PROTOCOLS.get(proto);
  if (short !== undefined && !protocolKnown(proto)) return { kind: 'undissected', protocol: short };
  const suggestion = closestField(name, extra);
  return suggestion === undefined ? { kind: 'unknown' } : { kind: 'unknown', suggestion };
}

/** The one-line explanation of an unknown field name (for a UsageError). */
export function unknownFieldMessage(name: string, suggestion: string | undefined): string {
  return `unknown field "${name}"` + (suggestion ? ` (did you mean ${suggestion}?)` : ' (wirelite fields lists the fields it knows)');
}

/**
 * The wirelite field nearest to `name` by edit distance (a transposition counts as one edit), if it
 * is within a third of the name's length; ties go to the shorter name.
 */
export function closestField(name: string, extra: ReadonlySet<string> = new Set()): string | undefined {
  const limit = Math.max(1, Math.floor(name.length / 3));
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestD = limit + 1;
  const consider = (cand: string) => {
    if (Math.abs(cand.length - name.length) > limit) return;
    const d = editDistance(lower, cand.toLowerCase(), bestD + 1);
    if (d < bestD || (d === bestD && best !== undefined && cand.length < best.length)) {
      best = cand;
      bestD = d;
    }
  };
  for (const f of allFields()) consider(f.abbrev);
  for (const f of extra) consider(f);
  return bestD <= limit ? best : undefined;
}

/** Optimal string alignment distance of a and b; gives up (returning `cap`) once every path reaches it. */
function editDistance(a: string, b: string, cap: number): number {
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(n + 1);
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin >= cap) return cap;
    prev2 = prev;
    prev = cur;
  }
  return prev[n]!;
}
