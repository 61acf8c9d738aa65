/**
 * The detail tree of the selected packet: `read -V`'s lines, each layer and field expandable
 * (▸ closed, ▾ open); the line under the cursor is highlighted, its bytes in the hex pane.
 */
import { Box, Text } from 'ink';
import type { PacketDetail } from '../store/detail.js';
import { fit } from '../theme.js';
import { treeLineText } from './tree-model.js';

export { treeLineText } from './tree-model.js';

export interface DetailTreeProps {
  detail: PacketDetail | undefined;
  /** Message instead of a tree (loading, an error). */
  message?: string;
  visible: readonly number[];
  expanded: ReadonlySet<string>;
  /** Index into `visible` of the cursor, and of the first line on screen. */
  cursor: number;
  top: number;
  width: number;
  height: number;
  focused: boolean;
}

export function DetailTree({ detail, message, visible, expanded, cursor, top, width, height, focused }: DetailTreeProps) {
  const lines = [];
  if (!detail) lines.push(<Text key="m" dimColor>{fit(message ?? '', width)}</Text>);
  else {
    for (let k = top; k < Math.min(visible.length, top + height); k++) {
      const text = fit(treeLineText(detail, visible[k]!, expanded), width);
      lines.push(k === cursor ? <Text key={k} inverse={focused} underline={!focused}>{text}</Text> : <Text key={k}>{text}</Text>);
    }
  }
  return (
    <Box flexDirection="column" width={width} height={height}>
      {lines}
    </Box>
  );
}
