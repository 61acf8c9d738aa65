/**
 * `ping --tui`: the round trips of the requests as a sparkline (one cell each, `·` for no reply),
 * the last reply, the loss and min/avg/max/mdev as iputils ping prints them (src/probe/ping-stats.ts).
 */
import { Box, Text } from 'ink';
import { formatG, ms3 } from '../../probe/ping-stats.js';
import { sparkline } from './sparkline.js';
import { useProbeStore, type PingState, type ProbeStore } from './store.js';

export function PingView({ store, width = 80 }: { store: ProbeStore<PingState>; width?: number }) {
  const s = useProbeStore(store);
  const st = s.stats;
  const r = st.rtt();
  const spark = sparkline(s.rtts, Math.max(10, width - 6));
  let counts = `${st.transmitted} transmitted, ${st.received} received`;
  if (st.duplicates) counts += `, +${st.duplicates} duplicates`;
  if (st.errors) counts += `, +${st.errors} errors`;
  counts += `, ${formatG(st.loss())}% packet loss`;
  return (
    <Box flexDirection="column">
      <Text bold>{`ping ${s.host}${s.done ? ' (done)' : ''}   q: quit`}</Text>
      <Text>{`RTT  ${spark}`}</Text>
      <Text>{s.last ? `last icmp_seq=${s.last.seq} from ${s.last.from} ttl=${s.last.ttl}${s.last.time !== undefined ? ` time=${s.last.time.toFixed(3)} ms` : ''}` : 'waiting for the first reply'}</Text>
      <Text>{counts}</Text>
      <Text>{r && st.received ? `rtt min/avg/max/mdev = ${ms3(r.min)}/${ms3(r.avg)}/${ms3(r.max)}/${ms3(r.mdev)} ms` : 'rtt min/avg/max/mdev = -'}</Text>
      {s.error ? <Text color="red">{s.error}</Text> : null}
      {s.notes.map((n, i) => (
        <Text key={i} dimColor>
          {n}
        </Text>
      ))}
    </Box>
  );
}
