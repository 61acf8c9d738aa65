/**
 * The frame: one captured packet as it came out of a capture file or a live capture,
 * before any dissection. Everything above the capture layer works on this type.
 */

/** Link-layer header types (LINKTYPE_* from https://www.tcpdump.org/linktypes.html). */
export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

/** pcapng epb_flags inbound/outbound bits (0 = unknown). */
export const enum Direction {
  Unknown = 0,
  Inbound = 1,
  Outbound = 2,
}

/** Per-interface facts (pcap files have exactly one interface, id 0). */
export interface InterfaceInfo {
  id: number;
  linkType: number;
  snapLen: number;
  name?: string;
  description?: string;
  filter?: string;
  /** Timestamp resolution as given by if_tsresol (e.g. 6 = 10^-6, 0x89 = 2^-9). */
  tsResol?: number;
  /** if_tsoffset in seconds. */
  tsOffset?: number;
  /** FCS bytes at the end of each frame (pcap link-type FCS bits, pcapng if_fcslen), 0 if none. */
  fcsLen: number;
  /**
   * pcapng files with several sections: the 0-based section of this interface and its id inside
   * that section (`id` is file-wide: interfaces numbered in file order). Absent in the first section.
   */
  section?: number;
  sectionInterfaceId?: number;
}

export interface Frame {
  /** 1-based frame number in file order. */
  number: number;
  /**
   * Timestamp: whole seconds since the epoch (an integer Number; exact up to 2^53) and
   * nanoseconds (0..999,999,999). No float rounding. `hasTime` is false for pcapng Simple
   * Packet Blocks, which carry no timestamp (then tsSec = tsNsec = 0).
   */
  tsSec: number;
  tsNsec: number;
  hasTime: boolean;
  /** Bytes present in the capture (data.length). */
  capLen: number;
  /** Length of the packet on the wire. */
  origLen: number;
  linkType: number;
  /** pcapng interface id (0 for pcap files). */
  interfaceId: number;
  direction: Direction;
  /** pcapng epb_dropcount, if given. */
  dropCount?: number;
  /** opt_comment values of the packet block. */
  comments?: string[];
  /**
   * The captured bytes. A view: it may share memory with the reader's buffer, and is only valid
   * until the next frame is delivered unless copied (`data.slice()`).
   */
  data: Uint8Array;
}
