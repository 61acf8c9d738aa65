/**
 * Every key of the terminal UI's shell, for the help screen and the README (the views add theirs:
 * TuiView.keys).
 */
export const KEYS: readonly (readonly [string, string])[] = [
  ['↑ ↓  k j', 'previous / next packet, tree line, or hex row'],
  ['PgUp PgDn  Ctrl-B Ctrl-F', 'a page up / down'],
  ['g G  Home End', 'first / last packet (or line)'],
  ['Tab  Shift-Tab', 'next / previous pane: packet list, detail tree, hex'],
  ['Enter', 'list: open the detail tree; tree: expand or collapse the line'],
  ['→ l  ← h', 'tree: expand / collapse (← on a closed line goes to its parent); hex: next / previous byte'],
  ['Space', 'tree: expand or collapse the line'],
  ['E  C', 'tree: expand all / collapse all'],
  ['[  ]', 'hex: previous / next data source (reassembled or decrypted bytes)'],
  ['/', 'type a display filter (Enter applies it to the whole capture, Esc cancels, Tab completes)'],
  ['\\', 'clear the display filter'],
  ['w', 'live capture: save the packets captured so far (pcapng)'],
  ['Esc', 'back: from a pane to the list, from a view to the packets, out of the help'],
  ['?', 'this help'],
  ['q  Ctrl-C', 'quit (the terminal is restored)'],
  ['mouse click', 'select the tab, packet, tree line, byte or table row under the pointer; on a ▸/▾ or the selected line: expand / collapse; on a table\'s title: sort by it'],
  ['mouse wheel', 'scroll the pane under the pointer (the selection stays on screen)'],
];

/** Keys the shell takes on the packets screen: a view's hotkey must not be one of them. */
export const SHELL_KEYS = new Set(['q', '?', '/', '\\', 'k', 'j', 'g', 'G', 'h', 'l', 'E', 'C', 'w', ' ', '[', ']']);
