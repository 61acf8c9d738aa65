/**
 * When a connection's keys come into use, from the key log of the capture's session
 * (./keylog.ts) and the handshake: the ClientHello's random names the connection, the ServerHello
 * gives the suite, the version and the server random, then
 * - TLS 1.3: each side's handshake traffic keys protect its records from the ServerHello on, its
 *   application traffic keys after its Finished, the next ones after its KeyUpdate;
 * - TLS 1.0-1.2: each side's keys (from the master secret) protect its records after its
 *   ChangeCipherSpec.
 * Nothing here runs when the session has no key log (`crypt` stays null).
 */
import type { Packet } from '../packet.js';
import { toHex } from '../bytes.js';
import { refreshKeyLog, sessionKeyLog } from './keylog.js';
import { masterFromPremaster, tls12Decoders, tls13Decoder, tls13Update } from './decrypt.js';
import type { TlsSession } from './session.js';

/** A ClientHello: the connection may be decrypted if the session has a key log. */
export function clientHelloRandom(pkt: Packet, s: TlsSession, d: Uint8Array, at: number): void {
  if (!sessionKeyLog(pkt.session)) return;
  s.crypt = {
    clientRandom: d.slice(at, at + 32),
    serverRandom: null,
    etm: false,
    ems: false,
    dec: [null, null],
    next: [null, null],
    event: [0, 0],
    alpn: '',
    firstDir: -1,
    app: '',
    decrypted: 0,
    failed: 0,
  };
}

/** A ServerHello (not a HelloRetryRequest) was dissected: its random, then the keys if the log has them. */
export function serverHelloKeys(pkt: Packet, s: TlsSession, d: Uint8Array, at: number, etm: boolean, ems: boolean): void {
  const c = s.crypt;
  const log = sessionKeyLog(pkt.session);
  if (!c || !log || s.cipher < 0) return;
  c.serverRandom = d.slice(at, at + 32);
  c.etm = etm;
  c.ems = ems;
  const cr = toHex(c.clientRandom, 0, 32);
  if (!log.labels(cr).length) refreshKeyLog(pkt.session);
  if (s.tls13) {
    const mk = (label: 'CLIENT_HANDSHAKE_TRAFFIC_SECRET' | 'SERVER_HANDSHAKE_TRAFFIC_SECRET' | 'CLIENT_TRAFFIC_SECRET_0' | 'SERVER_TRAFFIC_SECRET_0') => {
      const secret = log.secret(cr, label);
      return secret ? tls13Decoder(s.cipher, secret) : null;
    };
    c.dec = [mk('CLIENT_HANDSHAKE_TRAFFIC_SECRET'), mk('SERVER_HANDSHAKE_TRAFFIC_SECRET')];
    c.next = [mk('CLIENT_TRAFFIC_SECRET_0'), mk('SERVER_TRAFFIC_SECRET_0')];
    return;
  }
  let master = log.secret(cr, 'CLIENT_RANDOM');
  if (!master) {
    // A pre-master secret: the master secret through the PRF. With the extended master secret
    // the session hash (the handshake up to the ClientKeyExchange) would be needed: not kept.
    const pms = log.secret(cr, 'PMS_CLIENT_RANDOM');
    if (pms && !ems) master = masterFromPremaster(s.cipher, s.version, pms, c.clientRandom, c.serverRandom, null) ?? undefined;
  }
  if (!master) return;
  c.next = tls12Decoders(s.cipher, s.version, master, c.clientRandom, c.serverRandom, etm) ?? [null, null];
}

/** A ChangeCipherSpec from `dir` (TLS 1.0-1.2): that side's records are protected from now on. */
export function changeCipherSpec(s: TlsSession, dir: number): void {
  const c = s.crypt;
  if (!c || s.tls13) return;
  c.dec[dir] = c.next[dir] ?? null;
  c.next[dir] = null;
}

/** A decrypted TLS 1.3 handshake message of `dir` changed its keys (Finished, KeyUpdate). */
export function applyKeyEvent(s: TlsSession, dir: number): void {
  const c = s.crypt;
  if (!c) return;
  const ev = c.event[dir];
  c.event[dir] = 0;
  if (ev === 20 && c.next[dir]) {
    c.dec[dir] = c.next[dir];
    c.next[dir] = null;
  } else if (ev === 24 && c.dec[dir]) c.dec[dir] = tls13Update(c.dec[dir]!);
}
