/**
 * The status bar: the source, packets shown / total, indexing progress, a live capture's counters
 * (with drops), and the last message (a view's, an error's).
 */
import { Text } from 'ink';
import type { PacketStore } from '../store/packet-store.js';
import { fit } from '../theme.js';
import { statusText } from './status-text.js';

export { COUNTERS_WAITING, statusText } from './status-text.js';

export function StatusBar({ store, message, width }: { store: PacketStore; message: string; width: number }) {
  return <Text inverse>{fit(statusText(store, message), width)}</Text>;
}
