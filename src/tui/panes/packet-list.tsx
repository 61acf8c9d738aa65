/**
 * The packet list: No., Time, Source, Destination, Protocol, Length, Info, one row per frame
 * shown (all of them, or the display filter's), coloured by Wireshark's colouring rules. The
 * texts are the store's, which are `wirelite read`'s columns.
 */
import { Box, Text } from 'ink';
import type { PacketStore } from '../store/packet-store.js';
import { fit, ruleColors, type Theme } from '../theme.js';
import { headerText, listColumns, rowText } from './list-text.js';

export { headerText, listColumns, rowText, type ListColumns } from './list-text.js';

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
