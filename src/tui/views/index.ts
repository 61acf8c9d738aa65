/**
 * The analysis views (conversations, endpoints, expert information, DNS, TLS, the connection
 * doctor) the shell offers, in the order of the tab line. See ../contract.ts for what a view gets.
 * Their rows come from src/stats consumers run through the pipeline on the file, in a worker
 * (./analysis.ts, ./analysis-job.ts): one read for the tables, one per connection for the doctor.
 */
import { createElement, lazy, Suspense, type ComponentType, type FC } from 'react';
import { Text } from 'ink';
import type { TuiView, ViewProps } from '../contract.js';
import { VIEW_TABS } from './tabs.js';

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

const COMPONENTS: Record<string, FC<ViewProps>> = {
  conversations: ConversationsView,
  endpoints: EndpointsView,
  expert: ExpertView,
  dns: DnsView,
  tls: TlsView,
  doctor: Doctor,
};

export const ANALYSIS_VIEWS: TuiView[] = VIEW_TABS.map((t) => ({ ...t, Component: COMPONENTS[t.id]! }));
