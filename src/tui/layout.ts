/**
 * The packets screen's layout (no Ink: the first screen is drawn with it before Ink is loaded):
 * the tab line, the list (its header and `list` rows), the tree's title and `tree` lines, the
 * bytes' title and `hex` lines, the filter bar (`bar` lines) and the status bar.
 */
/** The smallest terminal the packets screen is drawn in (else a message says so). */
export const MIN_WIDTH = 60;
export const MIN_HEIGHT = 12;

export interface PaneHeights {
  body: number;
  list: number;
  tree: number;
  hex: number;
}

export function paneHeights(height: number, bar: number): PaneHeights {
  const body = Math.max(3, height - 2 - bar); // tab line, status bar
  const list = Math.max(3, Math.floor(body * 0.45)) - 1; // minus its header
  const tree = Math.max(2, Math.floor((body - list - 1) * 0.55)) - 1; // minus its title
  const hex = Math.max(1, body - list - 1 - tree - 2);
  return { body, list, tree, hex };
}

/** A pane's title line: `── Name ───…`, `width` cells. */
export function paneTitle(name: string, width: number, extra = ''): string {
  const s = `── ${name} ${extra}`.padEnd(width, '─');
  return s.length > width ? s.slice(0, width) : s;
}

/** The idle filter bar's text (no filter applied). */
export const FILTER_IDLE = 'Filter: (none; / to type a display filter)';

/** A tab of the tab line, as drawn: ` Title [key] `. */
export const tabTitle = (t: { title: string; key: string }) => ` ${t.title} [${t.key}] `;

/** The tab line's first tab (the packets screen). */
export const PACKETS_TAB = { id: null as string | null, key: 'Esc', title: 'Packets' };

/** The tabs that fit wholly in `width` cells, from the first (the others are not drawn). */
export function fittingTabs<T extends { title: string; key: string }>(tabs: readonly T[], width: number): T[] {
  const shown: T[] = [];
  let x = 0;
  for (const t of tabs) {
    x += tabTitle(t).length;
    if (x > width) break;
    shown.push(t);
  }
  return shown;
}
