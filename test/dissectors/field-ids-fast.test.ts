/**
 * The field-id tables that dissectors read on every packet (`F.srcport`) are objects in V8's fast
 * mode, not dictionaries: a dictionary makes every `F.x` of optimized code a generic LoadIC with a
 * hash lookup (12% of a header-fields read's CPU time on the real 2M capture). An object built by
 * more than about a dozen keyed stores (`out[key] = id`) turns into a dictionary; defineFields must
 * not build them that way. Checked with V8's own %HasFastProperties (natives syntax, enabled here).
 */
import { describe, expect, it } from 'vitest';
import { setFlagsFromString } from 'node:v8';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { defineFields, FT } from '../../src/dissectors/fields.js';

setFlagsFromString('--allow-natives-syntax');
const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;
setFlagsFromString('--no-allow-natives-syntax');

const SRC = join(__dirname, '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('field-id tables are fast-mode objects', () => {
  it('the natives check itself tells a dictionary from a fast object', () => {
    const dict: Record<string, number> = {};
    for (let i = 0; i < 100; i++) dict[`k${i}`] = i;
    expect(hasFastProperties(dict)).toBe(false);
    expect(hasFastProperties({ a: 1, b: 2 })).toBe(true);
  });

  it('defineFields of many fields returns a fast object with every id', () => {
    const specs = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`f${i}`, { name: `Fast ${i}`, abbrev: `fasttest.f${i}`, type: FT.UINT8 }]));
    const ids = defineFields(specs);
    expect(Object.keys(ids)).toHaveLength(150);
    expect(new Set(Object.values(ids)).size).toBe(150);
    expect(hasFastProperties(ids)).toBe(true);
  });

  it('every exported defineFields table of the dissectors is fast', async () => {
    // Modules that export a table made by defineFields (`export const X = defineFields(`).
    const files = sources(SRC).filter((f) => /export const \w+ = defineFields\(/.test(readFileSync(f, 'utf8')));
    expect(files.length).toBeGreaterThanOrEqual(10);
    const slow: string[] = [];
    let checked = 0;
    for (const f of files) {
      const names = [...readFileSync(f, 'utf8').matchAll(/export const (\w+) = defineFields\(/g)].map((m) => m[1]!);
      const mod = (await import(f)) as Record<string, object>;
      for (const n of names) {
        expect(mod[n], `${relative(SRC, f)} ${n}`).toBeTypeOf('object');
        checked++;
        if (!hasFastProperties(mod[n]!)) slow.push(`${relative(SRC, f)} ${n}`);
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10);
    expect(slow).toEqual([]);
  });
});
