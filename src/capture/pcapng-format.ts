/**
 * pcapng block and option numbers, and block layouts, shared by the reader and the writer.
 * Reference: draft-ietf-opsawg-pcapng (https://github.com/IETF-OPSAWG-WG/draft-ietf-opsawg-pcap),
 * Wireshark wiretap/pcapng.c for the behaviour of the de-facto reference reader.
 */

export const BT_SHB = 0x0a0d0d0a;
export const BT_IDB = 0x00000001;
/** Obsolete Packet Block. */
export const BT_PB = 0x00000002;
export const BT_SPB = 0x00000003;
export const BT_NRB = 0x00000004;
export const BT_ISB = 0x00000005;
export const BT_EPB = 0x00000006;
export const BT_DSB = 0x0000000a;
/** Custom block that may be copied to a new file. */
export const BT_CB_COPY = 0x00000bad;
/** Custom block that must not be copied. */
export const BT_CB_NO_COPY = 0x40000bad;

export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
export const BYTE_ORDER_MAGIC_SWAPPED = 0x4d3c2b1a;

/** Block framing: type (4 bytes), total length (4), body, total length again (4): 12 bytes at least. */
export const MIN_BLOCK_LEN = 12;

/** SHB body offsets (from the block start). */
export const SHB_BOM = 8;
export const SHB_VERSION_MAJOR = 12;
export const SHB_VERSION_MINOR = 14;
export const SHB_SECTION_LENGTH = 16;
export const SHB_OPTIONS = 24;
export const MIN_SHB_LEN = 28;

export const IDB_LINKTYPE = 8;
export const IDB_SNAPLEN = 12;
export const IDB_OPTIONS = 16;
export const MIN_IDB_LEN = 20;

export const EPB_INTERFACE = 8;
export const EPB_TS_HIGH = 12;
export const EPB_TS_LOW = 16;
export const EPB_CAPLEN = 20;
export const EPB_ORIGLEN = 24;
export const EPB_DATA = 28;
export const MIN_EPB_LEN = 32;

/** Obsolete Packet Block: 16-bit interface id and drops count, then as the EPB. */
export const PB_INTERFACE = 8;
export const PB_DROPS = 10;
export const MIN_PB_LEN = 32;

export const SPB_ORIGLEN = 8;
export const SPB_DATA = 12;
export const MIN_SPB_LEN = 16;

export const ISB_INTERFACE = 8;
export const ISB_TS_HIGH = 12;
export const ISB_TS_LOW = 16;
export const ISB_OPTIONS = 20;
export const MIN_ISB_LEN = 24;

export const DSB_SECRETS_TYPE = 8;
export const DSB_SECRETS_LEN = 12;
export const DSB_DATA = 16;
export const MIN_DSB_LEN = 20;

export const CB_PEN = 8;
export const CB_DATA = 12;
export const MIN_CB_LEN = 16;

export const NRB_RECORDS = 8;
export const NRB_END = 0;
export const NRB_IPV4 = 1;
export const NRB_IPV6 = 2;

/** Options common to all blocks. */
export const OPT_ENDOFOPT = 0;
export const OPT_COMMENT = 1;

export const SHB_HARDWARE = 2;
export const SHB_OS = 3;
export const SHB_USERAPPL = 4;

export const IF_NAME = 2;
export const IF_DESCRIPTION = 3;
export const IF_TSRESOL = 9;
export const IF_FILTER = 11;
export const IF_FCSLEN = 13;
export const IF_TSOFFSET = 14;

export const EPB_FLAGS = 2;
export const EPB_DROPCOUNT = 4;

export const ISB_STARTTIME = 2;
export const ISB_ENDTIME = 3;
export const ISB_IFRECV = 4;
export const ISB_IFDROP = 5;
export const ISB_FILTERACCEPT = 6;
export const ISB_OSDROP = 7;
export const ISB_USRDELIV = 8;

/** epb_flags bits 0-1: 0 unknown, 1 inbound, 2 outbound. */
export const EPB_FLAGS_DIRECTION_MASK = 0x3;

/** Secrets types of the Decryption Secrets Block. */
export const DSB_TLS_KEY_LOG = 0x544c534b;

/**
 * Largest block we accept. Wireshark's limit is an EPB with a 128 MiB D-Bus packet plus options; a
 * bigger length field is corruption, not a reason to allocate.
 */
export const MAX_BLOCK_LEN = 256 * 1024 * 1024;

/** Bytes of padding after `n` bytes to reach a multiple of 4. */
export function pad4(n: number): number {
  return (4 - (n & 3)) & 3;
}

/** Human name of a block type, for messages. */
export function blockTypeName(type: number): string {
  switch (type) {
    case BT_SHB: return 'section header block';
    case BT_IDB: return 'interface description block';
    case BT_PB: return 'packet block';
    case BT_SPB: return 'simple packet block';
    case BT_NRB: return 'name resolution block';
    case BT_ISB: return 'interface statistics block';
    case BT_EPB: return 'enhanced packet block';
    case BT_DSB: return 'decryption secrets block';
    case BT_CB_COPY:
    case BT_CB_NO_COPY: return 'custom block';
    default: return `block of type 0x${type.toString(16).padStart(8, '0')}`;
  }
}
