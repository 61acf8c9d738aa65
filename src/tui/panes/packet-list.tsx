/**
 * The packet list: No., Time, Source, Destination, Protocol, Length, Info, one row per frame
 * shown (all of them, or the display filter's), coloured by Wireshark's colouring rules. The
 * texts are the store's, which are `wirelite read`'s columns.
 */
import { Box, Text } from 'ink';
import type { PacketRow } from '../contract.js';
import type { PacketStore } from '../store/packet-store.js';
import { fit, ruleColors, type Theme } from '../theme.js';

export interface ListColumns {
  no: number;
  time: number;
  addr: number;
  proto: number;
  len: number;
}

/**
 * Column widths for a pane `width` cells wide (Info takes the rest); No. is wide enough for the
 * largest frame number and the selection's marker in front of it.
 */
export function listColumns(width: number, frames = 0): ListColumns {
  const addr = Math.max(12, Math.min(26, Math.floor((width - 44) / 4)));
  return { no: Math.max(7, String(frames).length + 2), time: 13, addr, proto: 9, len: 6 };
}

/** A row as the list shows it (without colour), exactly `width` cells. */
export function rowText(r: PacketRow, c: ListColumns, width: number): string {
  const s =
    String(r.number).padStart(c.no - 1) + ' ' +
    r.time.padStart(c.time - 1) + ' ' +
    fit(r.src, c.addr - 1) + ' ' +
    fit(r.dst, c.addr - 1) + ' ' +
    fit(r.protocol, c.proto - 1) + ' ' +
    String(r.length).padStart(c.len - 1) + ' ' +
    r.info;
  return fit(s, width);
}

export function headerText(c: ListColumns, width: number): string {
  const s = 'No.'.padStart(c.no - 1) + ' ' + 'Time'.padStart(c.time - 1) + ' ' + fit('Source', c.addr - 1) + ' ' + fit('Destination', c.addr - 1) + ' ' + fit('Protocol', c.proto - 1) + ' ' + 'Length'.padStart(c.len - 1) + ' Info';
  return fit(s, width);
}

export interface PacketListProps {
  store: PacketStore;
  /** Index (among the shown rows) of the first row on screen, and of the selected one. */
  top: number;
  selected: number;
  width: number;
  /** Rows of packets (the header is one more). */
  height: number;
  focused: boolean;
  theme: Theme;
}

export function PacketList({ store, top, selected, width, height, focused, theme }: PacketListProps) {
  const c = listColumns(width, store.count());
  const shown = store.shownCount();
  const lines = [];
  for (let k = top; k < top + height; k++) {
    if (k >= shown) {
      lines.push(<Text key={k}>{' '.repeat(width)}</Text>);
      continue;
    }
    const row = store.row(store.shownFrame(k));
    if (!row) {
      lines.push(<Text key={k}>{fit('', width)}</Text>);
      continue;
    }
    const text = rowText(row, c, width);
    if (k === selected) {
      // A marker as well as the inverse video: the selection shows without colours (NO_COLOR, a text capture).
      const marked = '>' + text.slice(1);
      lines.push(<Text key={k} inverse bold={focused}>{marked}</Text>);
      continue;
    }
    const { fg, bg } = ruleColors(theme, row.colorRule);
    lines.push(<Text key={k} color={fg} backgroundColor={bg}>{text}</Text>);
  }
  return (
    <Box flexDirection="column" width={width} height={height + 1}>
      <Text bold underline={focused}>{headerText(c, width)}</Text>
      {lines}
    </Box>
  );
}
