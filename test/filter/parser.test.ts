/**
 * The filter language's front end: precedence (as tshark 4.0's grammar), every error message with
 * the place it points at, printing back to text, completion, and hostile expressions.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Expr } from '../../src/filter/ast.js';
import { compile, complete, formatFilterError, parse, printExpr } from '../../src/filter/index.js';
import { translateRegex } from '../../src/filter/regex.js';

/** The tree without places, for comparing parses. */
function shape(e: unknown): unknown {
  if (Array.isArray(e)) return e.map(shape);
  if (e && typeof e === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(e)) if (!['start', 'end', 'opStart', 'opEnd', 'nameEnd', 'opText', 'text'].includes(k)) o[k] = shape(v);
    return o;
  }
  return e;
}

/** Fully parenthesised logic, to read precedence off. */
function paren(e: Expr): string {
  switch (e.k) {
    case 'or':
    case 'and':
      return `(${paren(e.left)} ${e.k} ${paren(e.right)})`;
    case 'not':
      return `(not ${paren(e.of)})`;
    default:
      return printExpr(e);
  }
}

describe('precedence', () => {
  it.each([
    ['A and B or not C or D and not E or F', '((((A and B) or (not C)) or (D and (not E))) or F)'],
    ['a or b and c', '(a or (b and c))'],
    ['a and b or c', '((a and b) or c)'],
    ['not a and b', '((not a) and b)'],
    ['not not a', '(not (not a))'],
    ['!a || !b && c', '((not a) or ((not b) and c))'],
    ['(a or b) and c', '((a or b) and c)'],
    ['a && b && c', '((a and b) and c)'],
    ['tcp.port == 80 and ip', '(tcp.port == 80 and ip)'],
  ])('%s', (src, want) => {
    expect(paren(parse(src))).toBe(want);
  });

  it('arithmetic: * over +, + over &, braces group, unary minus binds tightest', () => {
    expect(printExpr(parse('a + b * c == 1'))).toBe('a + b * c == 1');
    expect(printExpr(parse('{a + b} * c == 1'))).toBe('{a + b} * c == 1');
    const e = parse('a & b + c') as Extract<Expr, { k: 'test' }>;
    expect(e.of.k === 'arith' && e.of.op).toBe('&');
    const m = parse('a - b - c == 1') as Extract<Expr, { k: 'cmp' }>;
    expect(m.left.k === 'arith' && m.left.left.k).toBe('arith'); // left-associative
    const n = parse('-a * b == 1') as Extract<Expr, { k: 'cmp' }>;
    expect(n.left.k === 'arith' && n.left.left.k).toBe('neg');
  });

  it('comparisons take every spelling, and any/all', () => {
    const ops = (s: string) => (parse(s) as Extract<Expr, { k: 'cmp' }>).op;
    expect(['eq', 'any_eq', '=='].map((o) => ops(`a ${o} 1`))).toEqual(['==', '==', '==']);
    expect(['ne', 'all_ne', '!='].map((o) => ops(`a ${o} 1`))).toEqual(['!=', '!=', '!=']);
    expect(['all_eq', '==='].map((o) => ops(`a ${o} 1`))).toEqual(['===', '===']);
    expect(['any_ne', '!=='].map((o) => ops(`a ${o} 1`))).toEqual(['!==', '!==']);
    expect(['gt', 'lt', 'ge', 'le', '~', 'matches', 'contains'].map((o) => ops(`a ${o} "x"`))).toEqual(['>', '<', '>=', '<=', 'matches', 'matches', 'contains']);
    expect((parse('all tcp.port > 1') as Extract<Expr, { k: 'cmp' }>).quant).toBe('all');
  });
});

describe('printing back to text parses to the same tree', () => {
  const samples = [
    'tcp.port == 80 && !(udp || icmp)',
    'a or (b or c)',
    'not (a and b) or c',
    'tcp.srcport + 1 == 81',
    'tcp.dstport >= 4 * {tcp.srcport + 3}',
    'a - {b - c} == 1',
    'frame[1,3-5,9:] == 01:03:04:05:09:0a:0b',
    'frame[-4:] == 00:01 && eth.src[:3] == 00:00:83 && ip[0] == 45',
    'tcp.port in {80, 443, 4430..4434}',
    'all tcp.port in {1..1024}',
    'dns.qry.name matches "^www\\\\.(?-i)X" || http contains r"\\d"',
    "frame.len > '\\x0a' && frame.len < 'a'",
    'len(tcp.payload) > 2 && max(tcp.srcport, tcp.dstport, 1) == 443',
    'frame.number == ${frame.number} - 1',
    '-tcp.srcport < -1000',
    'ip.addr == 10.0.0.0/8 and ipv6.addr == fe80::/10 or eth.dst == ff:ff:ff:ff:ff:ff',
    'any ip.addr !== 1.1.1.1',
    'tcp.flags & 0x12 == 0x12',
    'ip.addr#2 == 10.0.0.1 || tcp.port#[1-2] == 80 || ip#1[0] == 45',
  ];
  it.each(samples)('%s', (src) => {
    const t = parse(src);
    const back = printExpr(t);
    expect(shape(parse(back))).toEqual(shape(t));
    expect(printExpr(parse(back))).toBe(back);
  });

  it('for random trees of logic over tests', () => {
    const leaf = fc.constantFrom('tcp', 'udp.port == 53', 'ip.addr == 10.0.0.0/8', 'frame[0:2] == ff:ff', 'a + b * {c - d} == 1', 'x in {1, 2..3}');
    const tree: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.tuple(tie('e'), fc.constantFrom(' and ', ' or ', ' && ', ' || '), tie('e')).map(([a, o, b]) => `(${a})${o}(${b})`),
        tie('e').map((a) => `not (${a})`),
      ),
    })).e;
    fc.assert(
      fc.property(tree, (src) => {
        const t = parse(src);
        expect(shape(parse(printExpr(t)))).toEqual(shape(t));
      }),
      { numRuns: 300, seed: 17 },
    );
  });
});

/** The message and the text under the caret. */
function err(expr: string): [string, string, string | undefined] {
  const r = compile(expr);
  if (r.ok) throw new Error(`accepted: ${expr}`);
  return [r.error.message, expr.slice(r.error.start, r.error.end), r.error.hint];
}

describe('errors say what and where', () => {
  it.each<[string, string, string, string?]>([
    ['tcp.prot', 'tcp.prot is neither a field nor a protocol name.', 'tcp.prot', 'did you mean tcp.port?'],
    ['tcp.prot == 80', 'tcp.prot is neither a field nor a protocol name.', 'tcp.prot', 'did you mean tcp.port?'],
    ['"abc"', '"abc" is neither a field nor a protocol name.', '"abc"'],
    ['xor', 'xor is neither a field nor a protocol name.', 'xor'],
    ['tcp.port == 80 xor ip', '"xor" was unexpected in this context.', 'xor'],
    ['tcp)', '")" was unexpected in this context.', ')'],
    ['tcp.port in {80 443}', '"443" was unexpected in this context.', '443'],
    ['tcp.port == 80 == 1', '"==" was unexpected in this context.', '=='],
    ['tcp and', 'Unexpected end of filter expression.', ''],
    ['(tcp', 'Unexpected end of filter expression.', ''],
    ['', 'The filter expression is empty.', ''],
    ['tcp.port == abc', '"abc" is not a valid number.', 'abc'],
    ['tcp.port == 70000', '"70000" too big for this field, maximum 65535.', '70000'],
    ['tcp.port == "80"', 'Unsigned integer (2 bytes) cannot be converted from a string ("80").', '"80"'],
    ['ip.proto == abc', '"abc" cannot be found among the possible values for ip.proto.', 'abc'],
    ['tcp.flags.syn == true', '"true" cannot be found among the possible values for tcp.flags.syn.', 'true'],
    ['ip.addr == abc', '"abc" is not a valid hostname or IPv4 address.', 'abc'],
    ['ip.addr == 1.2.3.4/33', 'Netmask bits in a CIDR IPv4 address should be <= 32, not 33', '1.2.3.4/33'],
    ['ipv6.addr == xyz', '"xyz" is not a valid hostname or IPv6 address.', 'xyz'],
    ['eth.addr == aa:bb', '"aa:bb" contains too few bytes to be a valid Ethernet address.', 'aa:bb'],
    ['eth.addr == zz', '"zz" is not a valid Ethernet address.', 'zz'],
    ['tcp.payload == zz', '"zz" is not a valid byte string.', 'zz'],
    ['frame.len > 1.5', '"1.5" is not a valid number.', '1.5'],
    ['frame.time_relative > 1e-1', '"1e-1" is not a valid time.', '1e-1'],
    ['frame.time == "abc"', '"abc" is not a valid absolute time. Example: "Nov 12, 1999 08:55:44.123" or "2011-07-04 12:34:56"', '"abc"'],
    ['tcp.srcport == tcp', 'tcp.srcport and tcp are not of compatible types.', 'tcp'],
    ['tcp.port contains 80', 'tcp.port (type=Unsigned integer (2 bytes)) cannot participate in contains comparison.', 'tcp.port'],
    ['ip.src ~ "127"', 'ip.src (type=IPv4 address) cannot participate in ~ comparison.', 'ip.src'],
    ['tcp.analysis.retransmission == 1', 'tcp.analysis.retransmission (type=Label) cannot participate in == comparison.', 'tcp.analysis.retransmission'],
    ['dns.qry.name matches abc', 'Matches requires a double quoted string on the right side.', 'abc'],
    ['dns.qry.name matches "[a"', 'Regex compilation error: missing terminating ] for character class.', '"[a"'],
    ['tcp.port[0] == 1', '"tcp.port" is a Unsigned integer (2 bytes) and cannot be sliced into a sequence of bytes.', 'tcp.port'],
    ['frame[a]', '"a" is not a valid slice: "a" is not a range (i:j, i-j, i, :j or i:).', '[a]'],
    ['frame[1:0] == 00', '"1:0" is not a valid slice: a length must be positive.', '[1:0]'],
    ['len(tcp.payload)', 'You cannot test whether a function is present.', 'len'],
    ['foo(tcp.port)', "Function 'foo' does not exist", 'foo'],
    ['upper(tcp.port) == "A"', 'Only string type fields can be used as parameter for upper()', 'tcp.port'],
    ['count(80) == 1', 'Only fields can be used as parameter for count()', '80'],
    ['string(tcp.payload) == "a"', 'String conversion for field "tcp.payload" is not supported', 'tcp.payload'],
    ['max(tcp.srcport, ip.src) == 1', "Arguments to 'max' must have the same type (expected Unsigned integer (2 bytes), got IPv4 address)", 'ip.src'],
    ['abs(-1) == 1', 'Constant arithmetic expression on the LHS is invalid.', 'abs(-1)'],
    ['80 == tcp.port', 'Left side of "==" expression must be a field or function, not 80.', '80'],
    ['${tcp.prot} == 1', 'tcp.prot is neither a field nor a protocol name.', '${tcp.prot}', 'did you mean tcp.port?'],
    ['dns.qry.name == "abc', 'The string is missing a closing quote "', '"abc'],
    ["frame.len > '\\n'", "'\\n' is too long to be a valid character constant.", "'\\n'"],
    ['frame contains "\\u0041"', '\\u0041 is not a valid universal character name', '\\u0041'],
    ['frame contains "\\q"', '"\\q" is not a valid escape sequence', '\\q'],
    ['80#1 == 80', '80 is neither a field nor a protocol name.', '80'],
    ['_ws.expert.message#1', 'The layer operator "#" needs a field of a protocol, not _ws.expert.message.', '_ws.expert.message#1'],
    ['tcp.port# == 80', '"==" was unexpected in this context.', '=='],
    ['tcp.port == 80 @', '"@" is not a valid character in a display filter', '@'],
    ['sip.Method', 'sip.Method is neither a field nor a protocol name.', 'sip.Method', '(SIP is a Wireshark protocol that wirelite does not dissect)'],
  ])('%s', (expr, message, under, hint) => {
    const [m, u, h] = err(expr);
    expect(m).toBe(message);
    expect(u).toBe(under);
    if (hint) expect(h).toBe(hint);
  });

  it('the command line shows the expression with a caret under the place', () => {
    const r = compile('ip.src == 10.0.0.1 && tcp.prot == 80');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(formatFilterError('ip.src == 10.0.0.1 && tcp.prot == 80', r.error)).toBe(
      'tcp.prot is neither a field nor a protocol name.\n    ip.src == 10.0.0.1 && tcp.prot == 80\n                          ^~~~~~~~\ndid you mean tcp.port?',
    );
  });
});

describe('hostile expressions get an error or a bounded evaluation', () => {
  it('deep nesting: an error, not a stack overflow', () => {
    for (const src of ['('.repeat(100000) + 'tcp' + ')'.repeat(100000), '!'.repeat(100000) + 'tcp', '{'.repeat(50000) + 'tcp.port' + '}'.repeat(50000) + ' == 1', '-'.repeat(50000) + 'tcp.port == 1']) {
      const r = compile(src);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(/nested too deeply|too long/);
    }
    expect(compile('('.repeat(150) + 'tcp' + ')'.repeat(150)).ok).toBe(true);
  });

  it('a long chain of and/or is not nesting: it compiles', () => {
    expect(compile(Array.from({ length: 3000 }, (_, i) => `tcp.port == ${i}`).join(' || ')).ok).toBe(true);
  });

  it('a huge set compiles once and is a lookup per value', () => {
    const r = compile(`tcp.port in {${Array.from({ length: 8000 }, (_, i) => i * 8 + 1).join(', ')}}`);
    expect(r.ok).toBe(true);
  });

  it('an expression longer than 64 KiB is refused', () => {
    const r = compile('tcp.port == 1 || '.repeat(5000) + 'tcp');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/too long/);
  });

  it('catastrophic regular expressions are refused at compile time', () => {
    for (const re of ['(a+)+$', '(a*)*b', '((ab)*)+', '(x+x+)+y', '(?:a|b+)*c']) {
      const r = translateRegex(re);
      expect(r.ok, re).toBe(false);
      if (!r.ok) expect(r.message).toMatch(/exponential time/);
    }
    for (const re of ['a+b+', '(ab)+', '(GET|POST) /', '[a-z]+\\.com$', '(a|b)*c']) expect(translateRegex(re).ok, re).toBe(true);
  });
});

describe('PCRE2 to JavaScript', () => {
  const t = (p: string) => {
    const r = translateRegex(p);
    if (!r.ok) throw new Error(r.message);
    return r.re;
  };
  it('is case-insensitive by default; (?-i) makes it sensitive; leading options become flags', () => {
    expect(t('abc').test('xABCx')).toBe(true);
    expect(t('(?-i)abc').test('ABC')).toBe(false);
    expect(t('(?s)a.b').test('a\nb')).toBe(true);
    expect(t('a.b').test('a\nb')).toBe(false);
    expect(t('(?x) a b # comment').test('AB')).toBe(true);
  });
  it('translates what JavaScript reads differently', () => {
    expect(t('\\Aab').test('xab')).toBe(false);
    expect(t('ab$').test('ab\n')).toBe(true); // PCRE2's $ before a final newline
    expect(t('ab\\z').test('ab\n')).toBe(false);
    expect(t('(?P<w>a)(?P=w)').test('aa')).toBe(true);
    expect(t('\\Qa.b\\E').test('axb')).toBe(false);
    expect(t('[[:digit:]]+').test('x12')).toBe(true);
  });
  it('refuses what it cannot translate, saying why', () => {
    for (const p of ['a++', '(?>a)', '(?i:a)', 'a(?i)b', '\\p{L}', '(?|a)', '(*ACCEPT)', '(?R)']) expect(translateRegex(p).ok, p).toBe(false);
  });
});

describe('complete()', () => {
  it('offers the names that continue the last word, protocols first, with descriptions', () => {
    const c = complete('ip.src == 1.2.3.4 && tcp.po');
    expect(c.map((x) => x.name)).toContain('tcp.port');
    expect(c.find((x) => x.name === 'tcp.port')?.description).toMatch(/port/i);
    expect(complete('tc')[0]).toMatchObject({ name: 'tcp', kind: 'protocol' });
    expect(complete('tcp.').every((x) => x.name.startsWith('tcp.'))).toBe(true);
    expect(complete('le').some((x) => x.name === 'len(' && x.kind === 'function')).toBe(true);
    expect(complete('_ws.ex').map((x) => x.name)).toContain('_ws.expert.severity');
  });
});
