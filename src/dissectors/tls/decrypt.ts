/**
 * TLS record decryption with the secrets of a key log (./keylog.ts), as Wireshark's
 * packet-tls-utils.c does it, with Node's crypto:
 * - TLS 1.3 (RFC 8446 7): keys and IVs from the handshake and application traffic secrets by
 *   HKDF-Expand-Label, the next traffic secret at a KeyUpdate; AEAD over the record header, the
 *   inner plaintext's content type after its zero padding.
 * - TLS 1.0-1.2 (RFC 5246 6.3): the key block from the master secret (CLIENT_RANDOM; a
 *   PMS_CLIENT_RANDOM pre-master secret through the PRF, with the extended master secret's session
 *   hash when the hello negotiated it, RFC 7627), then AES-GCM and AES-CCM(-8) (explicit nonce,
 *   RFC 5288, RFC 6655), ChaCha20-Poly1305 (RFC 7905), and CBC suites (AES, Camellia, 3DES) with
 *   HMAC-SHA1/SHA256/SHA384, encrypt-then-MAC (RFC 7366) or MAC-then-encrypt.
 *
 * A record that fails (wrong key, corrupted bytes, a record missing from the capture) gives null:
 * the dissector shows it as encrypted and marks it. Sequence numbers count the records of a
 * direction decrypted since its keys changed, as Wireshark's do.
 */
import { createDecipheriv, createHash, createHmac, timingSafeEqual, type CipherGCMTypes, type Hash as Digest } from 'node:crypto';
import { TLS_CIPHER_SUITES } from './ciphers.js';

type Hash = 'sha1' | 'sha256' | 'sha384' | 'md5';
const HASH_LEN: Record<Hash, number> = { md5: 16, sha1: 20, sha256: 32, sha384: 48 };

/** What a cipher suite needs for its record protection. */
export interface SuiteSpec {
  mode: 'gcm' | 'ccm' | 'chacha' | 'cbc';
  /** Node cipher name (aes-128-gcm, chacha20-poly1305, aes-256-cbc, ...). */
  cipher: string;
  keyLen: number;
  /** AEAD: the fixed IV length (4 for GCM/CCM, 12 for ChaCha20 and TLS 1.3); CBC: the block size. */
  ivLen: number;
  /** AEAD tag length (CCM_8: 8). */
  tagLen: number;
  /** The suite's hash: the PRF's (TLS 1.2) or HKDF's (TLS 1.3), and for CBC the HMAC's. */
  prf: Hash;
  mac: Hash | null;
}

/**
 * The record protection of a cipher suite by its IANA name, or null (not supported: stays
 * encrypted). Asked once per connection, when its keys are made.
 */
export function suiteSpec(suite: number): SuiteSpec | null {
  return parseSuite(TLS_CIPHER_SUITES[suite] ?? '');
}

function parseSuite(name: string): SuiteSpec | null {
  // TLS_AES_128_GCM_SHA256 (TLS 1.3) or TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (1.2).
  const m = /^TLS_(?:.*_WITH_)?(AES_128|AES_256|CHACHA20|CAMELLIA_128|CAMELLIA_256|3DES_EDE)_(GCM|CCM_8|CCM|POLY1305|CBC)(?:_(SHA|SHA256|SHA384|MD5))?$/.exec(name);
  if (!m) return null;
  const [, alg, mode, h] = m as unknown as [string, string, string, string | undefined];
  const hash: Hash | null = h === 'SHA' ? 'sha1' : h === 'SHA256' ? 'sha256' : h === 'SHA384' ? 'sha384' : h === 'MD5' ? 'md5' : null;
  const prf: Hash = hash === 'sha384' ? 'sha384' : 'sha256';
  const bits = alg.endsWith('256') ? 256 : 128;
  switch (mode) {
    case 'GCM':
      if (!alg.startsWith('AES')) return null;
      return { mode: 'gcm', cipher: `aes-${bits}-gcm`, keyLen: bits / 8, ivLen: 4, tagLen: 16, prf, mac: null };
    case 'CCM':
    case 'CCM_8':
      if (!alg.startsWith('AES')) return null;
      return { mode: 'ccm', cipher: `aes-${bits}-ccm`, keyLen: bits / 8, ivLen: 4, tagLen: mode === 'CCM' ? 16 : 8, prf, mac: null };
    case 'POLY1305':
      return { mode: 'chacha', cipher: 'chacha20-poly1305', keyLen: 32, ivLen: 12, tagLen: 16, prf, mac: null };
    case 'CBC':
      if (!hash) return null;
      if (alg === '3DES_EDE') return { mode: 'cbc', cipher: 'des-ede3-cbc', keyLen: 24, ivLen: 8, tagLen: 0, prf, mac: hash };
      return { mode: 'cbc', cipher: `${alg.startsWith('AES') ? 'aes' : 'camellia'}-${bits}-cbc`, keyLen: bits / 8, ivLen: 16, tagLen: 0, prf, mac: hash };
  }
  return null;
}

/** One direction's record protection state. */
export interface Decoder {
  suite: number;
  spec: SuiteSpec;
  /** The record layer version (0x0304 for TLS 1.3). */
  version: number;
  key: Buffer;
  /** TLS 1.3 and ChaCha20: the 12-byte IV; GCM/CCM: the 4-byte salt; TLS 1.0 CBC: the running IV. */
  iv: Buffer;
  macKey: Buffer | null;
  /** Encrypt-then-MAC (RFC 7366) negotiated. */
  etm: boolean;
  /** Records decrypted (or tried) with these keys. */
  seq: number;
  /** TLS 1.3: the traffic secret (for the next one at a KeyUpdate). */
  secret: Buffer | null;
}

// --- HKDF (RFC 5869) and TLS 1.3's labels

function hkdfExpand(hash: Hash, prk: Uint8Array, info: Uint8Array, len: number): Buffer {
  const out: Buffer[] = [];
  let t: Buffer = Buffer.alloc(0);
  let have = 0;
  for (let i = 1; have < len; i++) {
    t = createHmac(hash, prk).update(t).update(info).update(Buffer.of(i)).digest();
    out.push(t);
    have += t.length;
  }
  return Buffer.concat(out).subarray(0, len);
}

/** HKDF-Expand-Label(secret, label, "", len) (RFC 8446 7.1). */
function expandLabel(hash: Hash, secret: Uint8Array, label: string, len: number): Buffer {
  const l = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.concat([Buffer.of(len >> 8, len & 0xff, l.length), l, Buffer.of(0)]);
  return hkdfExpand(hash, secret, info, len);
}

/** A TLS 1.3 direction's decoder from its traffic secret; null if the secret does not fit the suite. */
export function tls13Decoder(suite: number, secret: Uint8Array): Decoder | null {
  const spec = suiteSpec(suite);
  if (!spec || spec.mode === 'cbc' || secret.length !== HASH_LEN[spec.prf]) return null;
  return {
    suite,
    spec,
    version: 0x0304,
    key: expandLabel(spec.prf, secret, 'key', spec.keyLen),
    iv: expandLabel(spec.prf, secret, 'iv', 12),
    macKey: null,
    etm: false,
    seq: 0,
    secret: Buffer.from(secret),
  };
}

/** A KeyUpdate: the next application traffic secret's decoder (RFC 8446 7.2). */
export function tls13Update(d: Decoder): Decoder | null {
  if (!d.secret) return null;
  return tls13Decoder(d.suite, expandLabel(d.spec.prf, d.secret, 'traffic upd', d.secret.length));
}

// --- TLS 1.0-1.2 key derivation

/** P_hash (RFC 5246 5). */
function pHash(hash: Hash, secret: Uint8Array, seed: Uint8Array, len: number): Buffer {
  const out: Buffer[] = [];
  let a: Buffer = Buffer.from(seed);
  let have = 0;
  while (have < len) {
    a = createHmac(hash, secret).update(a).digest();
    const p = createHmac(hash, secret).update(a).update(seed).digest();
    out.push(p);
    have += p.length;
  }
  return Buffer.concat(out).subarray(0, len);
}

/** The PRF of a version: TLS 1.2's P_<hash>, TLS 1.0/1.1's MD5 xor SHA-1 over the halves of the secret. */
function prf(version: number, hash: Hash, secret: Uint8Array, label: string, seed: Uint8Array, len: number): Buffer {
  const s = Buffer.concat([Buffer.from(label, 'latin1'), seed]);
  if (version >= 0x0303) return pHash(hash, secret, s, len);
  const half = Math.ceil(secret.length / 2);
  const a = pHash('md5', secret.subarray(0, half), s, len);
  const b = pHash('sha1', secret.subarray(secret.length - half), s, len);
  for (let i = 0; i < len; i++) a[i]! ^= b[i]!;
  return a;
}

/** The master secret from a pre-master secret (RFC 5246 8.1; RFC 7627 4 with `sessionHash`). */
export function masterFromPremaster(suite: number, version: number, pms: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array, sessionHash: Uint8Array | null): Buffer | null {
  const spec = suiteSpec(suite);
  if (!spec) return null;
  if (sessionHash) return prf(version, spec.prf, pms, 'extended master secret', sessionHash, 48);
  return prf(version, spec.prf, pms, 'master secret', Buffer.concat([clientRandom, serverRandom]), 48);
}

/**
 * The running hashes of the handshake for the extended master secret's session hash (RFC 7627 3):
 * TLS 1.2 the suite's PRF hash, TLS 1.0 and 1.1 MD5 and SHA-1 (concatenated at the end). null
 * when the suite is not supported.
 */
export function transcriptHashes(suite: number, version: number): Digest[] | null {
  const spec = suiteSpec(suite);
  if (!spec) return null;
  return version >= 0x0303 ? [createHash(spec.prf)] : [createHash('md5'), createHash('sha1')];
}

/** The session hash of the messages fed to `transcriptHashes`' hashes (which it finishes). */
export function sessionHashOf(hashes: readonly Digest[]): Buffer {
  return Buffer.concat(hashes.map((h) => h.digest()));
}

/**
 * The two decoders of a TLS 1.0-1.2 connection from its master secret: [client's, server's].
 * null when the suite is not supported or the secret is not 48 bytes.
 */
export function tls12Decoders(suite: number, version: number, master: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array, etm: boolean): [Decoder, Decoder] | null {
  const spec = suiteSpec(suite);
  if (!spec || master.length !== 48 || version < 0x0301 || version > 0x0303) return null;
  if (spec.mode !== 'cbc' && version !== 0x0303) return null;
  const macLen = spec.mac ? HASH_LEN[spec.mac] : 0;
  // TLS 1.0 CBC takes its first IV from the key block; 1.1 and 1.2 send one per record.
  const ivLen = spec.mode === 'cbc' ? (version === 0x0301 ? spec.ivLen : 0) : spec.ivLen;
  const n = 2 * (macLen + spec.keyLen + ivLen);
  const kb = prf(version, spec.prf, master, 'key expansion', Buffer.concat([serverRandom, clientRandom]), n);
  let at = 0;
  const take = (len: number) => {
    const b = Buffer.from(kb.subarray(at, at + len));
    at += len;
    return b;
  };
  const cm = take(macLen);
  const sm = take(macLen);
  const ck = take(spec.keyLen);
  const sk = take(spec.keyLen);
  const ci = take(ivLen);
  const si = take(ivLen);
  const mk = (key: Buffer, iv: Buffer, mac: Buffer): Decoder => ({ suite, spec, version, key, iv, macKey: macLen ? mac : null, etm: etm && spec.mode === 'cbc', seq: 0, secret: null });
  return [mk(ck, ci, cm), mk(sk, si, sm)];
}

// --- records

function seqBytes(seq: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(Math.floor(seq / 0x100000000), 0);
  b.writeUInt32BE(seq >>> 0, 4);
  return b;
}

/** The decrypted content of a record: its (inner) content type and plaintext. */
export interface Plaintext {
  type: number;
  data: Uint8Array;
}

/**
 * Decrypts one record's fragment (`type`, `version` from its header). Returns null when the
 * record does not authenticate.
 */
export function decryptRecord(d: Decoder, type: number, version: number, frag: Uint8Array): Plaintext | null {
  let r: Plaintext | null;
  try {
    if (d.version === 0x0304) r = open13(d, d.seq, type, version, frag);
    else if (d.spec.mode === 'cbc') r = openCbc(d, d.seq, type, version, frag);
    else r = openAead12(d, d.seq, type, version, frag);
  } catch {
    // A bad tag, a wrong key length for the cipher, a length Node refuses: not authenticated.
    r = null;
  }
  // As Wireshark: only a record that authenticates moves the sequence number on, so after a
  // failure (a corrupted or missing record) the direction stays encrypted.
  if (r) d.seq++;
  return r;
}

function aead(d: Decoder, nonce: Buffer, aad: Buffer, ct: Uint8Array, tag: Uint8Array): Buffer | null {
  const s = d.spec;
  if (s.mode === 'ccm') {
    const c = createDecipheriv(s.cipher as 'aes-128-ccm', d.key, nonce, { authTagLength: s.tagLen });
    c.setAuthTag(tag);
    c.setAAD(aad, { plaintextLength: ct.length });
    const out = c.update(ct);
    c.final();
    return out;
  }
  const c = createDecipheriv(s.cipher as CipherGCMTypes, d.key, nonce, { authTagLength: s.tagLen });
  c.setAuthTag(tag);
  c.setAAD(aad);
  const out = c.update(ct);
  c.final();
  return out;
}

function xorNonce(iv: Buffer, seq: number): Buffer {
  const n = Buffer.from(iv);
  const sb = seqBytes(seq);
  for (let i = 0; i < 8; i++) n[n.length - 8 + i]! ^= sb[i]!;
  return n;
}

function open13(d: Decoder, seq: number, type: number, version: number, frag: Uint8Array): Plaintext | null {
  const tl = d.spec.tagLen;
  if (frag.length < tl + 1) return null;
  const aad = Buffer.of(type, version >> 8, version & 0xff, frag.length >> 8, frag.length & 0xff);
  const pt = aead(d, xorNonce(d.iv, seq), aad, frag.subarray(0, frag.length - tl), frag.subarray(frag.length - tl));
  if (!pt) return null;
  // TLSInnerPlaintext: content, the real type, zeros.
  let i = pt.length - 1;
  while (i >= 0 && pt[i] === 0) i--;
  if (i < 0) return null;
  return { type: pt[i]!, data: pt.subarray(0, i) };
}

function openAead12(d: Decoder, seq: number, type: number, version: number, frag: Uint8Array): Plaintext | null {
  const s = d.spec;
  const explicit = s.mode === 'chacha' ? 0 : 8;
  if (frag.length < explicit + s.tagLen) return null;
  const nonce = s.mode === 'chacha' ? xorNonce(d.iv, seq) : Buffer.concat([d.iv, frag.subarray(0, 8)]);
  const ct = frag.subarray(explicit, frag.length - s.tagLen);
  const aad = Buffer.concat([seqBytes(seq), Buffer.of(type, version >> 8, version & 0xff, ct.length >> 8, ct.length & 0xff)]);
  const pt = aead(d, nonce, aad, ct, frag.subarray(frag.length - s.tagLen));
  return pt ? { type, data: pt } : null;
}

function mac(d: Decoder, seq: number, type: number, version: number, content: Uint8Array): Buffer {
  const h = createHmac(d.spec.mac!, d.macKey!);
  h.update(seqBytes(seq));
  h.update(Buffer.of(type, version >> 8, version & 0xff, content.length >> 8, content.length & 0xff));
  h.update(content);
  return h.digest();
}

function openCbc(d: Decoder, seq: number, type: number, version: number, frag: Uint8Array): Plaintext | null {
  const s = d.spec;
  const macLen = HASH_LEN[s.mac!];
  const bs = s.ivLen;
  let body = frag;
  if (d.etm) {
    // RFC 7366: the MAC covers the IV and ciphertext, and comes after them.
    if (frag.length < macLen + bs) return null;
    body = frag.subarray(0, frag.length - macLen);
    const want = mac(d, seq, type, version, body);
    if (!timingSafeEqual(want, frag.subarray(frag.length - macLen))) return null;
  }
  const explicitIv = d.version >= 0x0302;
  if (body.length % bs || body.length < (explicitIv ? 2 * bs : bs)) return null;
  const iv = explicitIv ? body.subarray(0, bs) : d.iv;
  const ct = explicitIv ? body.subarray(bs) : body;
  const c = createDecipheriv(s.cipher, d.key, iv);
  c.setAutoPadding(false);
  const pt = Buffer.concat([c.update(ct), c.final()]);
  if (!explicitIv) d.iv = Buffer.from(ct.subarray(ct.length - bs));
  const pad = pt[pt.length - 1]!;
  if (pad + 1 > pt.length) return null;
  for (let i = pt.length - 1 - pad; i < pt.length; i++) if (pt[i] !== pad) return null;
  const content = pt.subarray(0, pt.length - 1 - pad);
  if (d.etm) return { type, data: content };
  if (content.length < macLen) return null;
  const data = content.subarray(0, content.length - macLen);
  if (!timingSafeEqual(mac(d, seq, type, version, data), content.subarray(content.length - macLen))) return null;
  return { type, data };
}
