/**
 * Conversations and Endpoints (as `wirelite stats FILE conv|endpoints TYPE`, the same rows): a tab
 * per type (tcp, udp, ip, ipv6, eth: 1-5 or Tab), sortable by any column (← →, s). Enter: on a
 * TCP conversation opens the connection doctor (b or Backspace comes back); elsewhere, and with
 * f, jumps to the conversation's first frame (the endpoint's first frame) in the packet list.
 */
import { Box, Text, useInput } from 'ink';
import { useState } from 'react';
import { CONV_TITLES, CONV_TYPES, type ConvRow, type ConvType, type EndpointRow } from '../../stats/conversations.js';
import type { ViewProps } from '../contract.js';
import { fit } from '../theme.js';
import { Doctor } from '../doctor/doctor.js';
import { firstFrameAt, firstFrameOf } from './find-frame.js';
import { Table, type Column } from './table.js';
import { progressText, useTables } from './use-analysis.js';

const n = (v: number) => v.toLocaleString('en-US');
const secs = (v: number) => v.toFixed(6);

export function convColumns(type: ConvType): Column<ConvRow>[] {
  const ports = type === 'tcp' || type === 'udp';
  const addrW = type === 'ipv6' ? 28 : type === 'eth' ? 17 : 15;
  const cols: Column<ConvRow>[] = [];
  if (type === 'tcp') cols.push({ title: 'Stream', width: 6, right: true, text: (r) => String(r.stream), key: (r) => r.stream, desc: false });
  cols.push({ title: 'Address A', width: addrW, text: (r) => r.a });
  if (ports) cols.push({ title: 'Port A', width: 6, right: true, text: (r) => String(r.aPort), key: (r) => r.aPort });
  cols.push({ title: 'Address B', width: addrW, text: (r) => r.b });
  if (ports) cols.push({ title: 'Port B', width: 6, right: true, text: (r) => String(r.bPort), key: (r) => r.bPort });
  cols.push(
    { title: 'Packets', width: 9, right: true, text: (r) => n(r.framesAB + r.framesBA), key: (r) => r.framesAB + r.framesBA },
    { title: 'Bytes', width: 12, right: true, text: (r) => n(r.bytesAB + r.bytesBA), key: (r) => r.bytesAB + r.bytesBA },
    { title: 'Pkts A→B', width: 9, right: true, text: (r) => n(r.framesAB), key: (r) => r.framesAB },
    { title: 'Bytes A→B', width: 12, right: true, text: (r) => n(r.bytesAB), key: (r) => r.bytesAB },
    { title: 'Pkts B→A', width: 9, right: true, text: (r) => n(r.framesBA), key: (r) => r.framesBA },
    { title: 'Bytes B→A', width: 12, right: true, text: (r) => n(r.bytesBA), key: (r) => r.bytesBA },
    { title: 'Rel Start', width: 11, right: true, text: (r) => secs(r.relStart), key: (r) => r.relStart, desc: false },
    { title: 'Duration', width: 10, right: true, text: (r) => r.duration.toFixed(4), key: (r) => r.duration },
  );
  return cols;
}

export function endpointColumns(type: ConvType): Column<EndpointRow>[] {
  const ports = type === 'tcp' || type === 'udp';
  const addrW = type === 'ipv6' ? 28 : type === 'eth' ? 17 : 15;
  const cols: Column<EndpointRow>[] = [{ title: 'Address', width: addrW, text: (r) => r.address }];
  if (ports) cols.push({ title: 'Port', width: 6, right: true, text: (r) => String(r.port), key: (r) => r.port });
  cols.push(
    { title: 'Packets', width: 9, right: true, text: (r) => n(r.frames), key: (r) => r.frames },
    { title: 'Bytes', width: 12, right: true, text: (r) => n(r.bytes), key: (r) => r.bytes },
    { title: 'Tx Packets', width: 10, right: true, text: (r) => n(r.txFrames), key: (r) => r.txFrames },
    { title: 'Tx Bytes', width: 12, right: true, text: (r) => n(r.txBytes), key: (r) => r.txBytes },
    { title: 'Rx Packets', width: 10, right: true, text: (r) => n(r.rxFrames), key: (r) => r.rxFrames },
    { title: 'Rx Bytes', width: 12, right: true, text: (r) => n(r.rxBytes), key: (r) => r.rxBytes },
  );
  return cols;
}

function TypeTabs({ type, width, counts }: { type: ConvType; width: number; counts: Record<ConvType, number> }) {
  return (
    <Box width={width}>
      {CONV_TYPES.map((t, i) => (
        <Text key={t} inverse={t === type} bold={t === type}>{` ${i + 1} ${CONV_TITLES[t]} (${n(counts[t])}) `}</Text>
      ))}
    </Box>
  );
}

function useTypeKeys(focused: boolean, type: ConvType, setType: (t: ConvType) => void) {
  useInput(
    (input, k) => {
      const d = Number(input);
      if (d >= 1 && d <= CONV_TYPES.length) setType(CONV_TYPES[d - 1]!);
      else if (k.tab) setType(CONV_TYPES[(CONV_TYPES.indexOf(type) + (k.shift ? CONV_TYPES.length - 1 : 1)) % CONV_TYPES.length]!);
    },
    { isActive: focused },
  );
}

function ConvTable(props: ViewProps & { kind: 'conv' | 'endpoints' }) {
  const { width, height, focused, store } = props;
  const job = useTables(props.file, props.sessionOptions);
  const [type, setType] = useState<ConvType>('tcp');
  const [doctor, setDoctor] = useState<number | undefined>(undefined);
  const [note, setNote] = useState('');
  useTypeKeys(focused && doctor === undefined, type, (t) => {
    setType(t);
    setNote('');
  });
  useInput((input, k) => {
    if (input === 'b' || k.backspace || k.delete) setDoctor(undefined);
  }, { isActive: focused && doctor !== undefined });
  if (doctor !== undefined) {
    return <Doctor {...props} stream={doctor} height={height} />;
  }
  if (job.state !== 'done') return <Text>{fit(progressText(job, store, props.kind === 'conv' ? 'the conversations' : 'the endpoints'), width)}</Text>;
  const res = job.result;
  const title = props.kind === 'conv' ? 'Conversations' : 'Endpoints';
  const counts = Object.fromEntries(CONV_TYPES.map((t) => [t, (props.kind === 'conv' ? res.conversations[t] : res.endpoints[t]).length])) as Record<ConvType, number>;
  const tableH = Math.max(2, height - 3);
  const jump = (f: number | undefined) => {
    if (f === undefined) setNote('its first frame is not in the packet list yet');
    else props.onJump(f);
  };
  const tcpFirst = new Map(res.tcp.map((s) => [s.stream, s.firstFrame]));
  let table;
  if (props.kind === 'conv') {
    table = (
      <Table<ConvRow>
        key={`conv-${type}`}
        columns={convColumns(type)}
        rows={res.conversations[type]}
        width={width}
        height={tableH}
        focused={focused}
        initialSort={-1}
        onEnter={(r) => (type === 'tcp' ? setDoctor(r.stream) : jump(firstFrameAt(store, r.relStart, r.a, r.b)))}
        onJumpKey={(r) => jump(type === 'tcp' ? tcpFirst.get(r.stream) ?? firstFrameAt(store, r.relStart, r.a, r.b) : firstFrameAt(store, r.relStart, r.a, r.b))}
      />
    );
  } else {
    table = (
      <Table<EndpointRow>
        key={`ep-${type}`}
        columns={endpointColumns(type)}
        rows={res.endpoints[type]}
        width={width}
        height={tableH}
        focused={focused}
        initialSort={-1}
        onEnter={(r) => jump(firstFrameOf(store, r.address))}
        onJumpKey={(r) => jump(firstFrameOf(store, r.address))}
      />
    );
  }
  return (
    <Box flexDirection="column" width={width} height={height}>
      <TypeTabs type={type} width={width} counts={counts} />
      {table}
      <Text dimColor>{fit(note || `${title}: ${props.kind === 'conv' && type === 'tcp' ? 'Enter: connection doctor, f: first frame' : 'Enter or f: first frame'}; ← →: sort column, s: reverse; 1-5, Tab: type${res.error ? `; ${res.error}` : ''}`, width)}</Text>
    </Box>
  );
}

export function ConversationsView(props: ViewProps) {
  return <ConvTable {...props} kind="conv" />;
}

export function EndpointsView(props: ViewProps) {
  return <ConvTable {...props} kind="endpoints" />;
}
