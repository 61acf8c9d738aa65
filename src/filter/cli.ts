/**
 * The command line's side of display filters: `-Y`/`-R` compiled before anything is read (a bad
 * expression is a usage error with a caret under it, exit 1), and the tree's field selection
 * widened by what the filter reads.
 */
import { UsageError } from '../cli/errors.js';
import { compile, formatFilterError, type DisplayFilter } from './index.js';

export interface CompiledOption {
  filter: DisplayFilter;
  fields: number[];
}

/** Compiles the expression of option `flag`, or throws the usage error that shows where it is wrong. */
export function compileOption(flag: string, expr: string | undefined): CompiledOption | undefined {
  if (expr === undefined) return undefined;
  const r = compile(expr);
  if (!r.ok) throw new UsageError(`${flag}: ${formatFilterError(expr, r.error)}`);
  return { filter: r.filter, fields: r.fields };
}

/**
 * The fields the tree keeps: the output's (null keeps all) and every filter's. A filter that reads
 * only TCP fields adds only those, so the other layers keep no more items than the output needs.
 */
export function withFilterFields(outputFields: readonly number[] | null, ...filters: (CompiledOption | undefined)[]): readonly number[] | null {
  if (outputFields === null) return null;
  const extra = filters.flatMap((f) => f?.fields ?? []);
  if (!extra.length) return outputFields;
  return [...new Set([...outputFields, ...extra])];
}
