/**
 * DNS transactions (src/stats/dns-transactions.ts): one row per query with its response, slowest
 * first, unanswered queries marked (red, "unanswered") after the answered ones; sortable by any
 * column. Enter jumps to the query (f to the response).
 */
import { Box, Text } from 'ink';
import type { DnsTransaction } from '../../stats/dns-transactions.js';
import type { ViewProps } from '../contract.js';
import { fit } from '../theme.js';
import { Table, type Column } from './table.js';
import { progressText, useTables } from './use-analysis.js';

export const DNS_COLUMNS: Column<DnsTransaction>[] = [
  { title: 'Time ms', width: 10, right: true, text: (r) => (r.timeMs === null ? (r.queryFrame ? 'unanswered' : '-') : r.timeMs.toFixed(3)), key: (r) => r.timeMs ?? -1 },
  { title: 'Query', width: 7, right: true, text: (r) => (r.queryFrame ? String(r.queryFrame) : '-'), key: (r) => r.queryFrame, desc: false },
  { title: 'Response', width: 8, right: true, text: (r) => (r.responseFrame ? String(r.responseFrame) : '-'), key: (r) => r.responseFrame, desc: false },
  { title: 'Type', width: 6, text: (r) => r.type },
  { title: 'Rcode', width: 14, text: (r) => r.rcode ?? '' },
  { title: 'Name', width: 40, text: (r) => r.name + (r.retransmission ? ' (retransmission)' : '') },
];

export function DnsView(props: ViewProps) {
  const { width, height, focused, store } = props;
  const job = useTables(props.file, props.sessionOptions);
  if (job.state !== 'done') return <Text>{fit(progressText(job, store, 'the DNS transactions'), width)}</Text>;
  const rows = job.result.dns;
  const answered = rows.filter((r) => r.timeMs !== null).length;
  const unanswered = rows.filter((r) => r.timeMs === null && r.queryFrame).length;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold>{fit(`DNS: ${rows.length} transactions, ${answered} answered, ${unanswered} unanswered`, width)}</Text>
      <Table<DnsTransaction>
        columns={DNS_COLUMNS}
        rows={rows}
        width={width}
        height={Math.max(2, height - 2)}
        focused={focused}
        color={(r) => (r.timeMs === null && r.queryFrame ? 'red' : r.rcodeNumber ? 'yellow' : undefined)}
        onEnter={(r) => props.onJump(r.queryFrame || r.responseFrame)}
        onJumpKey={(r) => props.onJump(r.responseFrame || r.queryFrame)}
      />
      <Text dimColor>{fit('Enter: the query, f: the response; ← →: sort column, s: reverse', width)}</Text>
    </Box>
  );
}
