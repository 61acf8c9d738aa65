/**
 * Frame sources: where the pipeline's frames come from. A capture file, standard input and a live
 * capture are one interface: `read` calls the handlers for every interface and frame, in order,
 * and resolves when the source ends (a damaged file rejects with a CaptureFileError after every
 * frame before the damage was delivered).
 */
import type { DecryptionSecrets, FileFormat } from '../capture/capture-parser.js';
import type { Frame, InterfaceInfo } from '../capture/frame.js';
import type { LiveCapture, LiveCaptureEnd } from '../capture/live/capture-session.js';
import { readCapture } from '../capture/reader.js';

export interface FrameHandlers {
  /** A frame, valid only during the call (copy it to keep it). Returns false to stop the source. */
  onFrame(frame: Frame): boolean | void;
  onInterface?(info: InterfaceInfo): void;
  /** The file's format, as soon as it is known (pcapng numbers interfaces). */
  onFormat?(format: FileFormat): void;
  onDecryptionSecrets?(secrets: DecryptionSecrets): void;
}

export interface ReadChoices {
  /** Chooses frames from their raw bytes before they are made (a shard of a parallel read). */
  select?: (d: Uint8Array, off: number, len: number, linkType: number) => boolean;
  /** A frame `select` skipped, by its time stamp (see CaptureHandlers.onSkipped). */
  onSkipped?: (tsSec: number, tsNsec: number, hasTime: boolean, interfaceId: number) => void;
  /** The consumer keeps nothing of a frame after its call: one reused Frame object may be given. */
  reuseFrames?: boolean;
  /** Between blocks of a file (see CaptureHandlers.pause). */
  pause?: () => Promise<void> | undefined;
}

export interface FrameSource {
  /** Shown in messages: the path, `standard input`, or the device. */
  readonly name: string;
  /** Whether the frames can be read again (a second pass): a file, not stdin nor a live capture. */
  readonly rereadable: boolean;
  read(handlers: FrameHandlers, choices?: ReadChoices): Promise<void>;
}

class StopSource extends Error {}

/** A capture file (pcap, pcapng, gzip-compressed or not), or standard input for `-`. */
export function fileSource(path: string): FrameSource {
  return {
    name: path === '-' ? 'standard input' : path,
    rereadable: path !== '-',
    async read(h, choices = {}) {
      try {
        await readCapture(path, {
          reuseFrames: choices.reuseFrames,
          pause: choices.pause,
          select: choices.select,
          onSkipped: choices.onSkipped,
          onFormat: h.onFormat,
          onInterface: h.onInterface,
          onDecryptionSecrets: h.onDecryptionSecrets,
          onFrame(frame) {
            if (h.onFrame(frame) === false) throw new StopSource();
          },
        });
      } catch (e) {
        if (!(e instanceof StopSource)) throw e;
      }
    },
  };
}

/**
 * A live capture (src/capture/live/capture-session.ts) as a frame source: open the capture with
 * `deliver` as its frame callback, then `read` starts it and resolves when it has ended (`end`
 * says how). The capture's one interface is announced first, as a file's would be.
 */
export class LiveSource implements FrameSource {
  readonly rereadable = false;
  name = 'live capture';
  end: LiveCaptureEnd | undefined;
  private handlers: FrameHandlers | undefined;
  private capture: LiveCapture | undefined;
  private iface: InterfaceInfo | undefined;

  /** The capture's frame callback (LiveCapture.open): frames wait in the capture until `read`. */
  readonly deliver = (frame: Frame): boolean => this.handlers!.onFrame(frame) !== false;

  /** The opened capture, and the interface its frames come from. */
  attach(capture: LiveCapture, iface: InterfaceInfo): void {
    this.capture = capture;
    this.iface = iface;
    this.name = capture.info.device;
  }

  async read(h: FrameHandlers): Promise<void> {
    const capture = this.capture;
    if (!capture) throw new Error('LiveSource.read before attach');
    this.handlers = h;
    h.onInterface?.(this.iface!);
    capture.start();
    this.end = await capture.ended;
  }
}
