/**
 * The packet list's text (no Ink: the first screen is drawn with it before Ink is loaded): the
 * column widths, a row and the header, each exactly as wide as the pane.
 */
import type { PacketRow } from '../contract.js';
import { fit } from '../theme.js';

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
