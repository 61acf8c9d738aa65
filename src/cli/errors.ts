/**
 * Exit codes and the error type for bad command-line use.
 *
 * 0: success (a malformed *packet* is not an error); 1: bad usage (unknown option, bad value,
 * unknown field); 2: the capture file could not be read to its end (every readable frame was
 * processed first); 3: an internal error (a bug: please report it).
 */
export const EXIT = { OK: 0, USAGE: 1, FILE: 2, INTERNAL: 3 } as const;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Commander helper for repeatable options. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
