/**
 * The status bar's text (no Ink: the first screen is drawn with it before Ink is loaded): the
 * source, packets shown / total, indexing progress, a live capture's counters (with drops), and
 * the last message (a view's, an error's).
 */
import type { PacketStore } from '../store/packet-store.js';

/** The status bar of a live capture before libpcap's first statistics. */
export const COUNTERS_WAITING = 'counters: waiting for libpcap (about 1 s)';

export function statusText(store: PacketStore, message: string): string {
  const p = store.progress();
  const total = store.count();
  const shown = store.shownCount();
  const parts = [store.source];
  parts.push(store.filtered ? `${shown}/${total} shown` : `${total} packets`);
  if (p.phase === 'indexing') parts.push(`indexing ${p.fraction !== undefined ? Math.floor(p.fraction * 100) + '%' : '…'}`);
  else if (p.phase === 'analysing') parts.push(`2nd pass ${p.fraction !== undefined ? Math.floor(p.fraction * 100) + '%' : '…'}`);
  else if (p.phase === 'failed') parts.push(`stopped: ${p.message ?? 'error'}`);
  else if (p.phase === 'live') parts.push('capturing');
  if (!store.live && !store.twoPass) parts.push('one pass (big file)');
  const c = store.counters();
  if (c) parts.push(`received ${c.received}, dropped ${c.dropped}${c.ifDropped ? ` (+${c.ifDropped} by the interface)` : ''}`);
  // libpcap's first statistics come about a second after the capture starts: until then the
  // counters are said to be unknown (not shown as zeros), and a device that gives none says so.
  else if (store.live && p.phase === 'live') parts.push(COUNTERS_WAITING);
  else if (store.live && p.phase === 'done') parts.push('no counters from this device');
  if (message) parts.push(message);
  parts.push('? help');
  return parts.join(' │ ');
}
