/**
 * Colours of the terminal UI: Wireshark's colouring rules (src/render/color.ts) as terminal
 * colours, or none when NO_COLOR (https://no-color.org) is set. Ink's colour library reduces the
 * 24-bit colours to what the terminal supports (256, 16, or none: FORCE_COLOR=0).
 */
import { COLOR_RULES, type Rgb16 } from '../render/color.js';

export interface Theme {
  color: boolean;
}

export function themeFromEnv(env: NodeJS.ProcessEnv = process.env): Theme {
  return { color: !env.NO_COLOR && env.FORCE_COLOR !== '0' };
}

const hex = (c: Rgb16) => '#' + c.map((v) => (v >> 8).toString(16).padStart(2, '0')).join('');

/** Foreground and background of a row coloured by rule `index` (-1: none). */
export function ruleColors(theme: Theme, index: number): { fg?: string; bg?: string } {
  const r = index >= 0 ? COLOR_RULES[index] : undefined;
  if (!theme.color || !r) return {};
  return { fg: hex(r.foreground), bg: hex(r.background) };
}

/** Pads or cuts `s` to exactly `w` cells (the UI's texts are one cell per character but for wide ones, which are rare in packet text). */
export function fit(s: string, w: number): string {
  if (w <= 0) return '';
  if (s.length > w) return w > 1 ? s.slice(0, w - 1) + '…' : s.slice(0, w);
  return s + ' '.repeat(w - s.length);
}
