/**
 * Completion for a filter bar: the field and protocol names (and functions) that continue what is
 * typed, with their descriptions. Only the last word of the text is completed.
 */
import { filterNames } from './values.js';

export interface Completion {
  /** The full name (`tcp.port`) or function (`len(`). */
  name: string;
  description: string;
  kind: 'protocol' | 'field' | 'function';
}

const FUNCTIONS: Completion[] = [
  { name: 'len(', description: 'byte length of a string or bytes field', kind: 'function' },
  { name: 'count(', description: 'number of occurrences of a field', kind: 'function' },
  { name: 'upper(', description: 'a string field in upper case', kind: 'function' },
  { name: 'lower(', description: 'a string field in lower case', kind: 'function' },
  { name: 'string(', description: 'a non-string field as a string', kind: 'function' },
  { name: 'max(', description: 'the largest of the values', kind: 'function' },
  { name: 'min(', description: 'the smallest of the values', kind: 'function' },
  { name: 'abs(', description: 'the absolute value of a number', kind: 'function' },
];

/**
 * Names that start with the last word of `prefix`: protocols first, then fields one level below
 * what is typed (`tcp.` offers `tcp.port`, `tcp.flags`, not every `tcp.flags.*`), then deeper
 * ones, each group in alphabetical order; at most `limit`.
 */
export function complete(prefix: string, limit = 50): Completion[] {
  const m = /[\w.-]*$/.exec(prefix);
  const word = m ? m[0] : '';
  const depth = word.split('.').length;
  const out: (Completion & { rank: number })[] = [];
  for (const n of filterNames()) {
    if (!n.name.startsWith(word)) continue;
    const d = n.name.split('.').length;
    out.push({ name: n.name, description: n.description, kind: n.protocol ? 'protocol' : 'field', rank: n.protocol ? 0 : d <= depth ? 1 : d === depth + 1 ? 2 : 3 });
  }
  for (const f of FUNCTIONS) if (word && !word.includes('.') && f.name.startsWith(word)) out.push({ ...f, rank: 1 });
  out.sort((a, b) => a.rank - b.rank || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out.slice(0, limit).map(({ rank: _rank, ...c }) => c);
}
