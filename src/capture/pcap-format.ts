/**
 * Classic libpcap file format: one file header, then (record header, packet bytes) pairs.
 * Offsets and magic numbers shared by the reader and the writer.
 * Reference: https://www.tcpdump.org/manpages/pcap-savefile.5.html and
 * draft-ietf-opsawg-pcap (LinkType field: FCS bits), libpcap pcap-common.h (LT_* macros).
 */

/** Magic numbers as read big-endian from the first 4 bytes. */
export const PCAP_MAGIC_US_BE = 0xa1b2c3d4;
export const PCAP_MAGIC_US_LE = 0xd4c3b2a1;
export const PCAP_MAGIC_NS_BE = 0xa1b23c4d;
export const PCAP_MAGIC_NS_LE = 0x4d3cb2a1;
/** The value the writer stores (in its own byte order) for microsecond and nanosecond files. */
export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;

export const PCAP_VERSION_MAJOR = 2;
export const PCAP_VERSION_MINOR = 4;

/** File header layout. */
export const PCAP_FILE_HEADER_LEN = 24;
export const PCAP_HDR_MAGIC = 0;
export const PCAP_HDR_VERSION_MAJOR = 4;
export const PCAP_HDR_VERSION_MINOR = 6;
export const PCAP_HDR_THISZONE = 8;
export const PCAP_HDR_SIGFIGS = 12;
export const PCAP_HDR_SNAPLEN = 16;
export const PCAP_HDR_LINKTYPE = 20;

/** Record header layout. */
export const PCAP_RECORD_HEADER_LEN = 16;
export const PCAP_REC_TS_SEC = 0;
export const PCAP_REC_TS_FRAC = 4;
export const PCAP_REC_CAPLEN = 8;
export const PCAP_REC_ORIGLEN = 12;

/** The LinkType field: low 16 bits link type, 0x03FF0000 reserved, bit 26 "FCS length present", bits 28-31 FCS length in 16-bit words. */
export const LT_LINKTYPE_MASK = 0x0000ffff;
export const LT_RESERVED_MASK = 0x03ff0000;
export const LT_FCS_PRESENT = 0x04000000;
export const LT_FCS_SHIFT = 28;

/** Decode the FCS length in bytes from a LinkType field. */
export function fcsLenFromLinkTypeField(field: number): number {
  return (field & LT_FCS_PRESENT) !== 0 ? ((field >>> LT_FCS_SHIFT) & 0xf) * 2 : 0;
}

/** Encode link type and FCS length (bytes, even, at most 30) into a LinkType field. */
export function linkTypeField(linkType: number, fcsLen: number): number {
  if (fcsLen === 0) return linkType & LT_LINKTYPE_MASK;
  return ((((fcsLen >>> 1) & 0xf) << LT_FCS_SHIFT) | LT_FCS_PRESENT | (linkType & LT_LINKTYPE_MASK)) >>> 0;
}

/**
 * Largest record tshark accepts for most link types (WTAP_MAX_PACKET_SIZE_STANDARD); a record claiming
 * more than this and more than the file's snaplen is treated as corruption, as tshark does.
 */
export const MAX_PACKET_STANDARD = 262_144;
