/**
 * `traceroute --tui`: mtr's report as a live table, one row per hop, updated after every round
 * (Loss% Snt Last Avg Best Wrst StDev as `traceroute --report`, in ms, and the MTU a hop named in a
 * Frag needed / Packet too big); the other responders of a hop on lines of their own.
 */
import { Box, Text } from 'ink';
import { useProbeStore, type ProbeStore, type TraceState } from './store.js';

const f1 = (x: number) => x.toFixed(1);

/** The header and the rows as text lines (the same columns as `traceroute --report`, and MTU). */
export function traceLines(s: TraceState): string[] {
  const lines = [`${'Hop'.padStart(3)}  ${'Host'.padEnd(25)}${'Loss%'.padStart(6)}${'Snt'.padStart(6)}${'Last'.padStart(7)}${'Avg'.padStart(6)}${'Best'.padStart(6)}${'Wrst'.padStart(6)}${'StDev'.padStart(6)}${'MTU'.padStart(6)}`];
  for (const r of s.rows) {
    lines.push(`${String(r.ttl).padStart(3)}. ${(r.hosts[0] ?? '???').padEnd(25)}${(f1(r.loss) + '%').padStart(6)}${String(r.sent).padStart(6)}${f1(r.last).padStart(7)}${f1(r.avg).padStart(6)}${f1(r.best).padStart(6)}${f1(r.worst).padStart(6)}${f1(r.stdev).padStart(6)}${(r.mtu !== undefined ? String(r.mtu) : '').padStart(6)}`);
    for (const other of r.hosts.slice(1)) lines.push(`      ${other}`);
  }
  return lines;
}

export function TraceView({ store }: { store: ProbeStore<TraceState> }) {
  const s = useProbeStore(store);
  const [head, ...rows] = traceLines(s);
  return (
    <Box flexDirection="column">
      <Text bold>{`traceroute ${s.host}: round ${s.rounds}${s.done ? ' (done)' : ''}   q: quit`}</Text>
      <Text inverse>{head}</Text>
      {rows.map((l, i) => (
        <Text key={i} color={/\?\?\?/.test(l) ? 'yellow' : undefined}>
          {l}
        </Text>
      ))}
      {s.rows.length === 0 ? <Text dimColor>first round under way</Text> : null}
      {s.notes.map((n, i) => (
        <Text key={`n${i}`} dimColor>
          {n}
        </Text>
      ))}
    </Box>
  );
}
