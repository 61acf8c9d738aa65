/**
 * The one error type of the capture layer: a capture file (or stream) that cannot be read to its end.
 * Frames before the damage have already been delivered when it is raised.
 */

/** Why reading stopped. */
export type CaptureErrorKind =
  /** Zero bytes: not even a file header. */
  | 'empty'
  /** The magic number is neither pcap nor pcapng. */
  | 'not-a-capture'
  /** A version, or a header field, that we (and tshark) refuse. */
  | 'unsupported'
  /** The data stops inside a header, record or block. */
  | 'truncated'
  /** A length or field that cannot be right (not a multiple of 4, larger than any limit, ...). */
  | 'corrupt'
  /** The source could not be opened or read (no such file, permission, broken gzip stream). */
  | 'io';

export class CaptureFileError extends Error {
  override readonly name = 'CaptureFileError';
  /** Frames delivered before the error. */
  readonly framesRead: number;
  /** Byte offset (in the decompressed stream) of the header/record/block at fault. */
  readonly offset: number;
  readonly kind: CaptureErrorKind;
  /** The reason without the "(read N frames)" suffix. */
  readonly detail: string;

  constructor(kind: CaptureErrorKind, detail: string, framesRead: number, offset: number, options?: { cause?: unknown }) {
    // Say how far we got whenever frames were delivered or the file was cut/damaged mid-way,
    // so a user knows the output above the message is complete up to that point.
    const withCount = framesRead > 0 || kind === 'truncated' || kind === 'corrupt';
    super(withCount ? `${detail} (read ${framesRead} frame${framesRead === 1 ? '' : 's'})` : detail, options);
    this.kind = kind;
    this.detail = detail;
    this.framesRead = framesRead;
    this.offset = offset;
  }

  /** The same error with another frame count (a source error seen by the reader that knows the count). */
  withFramesRead(framesRead: number): CaptureFileError {
    return new CaptureFileError(this.kind, this.detail, framesRead, this.offset, { cause: this.cause });
  }
}
