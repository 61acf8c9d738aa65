/**
 * The command line's side of display filters: `-Y`/`-R` compiled before anything is read (a bad
 * expression is an option error with a caret under it: the command line prints it as a usage
 * error, exit 1), and the tree's field selection widened by what the filter reads. With `-N`
 * letters holding `n` and `N`, host names in address literals are resolved, as tshark (./hosts.ts).
 */
import { compile, formatFilterError, type DisplayFilter } from './index.js';
import { FilterOptionError } from './errors.js';
import { hostsResolver, resolvesHosts } from './hosts.js';

export { FilterOptionError };

export interface CompiledOption {
  filter: DisplayFilter;
  fields: number[];
}

/**
 * Compiles the expression of option `flag`, or throws the FilterOptionError that shows where it is
 * wrong (`-Y: tcp.prot is neither a field nor a protocol name.` and the caret lines). `nameFlags`
 * are the command's `-N` letters.
 */
export function compileOption(flag: string, expr: string | undefined, nameFlags?: string): CompiledOption | undefined {
  if (expr === undefined) return undefined;
  const r = compile(expr, resolvesHosts(nameFlags) ? { resolveHost: hostsResolver() } : {});
  if (!r.ok) throw new FilterOptionError(`${flag}: ${formatFilterError(expr, r.error)}`);
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
