/**
 * `pmtud --tui`: the search as it narrows. A bar from the floor every path takes (576 / 1280) to
 * the interface's MTU: `█` sizes known to pass (up to the largest answered), `░` the sizes still in
 * question, blank the sizes known not to pass (lost, or above the MTU a router named); under it
 * each probe and, at the end, the path MTU with what limits it.
 */
import { Box, Text } from 'ink';
import { useProbeStore, type PmtudState, type ProbeStore } from './store.js';

/** The bar of the search (`width` cells between floor and interface MTU). */
export function searchBar(s: PmtudState, width: number): string {
  if (s.floor === undefined || s.ifMtu === undefined) return '';
  const span = s.ifMtu - s.floor;
  const cell = (size: number) => Math.max(0, Math.min(width, Math.round(((size - s.floor!) / span) * width)));
  const good = s.lo !== undefined ? cell(s.lo) : 0;
  // Nothing left in question once the largest that passes is next to the smallest that does not.
  const bad = s.hi === undefined ? width : s.lo !== undefined && s.hi - s.lo <= 1 ? good : cell(Math.min(s.hi, s.ifMtu + 1));
  return '█'.repeat(good) + '░'.repeat(Math.max(0, bad - good)) + ' '.repeat(Math.max(0, width - Math.max(good, bad)));
}

function probeLine(p: PmtudState['probes'][number]): string {
  if (p.result === 'reached') return `probe ${p.size} bytes: answered${p.from ? ` by ${p.from}` : ''}`;
  if (p.result === 'too-big') return `probe ${p.size} bytes: too big for ${p.from ?? '?'}${p.hop !== undefined ? ` (hop ${p.hop})` : ''}: mtu ${p.mtu}`;
  return `probe ${p.size} bytes: no answer${p.tries ? ` (${p.tries} tries)` : ''}`;
}

export function PmtudView({ store, width = 80 }: { store: ProbeStore<PmtudState>; width?: number }) {
  const s = useProbeStore(store);
  const barWidth = Math.max(10, width - 14);
  const range = s.lo !== undefined && s.hi !== undefined && !s.summary ? `passes: ${s.lo}, does not: ${s.hi}` : s.lo === undefined ? 'no size answered yet' : '';
  const sum = s.summary;
  return (
    <Box flexDirection="column">
      <Text bold>{`pmtud ${s.host}${s.destination ? ` (${s.destination})` : ''}${s.iface ? `, ${s.iface} MTU ${s.ifMtu}` : ''}${s.done ? ' (done)' : ''}   q: quit`}</Text>
      {s.floor !== undefined ? <Text>{`${String(s.floor).padStart(5)} ${searchBar(s, barWidth)} ${s.ifMtu}`}</Text> : null}
      {range ? <Text>{range}</Text> : null}
      {s.probes.slice(-12).map((p, i) => (
        <Text key={i} color={p.result === 'reached' ? 'green' : p.result === 'too-big' ? 'yellow' : 'red'}>
          {probeLine(p)}
        </Text>
      ))}
      {sum ? <Text bold>{`path MTU ${sum.pmtu}, MSS ${sum.mss}, ${sum.limited_by ? `limited by ${sum.limited_by}${sum.limited_hop !== undefined ? ` (hop ${sum.limited_hop})` : ''}` : "limited by this host's interface"} (${sum.method})`}</Text> : null}
      {s.notes.map((n, i) => (
        <Text key={`n${i}`} dimColor>
          {n}
        </Text>
      ))}
    </Box>
  );
}
