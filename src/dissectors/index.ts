/**
 * Every dissector, registered by importing its module. Adding a protocol means adding its file
 * and one line here.
 */
import './data.js';
import './frame.js';
import './eth.js';
import './ip.js';
import './udp.js';
import './tcp/dissector.js';
import './ipv6.js';
import './vlan.js';
import './llc.js';
import './arp.js';
import './sll.js';
import './null.js';
import './raw.js';
import './icmp.js';
import './icmpv6.js';
import './dns/dissector.js';
import './tls/records.js';
import './http/dissector.js';

export { dissectFrame } from './frame.js';
export { Packet, secondPass } from './packet.js';
export { newSession, type SessionOptions } from './session.js';
