/**
 * The filter bar: the display filter being typed, checked as it is typed (green: it compiles;
 * red: the compiler's message, with a caret under the place it is about), and the field names
 * that complete the last word, with their descriptions. Its state is plain data (FilterEdit), so
 * the shell's key handler and the tests drive it the same way.
 */
import { Box, Text } from 'ink';
import { compile, complete, type Completion } from '../../filter/index.js';
import { FILTER_IDLE } from '../layout.js';
import { fit, type Theme } from '../theme.js';

export interface FilterEdit {
  text: string;
  /** Index of the highlighted completion (-1: none). */
  choice: number;
}

export interface FilterCheck {
  ok: boolean;
  message?: string;
  start?: number;
  completions: Completion[];
}

/** Compiles the text and finds completions for its last word. */
export function checkFilter(text: string): FilterCheck {
  const word = /[\w.-]*$/.exec(text)?.[0] ?? '';
  const completions = word ? complete(text, 8).filter((c) => c.name !== word) : [];
  if (text.trim() === '') return { ok: true, completions };
  const r = compile(text);
  if (r.ok) return { ok: true, completions };
  return { ok: false, message: r.error.message + (r.error.hint ? ` (${r.error.hint})` : ''), start: r.error.start, completions };
}

/** The text with completion `c` in place of its last word. */
export function applyCompletion(text: string, c: Completion): string {
  return text.replace(/[\w.-]*$/, c.name);
}

export interface FilterBarProps {
  /** Being edited (undefined: the bar shows the filter applied). */
  edit?: FilterEdit;
  applied: string;
  /** Progress of the filter applied, 0..1, while it runs. */
  running?: number;
  error?: string;
  width: number;
  theme: Theme;
}

/** Lines the bar takes: 1, or more while editing (the error's caret, completions). */
export function FilterBar({ edit, applied, running, error, width, theme }: FilterBarProps) {
  if (!edit) {
    const state = error ? `  ✗ ${error}` : running !== undefined && running < 1 ? `  filtering ${Math.floor(running * 100)}%` : '';
    const text = applied ? `Filter: ${applied}${state}` : FILTER_IDLE;
    return <Text color={error && theme.color ? 'red' : undefined} dimColor={!applied && !error}>{fit(text, width)}</Text>;
  }
  const chk = checkFilter(edit.text);
  const prompt = '/ ';
  const col = chk.ok ? 'green' : 'red';
  const lines = [
    <Text key="t">
      <Text bold>{prompt}</Text>
      <Text color={theme.color ? col : undefined} inverse={!theme.color && !chk.ok}>{edit.text}</Text>
      <Text inverse> </Text>
      <Text>{' '.repeat(Math.max(0, width - prompt.length - edit.text.length - 1))}</Text>
    </Text>,
  ];
  if (!chk.ok) {
    lines.push(<Text key="c" color={theme.color ? 'red' : undefined}>{fit(' '.repeat(prompt.length + (chk.start ?? 0)) + '^ ' + chk.message, width)}</Text>);
  }
  chk.completions.slice(0, 6).forEach((c, k) => {
    const text = fit(`  ${c.name.padEnd(28)} ${c.description}`, width);
    lines.push(k === edit.choice ? <Text key={c.name} inverse>{text}</Text> : <Text key={c.name} dimColor>{text}</Text>);
  });
  return <Box flexDirection="column">{lines}</Box>;
}

/** Lines the bar takes for `edit` (the shell gives the rest to the panes). */
export function filterBarHeight(edit: FilterEdit | undefined): number {
  if (!edit) return 1;
  const chk = checkFilter(edit.text);
  return 1 + (chk.ok ? 0 : 1) + Math.min(6, chk.completions.length);
}
