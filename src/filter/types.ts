/**
 * The value kinds a filter computes with, how each field type maps to one, and the names tshark
 * gives the types in its messages. A kind decides the JavaScript form of a value:
 * int/bool/ipv4/time/float: number; abstime: bigint nanoseconds; string: string;
 * bytes/ether/ipv6: Uint8Array (a protocol is the bytes it spans). `none` (labels) only exist.
 */
import { FT, type FieldDef, type ValueStrings } from '../dissectors/fields.js';

export type Kind = 'int' | 'bool' | 'ipv4' | 'ipv6' | 'ether' | 'bytes' | 'string' | 'time' | 'float' | 'abstime' | 'none';

/** An IPv4 literal with a prefix length (`10.0.0.0/8`): equal means inside the network. */
export class Cidr4 {
  constructor(
    readonly net: number,
    readonly mask: number,
  ) {}
}
/** An IPv6 literal with a prefix length. */
export class Cidr6 {
  constructor(
    readonly net: Uint8Array,
    readonly bits: number,
  ) {}
}

export type Val = number | bigint | string | Uint8Array | Cidr4 | Cidr6;

/** What the semantic check needs to know of a field (a registered one or a pseudo-field). */
export interface FieldInfo {
  abbrev: string;
  name: string;
  type: FT;
  /** Registered field id, or -1 for a pseudo-field (`_ws.expert.*`). */
  id: number;
  bits: number;
  strings?: ValueStrings;
  tf?: readonly [string, string];
}

export function kindOf(type: FT): Kind {
  switch (type) {
    case FT.UINT8:
    case FT.UINT16:
    case FT.UINT24:
    case FT.UINT32:
    case FT.UINT48:
    case FT.UINT64:
    case FT.INT32:
    case FT.FRAMENUM:
      return 'int';
    case FT.BOOLEAN:
      return 'bool';
    case FT.IPV4:
      return 'ipv4';
    case FT.IPV6:
      return 'ipv6';
    case FT.ETHER:
      return 'ether';
    case FT.BYTES:
    case FT.PROTOCOL:
      return 'bytes';
    case FT.STRING:
      return 'string';
    case FT.RELATIVE_TIME:
      return 'time';
    case FT.DOUBLE:
      return 'float';
    case FT.ABSOLUTE_TIME:
      return 'abstime';
    case FT.NONE:
      return 'none';
  }
}

/** tshark's name for a field type (`Unsigned integer (2 bytes)`), used in its messages. */
export function typeName(f: Pick<FieldDef, 'type'> & { bits?: number }): string {
  switch (f.type) {
    case FT.UINT8:
      return 'Unsigned integer (1 byte)';
    case FT.UINT16:
      return 'Unsigned integer (2 bytes)';
    case FT.UINT24:
      return 'Unsigned integer (3 bytes)';
    case FT.UINT32:
      return 'Unsigned integer (4 bytes)';
    case FT.UINT48:
      return 'Unsigned integer (6 bytes)';
    case FT.UINT64:
      return 'Unsigned integer (8 bytes)';
    case FT.INT32:
      return 'Signed integer (4 bytes)';
    case FT.FRAMENUM:
      return 'Frame number';
    case FT.BOOLEAN:
      return 'Boolean';
    case FT.ETHER:
      return 'Ethernet or other MAC address';
    case FT.IPV4:
      return 'IPv4 address';
    case FT.IPV6:
      return 'IPv6 address';
    case FT.BYTES:
      return 'Byte sequence';
    case FT.STRING:
      return 'Character string';
    case FT.RELATIVE_TIME:
      return 'Time offset';
    case FT.ABSOLUTE_TIME:
      return 'Date and time';
    case FT.DOUBLE:
      return 'Floating point (double-precision)';
    case FT.PROTOCOL:
      return 'Protocol';
    case FT.NONE:
      return 'Label';
  }
}

/** Kinds whose values are byte sequences (slices, `contains`, `matches` work on them). */
export function bytesLike(k: Kind): boolean {
  return k === 'bytes' || k === 'ether' || k === 'ipv6';
}

export function numeric(k: Kind): boolean {
  return k === 'int' || k === 'float' || k === 'time';
}
