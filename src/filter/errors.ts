/**
 * A filter's error: a message and the place in the expression it is about (`start` to `end`,
 * end exclusive), so a filter bar can underline it and the command line can put a caret under it.
 */
export class FilterError extends Error {
  override readonly name = 'FilterError';
  constructor(
    message: string,
    readonly start: number,
    readonly end: number,
    /** A suggestion shown on its own line (`did you mean tcp.port?`). */
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** The message, the expression and a caret line under the place (tshark's layout), and the hint. */
export function formatFilterError(expr: string, e: { message: string; start: number; end: number; hint?: string }): string {
  const oneLine = expr.replace(/[\r\n\t]/g, ' ');
  const start = Math.max(0, Math.min(e.start, oneLine.length));
  const width = Math.max(1, Math.min(e.end, oneLine.length) - start);
  let s = `${e.message}\n    ${oneLine}\n    ${' '.repeat(start)}^${'~'.repeat(width - 1)}`;
  if (e.hint) s += `\n${e.hint}`;
  return s;
}

/**
 * A display filter given as a command's option (`-Y`, `-R`) that does not compile: the message
 * names the option and shows the place. The command line reports it as a usage error (exit 1).
 */
export class FilterOptionError extends Error {
  override readonly name = 'FilterOptionError';
}
