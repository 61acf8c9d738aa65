/**
 * The capture layer: the frame type, the pcap/pcapng push parser, file/stdin/gzip reading and
 * buffered pcap/pcapng writing. Everything above it works on {@link Frame}.
 */
export { LinkType, Direction, type Frame, type InterfaceInfo } from './frame.js';
export { CaptureFileError, type CaptureErrorKind } from './capture-error.js';
export {
  CaptureParser,
  type ByteOrder,
  type CaptureHandlers,
  type CustomBlock,
  type DecryptionSecrets,
  type FileFormat,
  type FileFormatName,
  type InterfaceStats,
  type NameRecord,
  type SectionInfo,
  type TimeValue,
} from './capture-parser.js';
export { FILE_READ_CHUNK, openCaptureSource, readCapture, READ_CHUNK, type CaptureSource, type ReadSummary } from './reader.js';
export {
  createCaptureEncoder,
  createCaptureWriter,
  encodeCapture,
  formatForPath,
  WRITE_BUFFER,
  type ByteSink,
  type CaptureWriter,
  type CaptureWriterOptions,
  type WriteFormat,
  type WriterStats,
} from './writer.js';
export { formatEpoch } from './timestamp.js';
