/**
 * The analysis views (conversations, endpoints, expert information, DNS, TLS, the connection
 * doctor) the shell offers, in the order of the tab line. See ../contract.ts for what a view gets.
 * Their rows come from src/stats consumers run through the pipeline on the file, in a worker
 * (./analysis.ts, ./analysis-job.ts): one read for the tables, one per connection for the doctor.
 */
import { createElement, lazy, Suspense, type ComponentType, type FC } from 'react';
import { Text } from 'ink';
import type { TuiView, ViewProps } from '../contract.js';

/**
 * A view whose module is loaded when it is first shown, not before the first screen (the views and
 * the statistics they import cost about 80 ms of CPU at start-up on this machine).
 */
function deferred(load: () => Promise<ComponentType<ViewProps>>): FC<ViewProps> {
  const Lazy = lazy(async () => ({ default: await load() }));
  return (props: ViewProps) => createElement(Suspense, { fallback: createElement(Text, null, 'loading the view…') }, createElement(Lazy, props));
}

const ConversationsView = deferred(async () => (await import('./conversations.js')).ConversationsView);
const EndpointsView = deferred(async () => (await import('./conversations.js')).EndpointsView);
const DnsView = deferred(async () => (await import('./dns.js')).DnsView);
const ExpertView = deferred(async () => (await import('./expert.js')).ExpertView);
const TlsView = deferred(async () => (await import('./tls.js')).TlsView);
const Doctor = deferred(async () => (await import('../doctor/doctor.js')).Doctor);

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

export const ANALYSIS_VIEWS: TuiView[] = [
  {
    id: 'conversations',
    key: 'c',
    title: 'Conversations',
    help: 'conversations per type (tcp, udp, ip, ipv6, eth), as stats conv',
    keys: [...TABLE_KEYS, ['1-5  Tab', 'type'], ['Enter', 'TCP: the connection doctor (b: back); others: the first frame'], ['f', 'jump to the first frame']],
    Component: ConversationsView,
  },
  {
    id: 'endpoints',
    key: 'e',
    title: 'Endpoints',
    help: 'endpoints per type, as stats endpoints',
    keys: [...TABLE_KEYS, ['1-5  Tab', 'type'], ['Enter  f', 'jump to its first frame']],
    Component: EndpointsView,
  },
  {
    id: 'expert',
    key: 'x',
    title: 'Expert',
    help: 'expert information by severity, as stats expert',
    keys: [['↑ ↓ k j', 'select'], ['Enter', "open a row's frames / jump to a frame"], ['f', "jump to a row's first frame"]],
    Component: ExpertView,
  },
  {
    id: 'dns',
    key: 'd',
    title: 'DNS',
    help: 'DNS transactions, slowest first, unanswered marked',
    keys: [...TABLE_KEYS, ['Enter  f', 'jump to the query / the response']],
    Component: DnsView,
  },
  {
    id: 'tls',
    key: 't',
    title: 'TLS',
    help: 'TLS handshakes: SNI, version, cipher, handshake time, JA3/JA4 (stats tls)',
    keys: [...TABLE_KEYS, ['Enter  f', 'jump to the ClientHello / the ServerHello']],
    Component: TlsView,
  },
  {
    id: 'doctor',
    key: 'o',
    title: 'Doctor',
    help: "the connection doctor of the selected packet's TCP connection: verdict, evidence, graphs, stream",
    keys: DOCTOR_KEYS,
    Component: Doctor,
  },
];
