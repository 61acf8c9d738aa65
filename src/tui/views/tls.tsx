/**
 * TLS handshakes (as `wirelite stats FILE tls`, the same rows): one row per connection with SNI,
 * version, cipher suite, handshake time, JA3 and JA4, sortable; the selected connection's card
 * (src/stats/tls-card.ts) below. Enter jumps to its ClientHello.
 */
import { Box, Text } from 'ink';
import { useState } from 'react';
import type { TlsConnectionSummary } from '../../stats/tls.js';
import { tlsCard } from '../../stats/tls-card.js';
import type { ViewProps } from '../contract.js';
import { fit } from '../theme.js';
import { Table, type Column } from './table.js';
import { progressText, useTables } from './use-analysis.js';

export const TLS_COLUMNS: Column<TlsConnectionSummary>[] = [
  { title: 'Stream', width: 6, right: true, text: (r) => String(r.stream), key: (r) => r.stream, desc: false },
  { title: 'SNI', width: 28, text: (r) => r.sni ?? '-' },
  { title: 'Version', width: 8, text: (r) => r.version ?? '-' },
  { title: 'Handshake ms', width: 12, right: true, text: (r) => (r.handshakeMs === null ? '-' : r.handshakeMs.toFixed(3)), key: (r) => r.handshakeMs ?? -1 },
  { title: 'RTTs', width: 5, right: true, text: (r) => (r.handshakeRtts === null ? '-' : r.handshakeRtts.toFixed(2)), key: (r) => r.handshakeRtts ?? -1 },
  { title: 'Server', width: 21, text: (r) => r.server },
  { title: 'Cipher suite', width: 30, text: (r) => r.cipherSuite ?? '-' },
  { title: 'JA4', width: 36, text: (r) => r.ja4 ?? '-' },
  { title: 'JA3', width: 32, text: (r) => r.ja3 ?? '-' },
];

export function TlsView(props: ViewProps) {
  const { width, height, focused, store } = props;
  const job = useTables(props.file, props.sessionOptions);
  const [sel, setSel] = useState<TlsConnectionSummary | undefined>(undefined);
  if (job.state !== 'done') return <Text>{fit(progressText(job, store, 'the TLS handshakes'), width)}</Text>;
  const rows = job.result.tls;
  const shown = sel ?? rows[0];
  const cardH = Math.min(12, Math.max(0, Math.floor(height / 2) - 1));
  const card = shown && cardH > 0 ? tlsCard(shown).split('\n').filter((l) => l).slice(0, cardH) : [];
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold>{fit(`TLS: ${rows.length} connection(s)`, width)}</Text>
      <Table<TlsConnectionSummary>
        columns={TLS_COLUMNS}
        rows={rows}
        width={width}
        height={Math.max(2, height - 2 - card.length)}
        focused={focused}
        initialSort={0}
        initialDesc={false}
        onSelect={setSel}
        color={(r) => (r.alerts.some((a) => a.level === 'fatal') ? 'red' : undefined)}
        onEnter={(r) => props.onJump(r.clientHelloFrame ?? r.serverHelloFrame ?? r.lastFrame)}
        onJumpKey={(r) => props.onJump(r.serverHelloFrame ?? r.lastFrame)}
      />
      {card.map((l, i) => <Text key={i} dimColor={i > 0}>{fit(l, width)}</Text>)}
      <Text dimColor>{fit('Enter: the ClientHello, f: the ServerHello; ← →: sort column, s: reverse', width)}</Text>
    </Box>
  );
}
