/**
 * `matches`: Wireshark's regular expressions are PCRE2, case-insensitive by default. This turns a
 * PCRE2 pattern into a JavaScript RegExp where the two read it the same, and refuses, with a
 * reason, what JavaScript would read differently or what could run for exponential time:
 * - leading option settings `(?i)`, `(?-i)`, `(?s)`, `(?m)`, `(?is)`... become flags, `(?x)`
 *   drops whitespace and comments; an option setting elsewhere and `(?i:...)` groups are refused
 *   (JavaScript 20's RegExp has no such thing);
 * - `\A` becomes `^`, `\z` `$` (without the `m` flag); `\Z` and `$` match before a final newline
 *   in PCRE2, so `$` becomes `(?=\n?$)` and `\Z` too; `(?P<n>` `(?P=n)` `\Q...\E` translated;
 * - possessive quantifiers, atomic groups, recursion, conditionals, `\K`, `\G`, `\h`, `\R`,
 *   `\p{..}` (PCRE2 without UTF here), callouts and backtracking verbs are refused;
 * - a quantified group that holds a quantifier (`(a+)+`, `(a*b?)*`), which JavaScript's
 *   backtracking engine may take exponential time on, is refused where PCRE2 would stop at its
 *   match limit: a bounded evaluation either way, but ours says so at compile time.
 */

export type RegexResult = { ok: true; re: RegExp } | { ok: false; message: string };

export function translateRegex(pcre: string): RegexResult {
  const fail = (why: string): RegexResult => ({ ok: false, message: `Regex compilation error: ${why}.` });
  const flags = new Set(['i']);
  let extended = false;
  let p = pcre;
  // Leading option settings.
  for (;;) {
    const m = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?\)/.exec(p);
    if (!m) break;
    for (const f of m[1] ?? '') {
      if (f === 'x') {
        extended = true;
        continue;
      }
      if (!'ism'.includes(f)) return fail(`the option (?${f}) is not supported by wirelite`);
      flags.add(f);
    }
    for (const f of m[2] ?? '') {
      if (!'ism'.includes(f)) return fail(`the option (?-${f}) is not supported by wirelite`);
      flags.delete(f);
    }
    p = p.slice(m[0].length);
  }
  if (extended) p = stripExtended(p);
  let out = '';
  let i = 0;
  let inClass = false;
  // Per open group: whether it holds a quantifier (for the nested-quantifier check).
  const groups: { quantified: boolean; alternation: boolean }[] = [];
  let lastAtomQuantified = false;
  let lastGroup: { quantified: boolean; alternation: boolean } | undefined;
  while (i < p.length) {
    const c = p[i]!;
    if (c === '\\') {
      const e = p[i + 1];
      if (e === undefined) return fail('\\ at end of pattern');
      if (inClass) {
        if ('hHvVRpPXN'.includes(e)) return fail(`\\${e} is not supported by wirelite`);
        out += c + e;
        i += 2;
        continue;
      }
      if (e === 'Q') {
        const end = p.indexOf('\\E', i + 2);
        const lit = p.slice(i + 2, end < 0 ? p.length : end);
        out += lit.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end < 0 ? p.length : end + 2;
        lastGroup = undefined;
        continue;
      }
      if (e === 'E') {
        i += 2;
        continue;
      }
      if (e === 'A') out += '^';
      else if (e === 'z') out += '$(?![\\s\\S])';
      else if (e === 'Z') out += '(?=\\n?$(?![\\s\\S]))';
      else if ('hHvVRKGXCNpPgk'.includes(e) && !(e === 'k' && p[i + 2] === '<')) return fail(`\\${e} is not supported by wirelite`);
      else out += c + e;
      i += 2;
      lastGroup = undefined;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      if (c === '[' && p[i + 1] === ':') {
        const end = p.indexOf(':]', i);
        const cls = POSIX_CLASSES[p.slice(i + 2, end)];
        if (end < 0 || !cls) return fail('unknown POSIX class name');
        out += cls;
        i = end + 2;
        continue;
      }
      out += c;
      i++;
      continue;
    }
    switch (c) {
      case '[':
        inClass = true;
        out += c;
        i++;
        if (p[i] === '^') {
          out += '^';
          i++;
        }
        if (p[i] === ']') {
          out += '\\]';
          i++;
        }
        lastGroup = undefined;
        continue;
      case '(': {
        if (p[i + 1] === '?') {
          const rest = p.slice(i + 2);
          if (rest.startsWith('#')) {
            const end = p.indexOf(')', i);
            i = end < 0 ? p.length : end + 1;
            continue;
          }
          if (rest.startsWith('P<')) {
            out += '(?<';
            i += 4;
          } else if (rest.startsWith('P=')) {
            const end = p.indexOf(')', i);
            out += `\\k<${p.slice(i + 4, end)}>`;
            i = end + 1;
            lastGroup = undefined;
            continue;
          } else if (rest.startsWith(':') || rest.startsWith('=') || rest.startsWith('!') || rest.startsWith('<=') || rest.startsWith('<!')) {
            const n = rest.startsWith('<') ? 3 : 2;
            out += p.slice(i, i + 1 + n);
            i += 1 + n;
          } else if (rest.startsWith('<') || rest.startsWith("'")) {
            if (rest.startsWith("'")) return fail("(?'name') groups are not supported by wirelite");
            out += '(?<';
            i += 3;
          } else if (rest.startsWith('>')) return fail('atomic groups (?>...) are not supported by wirelite');
          else if (rest.startsWith('|')) return fail('branch reset groups (?|...) are not supported by wirelite');
          else return fail(`(?${rest.slice(0, 2)} (an option setting inside the pattern, recursion, a condition or a callout) is not supported by wirelite`);
        } else if (p[i + 1] === '*') return fail('backtracking verbs (*...) are not supported by wirelite');
        else {
          out += '(';
          i++;
        }
        groups.push({ quantified: false, alternation: false });
        lastGroup = undefined;
        continue;
      }
      case ')': {
        const g = groups.pop();
        if (!g) return fail('unmatched closing parenthesis');
        if (g.quantified && groups.length) groups[groups.length - 1]!.quantified = true;
        out += ')';
        i++;
        lastGroup = g;
        continue;
      }
      case '|':
        if (groups.length) groups[groups.length - 1]!.alternation = true;
        out += c;
        i++;
        lastGroup = undefined;
        continue;
      case '$':
        out += flags.has('m') ? '$' : '(?=\\n?$(?![\\s\\S]))';
        i++;
        lastGroup = undefined;
        continue;
      case '*':
      case '+':
      case '?':
      case '{': {
        let q: string = c;
        if (c === '{') {
          const m = /^\{\d*(,\d*)?\}/.exec(p.slice(i));
          if (!m) {
            out += '\\{';
            i++;
            lastGroup = undefined;
            continue;
          }
          q = m[0];
        }
        i += q.length;
        if (p[i] === '+') return fail('possessive quantifiers (*+, ++, ?+) are not supported by wirelite');
        let lazy = '';
        if (p[i] === '?') {
          lazy = '?';
          i++;
        }
        const repeats = q !== '?' && q !== '{0,1}' && !/^\{\d*\}$/.test(q);
        if (repeats && lastGroup?.quantified) {
          return fail('a repeated group that holds a repetition (like (a+)+) can take exponential time; wirelite refuses it');
        }
        if (groups.length && repeats) groups[groups.length - 1]!.quantified = true;
        out += q + lazy;
        lastAtomQuantified = true;
        lastGroup = undefined;
        continue;
      }
      default:
        out += c;
        i++;
        lastGroup = undefined;
    }
  }
  void lastAtomQuantified;
  if (inClass) return fail('missing terminating ] for character class');
  if (groups.length) return fail('missing closing parenthesis');
  try {
    return { ok: true, re: new RegExp(out, [...flags].join('')) };
  } catch (e) {
    return fail(String((e as Error).message).replace(/^Invalid regular expression: /, ''));
  }
}

/** `(?x)`: whitespace and `#` comments outside classes are not part of the pattern. */
function stripExtended(p: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\') {
      out += c + (p[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (c === '#') {
      while (i < p.length && p[i] !== '\n') i++;
    } else if (!/\s/.test(c)) out += c;
  }
  return out;
}

const POSIX_CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z', digit: '0-9', alnum: 'a-zA-Z0-9', upper: 'A-Z', lower: 'a-z', space: '\\s', xdigit: '0-9a-fA-F',
  punct: '!-\\/:-@\\[-`{-~', word: '\\w', blank: ' \\t', cntrl: '\\x00-\\x1f\\x7f', print: ' -~', graph: '!-~',
};
