/**
 * The analysis views' tabs: id, hotkey, title and help of each, in the order of the tab line (no
 * Ink nor React: the first screen's tab line is drawn with them before Ink is loaded). Their
 * components are ./index.ts's.
 */
import type { TuiView } from '../contract.js';

const TABLE_KEYS = [
  ['↑ ↓ k j  PgUp PgDn  g G', 'select a row'],
  ['← → h l', 'sort by the previous / next column'],
  ['s', 'reverse the order'],
] as const;

const DOCTOR_KEYS = [
  ['1 2 3 4', 'time-sequence, bytes in flight / window / cwnd, RTT, throughput graph'],
  ['i  f', 'the card (stats tcp) / the stream text (follow)'],
  ['+ -  0', 'zoom in / out around the cursor, the whole connection'],
  ['← → h l', 'pan'],
  ['[ ]  , .', 'cursor to the previous / next point'],
  ['Enter', "graph: jump to the cursor's packet; card: to the evidence frame"],
  ['n p  J', 'next / previous evidence frame, jump to it'],
] as const;

export const VIEW_TABS: readonly Omit<TuiView, 'Component'>[] = [
  {
    id: 'conversations',
    key: 'c',
    title: 'Conversations',
    help: 'conversations per type (tcp, udp, ip, ipv6, eth), as stats conv',
    keys: [...TABLE_KEYS, ['1-5  Tab', 'type'], ['Enter', 'TCP: the connection doctor (b: back); others: the first frame'], ['f', 'jump to the first frame']],
  },
  {
    id: 'endpoints',
    key: 'e',
    title: 'Endpoints',
    help: 'endpoints per type, as stats endpoints',
    keys: [...TABLE_KEYS, ['1-5  Tab', 'type'], ['Enter  f', 'jump to its first frame']],
  },
  {
    id: 'expert',
    key: 'x',
    title: 'Expert',
    help: 'expert information by severity, as stats expert',
    keys: [['↑ ↓ k j', 'select'], ['Enter', "open a row's frames / jump to a frame"], ['f', "jump to a row's first frame"]],
  },
  {
    id: 'dns',
    key: 'd',
    title: 'DNS',
    help: 'DNS transactions, slowest first, unanswered marked',
    keys: [...TABLE_KEYS, ['Enter  f', 'jump to the query / the response']],
  },
  {
    id: 'tls',
    key: 't',
    title: 'TLS',
    help: 'TLS handshakes: SNI, version, cipher, handshake time, JA3/JA4 (stats tls)',
    keys: [...TABLE_KEYS, ['Enter  f', 'jump to the ClientHello / the ServerHello']],
  },
  {
    id: 'doctor',
    key: 'o',
    title: 'Doctor',
    help: "the connection doctor of the selected packet's TCP connection: verdict, evidence, graphs, stream",
    keys: DOCTOR_KEYS,
  },
];
