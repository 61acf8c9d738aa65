/**
 * Build capture bytes by hand for tests that need what our writer never produces: big-endian
 * sections, obsolete Packet Blocks, Simple Packet Blocks, odd resolutions, broken lengths.
 */

export class Bytes {
  private readonly parts: number[] = [];
  constructor(readonly le = true) {}

  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    const b = [v & 0xff, (v >>> 8) & 0xff];
    this.parts.push(...(this.le ? b : b.reverse()));
    return this;
  }
  u32(v: number): this {
    const b = [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
    this.parts.push(...(this.le ? b : b.reverse()));
    return this;
  }
  /** A 64-bit value as pcapng timestamps and counters are stored: two u32 halves, high first... */
  ts64(v: bigint): this {
    return this.u32(Number(v >> 32n)).u32(Number(v & 0xffffffffn));
  }
  /** ...and a plain 64-bit integer in the byte order (if_tsoffset, counters). */
  u64(v: bigint): this {
    const lo = Number(BigInt.asUintN(64, v) & 0xffffffffn);
    const hi = Number(BigInt.asUintN(64, v) >> 32n);
    return this.le ? this.u32(lo).u32(hi) : this.u32(hi).u32(lo);
  }
  bytes(b: ArrayLike<number>): this {
    for (let i = 0; i < b.length; i++) this.parts.push(b[i]!);
    return this;
  }
  str(s: string): this {
    return this.bytes(new TextEncoder().encode(s));
  }
  pad4(): this {
    while (this.parts.length % 4 !== 0) this.parts.push(0);
    return this;
  }
  get length(): number {
    return this.parts.length;
  }
  build(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export { concatBytes as concat } from '../../src/dissectors/bytes.js';

/** An option list (code, value) with padding and opt_endofopt. */
export function options(le: boolean, opts: Array<[number, Uint8Array | string]>): Uint8Array {
  if (opts.length === 0) return new Uint8Array(0);
  const b = new Bytes(le);
  for (const [code, v] of opts) {
    const val = typeof v === 'string' ? new TextEncoder().encode(v) : v;
    b.u16(code).u16(val.length).bytes(val).pad4();
  }
  return b.u16(0).u16(0).build();
}

/** A pcapng block: type, length, body (padded), length. `lenOverride` writes a wrong leading length. */
export function block(le: boolean, type: number, body: Uint8Array, lenOverride?: number, trailerOverride?: number): Uint8Array {
  const padded = new Bytes(le).bytes(body).pad4().build();
  const len = 12 + padded.length;
  return new Bytes(le).u32(type).u32(lenOverride ?? len).bytes(padded).u32(trailerOverride ?? len).build();
}

export function shb(le: boolean, opts: Array<[number, Uint8Array | string]> = [], version: [number, number] = [1, 0]): Uint8Array {
  const body = new Bytes(le).u32(0x1a2b3c4d).u16(version[0]).u16(version[1]).u64(-1n).bytes(options(le, opts)).build();
  return block(le, 0x0a0d0d0a, body);
}

export function idb(le: boolean, linkType: number, snapLen: number, opts: Array<[number, Uint8Array | string]> = []): Uint8Array {
  return block(le, 1, new Bytes(le).u16(linkType).u16(0).u32(snapLen).bytes(options(le, opts)).build());
}

export function epb(le: boolean, iface: number, ticks: bigint, data: Uint8Array, origLen = data.length,
  opts: Array<[number, Uint8Array | string]> = []): Uint8Array {
  const body = new Bytes(le).u32(iface).ts64(ticks).u32(data.length).u32(origLen).bytes(data).pad4().bytes(options(le, opts)).build();
  return block(le, 6, body);
}

export function spb(le: boolean, origLen: number, data: Uint8Array): Uint8Array {
  return block(le, 3, new Bytes(le).u32(origLen).bytes(data).build());
}

/** Obsolete Packet Block (type 2). */
export function pb(le: boolean, iface: number, drops: number, ticks: bigint, data: Uint8Array, opts: Array<[number, Uint8Array | string]> = []): Uint8Array {
  const body = new Bytes(le).u16(iface).u16(drops).ts64(ticks).u32(data.length).u32(data.length).bytes(data).pad4().bytes(options(le, opts)).build();
  return block(le, 2, body);
}

/** Classic pcap file header. */
export function pcapHeader(le: boolean, nanos: boolean, linkTypeField: number, snapLen = 65535, version: [number, number] = [2, 4]): Uint8Array {
  return new Bytes(le).u32(nanos ? 0xa1b23c4d : 0xa1b2c3d4).u16(version[0]).u16(version[1]).u32(0).u32(0).u32(snapLen).u32(linkTypeField).build();
}

export function pcapRecord(le: boolean, sec: number, frac: number, data: Uint8Array, origLen = data.length, capLenOverride?: number): Uint8Array {
  return new Bytes(le).u32(sec).u32(frac).u32(capLenOverride ?? data.length).u32(origLen).bytes(data).build();
}

export const u32be = (v: number): Uint8Array => new Bytes(false).u32(v).build();
export const u32le = (v: number): Uint8Array => new Bytes(true).u32(v).build();
