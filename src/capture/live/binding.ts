/**
 * The libpcap addon (native/pcap_binding.cc), loaded on first use, with its types.
 *
 * This module and the worker are the only code that touches the native binding. The addon is
 * optional: when it was not built (no libpcap headers at install time), `loadBinding()` throws a
 * `LiveCaptureError` with code `EUNAVAILABLE` whose message says what to install.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { LiveCaptureError } from './live-error.js';

/** Options of `pcap_create` + `pcap_set_*` before `pcap_activate`. */
export interface OpenOptions {
  /** Bytes kept of each packet (default 262144). */
  snaplen?: number;
  /** Promiscuous mode (default true, as tcpdump). */
  promisc?: boolean;
  /** Deliver each packet as soon as it arrives (TPACKET_V2) instead of in kernel blocks. */
  immediate?: boolean;
  /** Kernel ring size in bytes (default: libpcap's, 2 MiB). */
  bufferSize?: number;
  /** Kernel block timeout in ms when not immediate (default 100). */
  timeoutMs?: number;
  /** Ask for nanosecond time stamps (default true; falls back to microseconds). */
  nanoseconds?: boolean;
  /** A time stamp type name as libpcap spells it (host, adapter, adapter_unsynced, ...). */
  tstampType?: string;
  /** A link-layer type (DLT value) to select after activation (`-y`). */
  linkType?: number;
}

export interface PcapStats {
  /** ps_recv: packets that passed the filter (Linux: as the kernel counts them). */
  received: number;
  /** ps_drop: dropped by the kernel for lack of buffer room. */
  dropped: number;
  /** ps_ifdrop: dropped by the interface or its driver. */
  ifDropped: number;
}

export interface NativeHandle {
  /**
   * Copies ready packets into `buffer` (records described by `RECORD_HEADER`), waiting at most
   * `timeoutMs` when none is ready. Returns how many were copied (0 on timeout).
   */
  read(buffer: Uint8Array, timeoutMs: number, maxPackets?: number): number;
  setFilter(expression: string, optimize?: boolean): void;
  datalink(): number;
  listDatalinks(): number[];
  snapshot(): number;
  nanoseconds(): boolean;
  warning(): string | undefined;
  stats(): PcapStats;
  inject(bytes: Uint8Array): number;
  /** Frees everything. Idempotent; any later call but close/isOpen throws (code ECLOSED). */
  close(): void;
  isOpen(): boolean;
  /** True once after the interface was seen going down (the capture stays open). */
  takeLinkDown(): boolean;
}

export interface DeviceAddress {
  family: 'inet' | 'inet6' | 'link' | 'other';
  addr: string;
  netmask?: string;
  broadaddr?: string;
  dstaddr?: string;
}

export interface Device {
  name: string;
  description?: string;
  loopback: boolean;
  up: boolean;
  running: boolean;
  wireless: boolean;
  connection: 'unknown' | 'connected' | 'disconnected' | 'not applicable';
  addresses: DeviceAddress[];
}

export interface PcapBinding {
  PcapHandle: new (device: string, options: OpenOptions) => NativeHandle;
  findAllDevs(): Device[];
  libVersion(): string;
  /** Compiles a filter for a link type without a device; returns its instruction count. */
  compileFilter(linkType: number, snaplen: number, expression: string): number;
  /** `[name, description]` of a DLT value, e.g. `['EN10MB', 'Ethernet']`. */
  datalinkName(value: number): [string, string] | undefined;
  /** The DLT value of a name (`LINUX_SLL2`), or -1. */
  datalinkValue(name: string): number;
  timestampTypes(device: string): string[];
  recordHeaderBytes: number;
}

/**
 * Layout of one record of a batch, in 32-bit native-endian words: seconds (low, high),
 * nanoseconds, captured length, original length, reserved. The data follows the 24-byte header and
 * the next record starts at the following multiple of 8.
 */
export const RECORD_HEADER = { SEC_LO: 0, SEC_HI: 1, NSEC: 2, CAPLEN: 3, ORIGLEN: 4, WORDS: 6, BYTES: 24 } as const;

/** The addon's path: native/build/Release beside src/ and dist/ (both are two levels below the root). */
export function addonPath(): string {
  return process.env.WIRELITE_PCAP_ADDON ?? fileURLToPath(new URL('../../../native/build/Release/wirelite_pcap.node', import.meta.url));
}

/** What to do when the addon is missing: the message of `EUNAVAILABLE`. */
export const INSTALL_HINT =
  'live capture needs the libpcap addon, which was not built (libpcap\'s headers were missing when wirelite was installed).\n'
  + 'Install them and rebuild, in wirelite\'s folder:\n'
  + '  apt-get install -y libpcap-dev g++ make python3\n'
  + '  npm rebuild';

let cached: PcapBinding | undefined;

export function loadBinding(): PcapBinding {
  if (cached) return cached;
  const path = addonPath();
  if (!existsSync(path)) throw new LiveCaptureError('EUNAVAILABLE', INSTALL_HINT);
  try {
    cached = createRequire(import.meta.url)(path) as PcapBinding;
  } catch (e) {
    throw new LiveCaptureError('EUNAVAILABLE', `${INSTALL_HINT}\n(loading ${path} failed: ${(e as Error).message})`);
  }
  if (cached.recordHeaderBytes !== RECORD_HEADER.BYTES) throw new Error(`libpcap addon record header is ${cached.recordHeaderBytes} bytes, expected ${RECORD_HEADER.BYTES}: rebuild it (npm rebuild)`);
  return cached;
}

/** Opens a capture handle (throws LiveCaptureError with the addon's code: EPERM, ENODEV, ...). */
export function openHandle(device: string, options: OpenOptions = {}): NativeHandle {
  const b = loadBinding();
  try {
    return new b.PcapHandle(device, options);
  } catch (e) {
    throw LiveCaptureError.from(e);
  }
}

/** `EN10MB (Ethernet)` for a link type, or its number when libpcap has no name for it. */
export function linkTypeText(value: number): string {
  let n: [string, string] | undefined;
  try {
    n = loadBinding().datalinkName(value);
  } catch {
    n = undefined;
  }
  return n ? `${n[0]} (${n[1]})` : String(value);
}
