/**
 * The display filter's tokens, as tshark 4.0's scanner (epan/dfilter/scanner.l) cuts them: words
 * (field names and unquoted literals, which may hold `.`, `:`, `/` and `-`: `10.0.0.0/8`,
 * `aa:bb:cc`, so a subtraction needs a space before its `-`), quoted strings with C escapes, raw
 * strings `r"..."`, character constants, field references `${name}`, slices `[...]` (their inside
 * kept as text for the parser) and operators. Every token knows its place in the expression.
 */
import { FilterError } from './errors.js';

export type TokKind =
  | 'word'
  | 'string'
  | 'char'
  | 'ref'
  | 'slice'
  | 'op'
  | 'eof';

export interface Token {
  kind: TokKind;
  /** The operator or keyword text, the word, the decoded string, the reference's field name. */
  text: string;
  /** For strings: the source text as written (quotes included); for char constants: the code. */
  raw?: string;
  value?: number;
  start: number;
  end: number;
}

/** Words that are operators (tshark's keywords; `xor` is not one in 4.0). */
export const KEYWORDS = new Set([
  'and', 'or', 'not', 'eq', 'ne', 'gt', 'lt', 'ge', 'le', 'any_eq', 'all_ne', 'all_eq', 'any_ne',
  'contains', 'matches', 'in', 'bitwise_and', 'any', 'all',
]);

const OPS = ['===', '!==', '==', '!=', '<=', '>=', '&&', '||', '..', '<', '>', '!', '~', '&', '+', '-', '*', '/', '%', '(', ')', '{', '}', ',', '#'];

function isWordChar(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_' || c === '.' || c === ':' || c === '/' || c === '-';
}

/** The longest an expression may be (a filter bar's text; far above any typed filter). */
export const MAX_EXPRESSION = 1 << 16;

export function tokenize(src: string): Token[] {
  if (src.length > MAX_EXPRESSION) throw new FilterError(`the expression is too long (${src.length} characters; at most ${MAX_EXPRESSION})`, 0, src.length);
  const out: Token[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (c === '"' || (c === 'r' && src[i + 1] === '"')) {
      const raw = c === 'r';
      const r = readString(src, raw ? i + 1 : i, raw);
      out.push({ kind: 'string', text: r.value, raw: src.slice(start, r.end), start, end: r.end });
      i = r.end;
      continue;
    }
    if (c === "'") {
      const r = readChar(src, i);
      out.push({ kind: 'char', text: src.slice(start, r.end), value: r.code, start, end: r.end });
      i = r.end;
      continue;
    }
    if (c === '$' && src[i + 1] === '{') {
      const close = src.indexOf('}', i + 2);
      if (close < 0) throw new FilterError('a field reference "${" is not closed by "}"', start, n);
      const name = src.slice(i + 2, close).trim();
      if (!name) throw new FilterError('an empty field reference', start, close + 1);
      out.push({ kind: 'ref', text: name, start, end: close + 1 });
      i = close + 1;
      continue;
    }
    if (c === '[') {
      const close = src.indexOf(']', i + 1);
      if (close < 0) throw new FilterError('a slice "[" is not closed by "]"', start, n);
      out.push({ kind: 'slice', text: src.slice(i + 1, close), start, end: close + 1 });
      i = close + 1;
      continue;
    }
    if (isWordChar(c) && c !== '-' && !(c === '.' && src[i + 1] === '.')) {
      let j = i;
      while (j < n && isWordChar(src[j]!)) {
        // `80..90` is a range in a set: the word stops before `..` (a ".." never appears in a value).
        if (src[j] === '.' && src[j + 1] === '.') break;
        j++;
      }
      out.push({ kind: 'word', text: src.slice(i, j), start, end: j });
      i = j;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new FilterError(`"${c}" is not a valid character in a display filter`, start, start + 1);
    out.push({ kind: 'op', text: op, start, end: i + op.length });
    i += op.length;
  }
  out.push({ kind: 'eof', text: '', start: n, end: n });
  return out;
}

const SIMPLE_ESCAPES: Record<string, string> = { "'": "'", '"': '"', '\\': '\\', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** One escape at `src[i]` (just after the backslash): the text it stands for and where it ends. */
function readEscape(src: string, i: number, from: number): { text: string; end: number } {
  const e = src[i];
  if (e === undefined) throw new FilterError('a backslash at the end of the expression', from, src.length);
  if (SIMPLE_ESCAPES[e] !== undefined) return { text: SIMPLE_ESCAPES[e]!, end: i + 1 };
  if (e >= '0' && e <= '7') {
    let j = i;
    while (j < i + 3 && src[j]! >= '0' && src[j]! <= '7') j++;
    return { text: String.fromCharCode(parseInt(src.slice(i, j), 8) & 0xff), end: j };
  }
  if (e === 'x') {
    let j = i + 1;
    while (j < i + 3 && /[0-9a-fA-F]/.test(src[j] ?? '')) j++;
    if (j === i + 1) throw new FilterError('"\\x" must be followed by hexadecimal digits', i - 1, i + 1);
    return { text: String.fromCharCode(parseInt(src.slice(i + 1, j), 16)), end: j };
  }
  if (e === 'u' || e === 'U') {
    const w = e === 'u' ? 4 : 8;
    const hex = src.slice(i + 1, i + 1 + w);
    if (!new RegExp(`^[0-9a-fA-F]{${w}}$`).test(hex)) throw new FilterError(`"\\${e}" must be followed by ${w} hexadecimal digits`, i - 1, i + 1 + w);
    const cp = parseInt(hex, 16);
    // As C (and tshark 4.0): a universal character name may not stand for a basic character.
    if ((cp < 0xa0 && cp !== 0x24 && cp !== 0x40 && cp !== 0x60) || (cp >= 0xd800 && cp <= 0xdfff)) throw new FilterError(`\\${e}${hex} is not a valid universal character name`, i - 1, i + 1 + w);
    if (cp > 0x10ffff) throw new FilterError(`"\\${e}${hex}" is not a Unicode code point`, i - 1, i + 1 + w);
    return { text: String.fromCodePoint(cp), end: i + 1 + w };
  }
  throw new FilterError(`"\\${e}" is not a valid escape sequence`, i - 1, i + 1);
}

function readString(src: string, q: number, raw: boolean): { value: string; end: number } {
  let i = q + 1;
  let v = '';
  while (i < src.length) {
    const c = src[i]!;
    if (c === '"') return { value: v, end: i + 1 };
    if (c === '\\') {
      if (raw) {
        // A raw string keeps its backslashes; `\"` still does not end it.
        v += c + (src[i + 1] ?? '');
        i += 2;
        continue;
      }
      const r = readEscape(src, i + 1, q);
      v += r.text;
      i = r.end;
      continue;
    }
    v += c;
    i++;
  }
  throw new FilterError('The string is missing a closing quote "', raw ? q - 1 : q, src.length);
}

function readChar(src: string, q: number): { code: number; end: number } {
  let i = q + 1;
  let text: string;
  // tshark 4.0 reads '\n' as two characters (its scanner's own quirk; '\t', '\x0a' are fine).
  if (src.startsWith("\\n'", i)) throw new FilterError(`'\\n' is too long to be a valid character constant.`, q, i + 3);
  if (src[i] === '\\') {
    const r = readEscape(src, i + 1, q);
    text = r.text;
    i = r.end;
  } else {
    text = src[i] ?? '';
    i += text ? 1 : 0;
  }
  if (src[i] !== "'" || text.length !== 1) {
    const close = src.indexOf("'", q + 1);
    throw new FilterError(`${close < 0 ? src.slice(q) : src.slice(q, close + 1)} is not a valid character constant`, q, close < 0 ? src.length : close + 1);
  }
  return { code: text.charCodeAt(0), end: i + 1 };
}
