/**
 * Errors of live capture, with a code the command maps to a message and an exit code.
 *
 * Codes: EUNAVAILABLE (the addon is not built), EPERM (no permission to capture), ENODEV (no such
 * interface, or it disappeared), ENETDOWN (the interface is or went down), EBADFILTER (the BPF
 * filter does not compile: libpcap's message), ETSTAMP, ELINKTYPE, ECLOSED, EPCAP (anything else
 * libpcap reports).
 */
export type LiveErrorCode =
  | 'EUNAVAILABLE'
  | 'EPERM'
  | 'ENODEV'
  | 'ENETDOWN'
  | 'EBADFILTER'
  | 'ETSTAMP'
  | 'ELINKTYPE'
  | 'ENOTSUP'
  | 'ECLOSED'
  | 'EPCAP';

const CODES = new Set<string>(['EUNAVAILABLE', 'EPERM', 'ENODEV', 'ENETDOWN', 'EBADFILTER', 'ETSTAMP', 'ELINKTYPE', 'ENOTSUP', 'ECLOSED', 'EPCAP']);

export class LiveCaptureError extends Error {
  override readonly name = 'LiveCaptureError';
  constructor(readonly code: LiveErrorCode, message: string) {
    super(message);
  }

  /** Wraps an error thrown by the addon (which carries `code`), or any other error as EPCAP. */
  static from(e: unknown): LiveCaptureError {
    if (e instanceof LiveCaptureError) return e;
    const code = (e as { code?: unknown })?.code;
    const message = (e as Error)?.message ?? String(e);
    return new LiveCaptureError(typeof code === 'string' && CODES.has(code) ? (code as LiveErrorCode) : 'EPCAP', message);
  }

  /** A plain object that crosses a worker boundary. */
  toJSON(): { code: LiveErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}
