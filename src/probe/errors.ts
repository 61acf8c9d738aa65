/**
 * The probe commands' error and exit codes, apart from common.ts (routes, stack), so that the CLI
 * can catch a ProbeError without loading the probe stack for every command.
 */
export const PROBE_EXIT = { OK: 0, NO_REPLY: 1, ERROR: 2, INTERNAL: 3, PERMISSION: 4, UNAVAILABLE: 5 } as const;

export class ProbeError extends Error {
  override readonly name = 'ProbeError';
  constructor(message: string, readonly exitCode: number = PROBE_EXIT.ERROR) {
    super(message);
  }
}
