/**
 * Field definitions: the contract between dissectors and everything that reads their output
 * (the detail tree, `-T fields -e`, JSON lines, tests, later the display filter).
 *
 * A field has a stable dotted name taken from Wireshark where Wireshark has the field
 * (`ip.src`, `tcp.flags.syn`), a type (Wireshark's ftypes), a display base, an optional bit mask
 * (for the `.... ..1. = Name: Set` rendering) and optional value strings.
 */

export const enum FT {
  /** A text label or a presence-only field (Wireshark FT_NONE). */
  NONE = 0,
  PROTOCOL,
  UINT8,
  UINT16,
  UINT24,
  UINT32,
  UINT48,
  UINT64,
  INT32,
  BOOLEAN,
  ETHER,
  IPV4,
  IPV6,
  BYTES,
  STRING,
  FRAMENUM,
  /** Seconds as a double (relative times). Value in num; printed with 9 decimals. */
  RELATIVE_TIME,
  /** Absolute time: value object is {sec, nsec}. */
  ABSOLUTE_TIME,
  DOUBLE,
}

export const enum Base {
  NONE = 0,
  DEC,
  HEX,
  DEC_HEX,
  HEX_DEC,
  OCT,
}

export type ValueStrings = Readonly<Record<number, string>>;

export interface FieldSpec {
  /** Wireshark filter name, e.g. `ip.src`. */
  abbrev: string;
  /** Human label, e.g. `Source Address`. */
  name: string;
  type: FT;
  base?: Base;
  /** Bit mask within the containing integer (tree rendering and value extraction). */
  mask?: number;
  /** Width in bits of the containing integer for mask rendering (8, 16, 24, 32). */
  bits?: number;
  strings?: ValueStrings;
  /** For booleans: [true text, false text]; default Set/Not set. */
  tf?: readonly [string, string];
  /** Unit suffix in the tree, e.g. ` bytes`. */
  unit?: string;
  /** A generated field (shown in [brackets] in the tree, like Wireshark). */
  generated?: boolean;
  /**
   * An FT_NONE item whose `-T fields` value is its bytes in hex, not "1": Wireshark registers it as
   * a protocol "in name only" of type FT_BYTES (the TCP options: `tcp.options.mss` prints `0204ffd7`).
   */
  bytesInFields?: boolean;
  /** FT_BYTES with Wireshark's BASE_ALLOW_ZERO: empty prints `<none>` (otherwise `<MISSING>`). */
  allowZero?: boolean;
}

export interface FieldDef extends Required<Pick<FieldSpec, 'abbrev' | 'name' | 'type'>> {
  id: number;
  base: Base;
  mask: number;
  bits: number;
  strings?: ValueStrings;
  tf?: readonly [string, string];
  unit?: string;
  generated: boolean;
  bytesInFields: boolean;
  allowZero: boolean;
  /** Bit shift derived from mask. */
  shift: number;
}

const byAbbrev = new Map<string, FieldDef>();
const byId: FieldDef[] = [];

function defaultBits(type: FT): number {
  switch (type) {
    case FT.UINT8:
      return 8;
    case FT.UINT16:
      return 16;
    case FT.UINT24:
      return 24;
    case FT.UINT32:
    case FT.INT32:
    case FT.FRAMENUM:
      return 32;
    case FT.UINT48:
      return 48;
    case FT.UINT64:
      return 64;
    default:
      return 0;
  }
}

/** Registers a field (idempotent by abbrev: the first registration wins). */
export function defineField(spec: FieldSpec): FieldDef {
  const existing = byAbbrev.get(spec.abbrev);
  if (existing) return existing;
  const mask = spec.mask ?? 0;
  let shift = 0;
  if (mask) {
    while (((mask >>> shift) & 1) === 0 && shift < 32) shift++;
  }
  const def: FieldDef = {
    id: byId.length,
    abbrev: spec.abbrev,
    name: spec.name,
    type: spec.type,
    base: spec.base ?? (isInteger(spec.type) ? Base.DEC : Base.NONE),
    mask,
    bits: spec.bits ?? defaultBits(spec.type),
    strings: spec.strings,
    tf: spec.tf,
    unit: spec.unit,
    generated: spec.generated ?? false,
    bytesInFields: spec.bytesInFields ?? false,
    allowZero: spec.allowZero ?? false,
    shift,
  };
  byAbbrev.set(def.abbrev, def);
  byId.push(def);
  return def;
}

/**
 * Declares a protocol's fields: `defineFields('ip', { src: {...}, ... })` returns an object of
 * numeric field ids keyed like the input, for fast use in decoders.
 */
/**
 * The ids of a protocol's fields by key (`F.srcport`), read on every packet. Built by
 * Object.fromEntries, not by keyed stores into `{}`: V8 turns an object that gets more than a
 * dozen properties by keyed stores into a dictionary, and every `F.x` of optimized code is then a
 * generic LoadIC with a hash lookup (2M real capture, -T fields of 5 header fields: 12% of the CPU
 * time in Builtins_LoadIC, perf). test/dissectors/field-ids-fast.test.ts holds them to V8's fast mode.
 */
export function defineFields<K extends string>(specs: Record<K, FieldSpec>): Record<K, number> {
  return Object.fromEntries((Object.keys(specs) as K[]).map((key) => [key, defineField(specs[key]).id])) as Record<K, number>;
}

export function fieldByName(abbrev: string): FieldDef | undefined {
  return byAbbrev.get(abbrev);
}

export function fieldById(id: number): FieldDef {
  return byId[id]!;
}

export function allFields(): readonly FieldDef[] {
  return byId;
}

export function isInteger(type: FT): boolean {
  return (
    type === FT.UINT8 ||
    type === FT.UINT16 ||
    type === FT.UINT24 ||
    type === FT.UINT32 ||
    type === FT.UINT48 ||
    type === FT.UINT64 ||
    type === FT.INT32 ||
    type === FT.FRAMENUM
  );
}
