/**
 * Protocol names as tshark's statistics print them (its protocols' short names: `IPv4`, `TCP`,
 * `Ethernet`), declared once for every table: the conversation and endpoint titles, the expert
 * items' Protocol column.
 */
import { applicationProtocols } from '../dissectors/registry.js';

export const PROTOCOL_TITLES: Readonly<Record<string, string>> = {
  ip: 'IPv4', ipv6: 'IPv6', icmp: 'ICMP', icmpv6: 'ICMPv6', tcp: 'TCP', udp: 'UDP', arp: 'ARP', eth: 'Ethernet',
  vlan: 'VLAN', dns: 'DNS', mdns: 'MDNS', llmnr: 'LLMNR', tls: 'TLS', sll: 'SLL', llc: 'LLC', frame: 'Frame',
};

/** tshark's name of a protocol by its filter name (upper case for one the table lacks). */
export function protocolTitle(name: string): string {
  return PROTOCOL_TITLES[name] ?? name.toUpperCase();
}

/**
 * The protocols no TCP, conversation or io table reads, disabled while reading (less work, the same
 * tables): the application protocols and ICMP/ICMPv6 (their echo pairing is not needed, and the
 * packet an error quotes is not counted, whether it is dissected as a quote or left as data).
 */
export function unreadProtocols(): string[] {
  return [...applicationProtocols(), 'icmp', 'icmpv6'];
}
