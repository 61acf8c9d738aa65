/**
 * What the TLS dissector (./records.ts and the rest of this folder) hands to the modules around
 * it: the parsed hellos (for JA3/JA3S and JA4/JA4S in ./fingerprint.ts), certificates (DER,
 * decoded by ./x509.ts), the TLS tap that `wirelite stats FILE tls` reads (src/stats/tls.ts)
 * and the decrypted data tap (`follow --tls`). Plain data; the dissector fills it, the others
 * only read it.
 */
import { TapKind } from '../taps.js';

/** A ClientHello or ServerHello as the fingerprints need it, every list in wire order. */
export interface TlsHelloInfo {
  client: boolean;
  /** legacy_version of the hello body (0x0303 for TLS 1.2 and 1.3). */
  version: number;
  /** 32-byte random as lowercase hex (the key-log files name connections by the client random). */
  random: string;
  /** Client: cipher suites offered (GREASE included, as on the wire); server: [chosen]. */
  ciphers: number[];
  /** Extension types in wire order (GREASE included). */
  extensions: number[];
  /** supported_groups (client). */
  groups: number[];
  /** ec_point_formats (client). */
  ecPointFormats: number[];
  /** signature_algorithms, in order. */
  sigAlgs: number[];
  /** ALPN protocol names (client: offered; server: chosen). */
  alpn: string[];
  /** server_name (client), '' when absent. */
  sni: string;
  /** supported_versions: client's list; server's selected version as a one-element list. */
  supportedVersions: number[];
}

/** One certificate of a Certificate message: its DER bytes (a view, copy to keep). */
export interface TlsCertificateInfo {
  der: Uint8Array;
}

/** What the TLS tap reports, one record per event of a TLS connection (reused: copy what you keep). */
export interface TlsTapRecord {
  frame: number;
  tsSec: number;
  tsNsec: number;
  /** TCP stream index (tcp.stream) and whether the client sent this. */
  stream: number;
  fromClient: boolean;
  kind: 'client_hello' | 'server_hello' | 'hello_retry_request' | 'certificate' | 'alert' | 'finished' | 'change_cipher_spec' | 'app_data' | 'handshake';
  /** kind client_hello / server_hello / hello_retry_request. */
  hello?: TlsHelloInfo;
  /** kind certificate: the chain in wire order. */
  certificates?: TlsCertificateInfo[];
  /** kind alert: level and description (-1 each for an encrypted alert). */
  alertLevel?: number;
  alertDescription?: number;
  /** kind handshake: the handshake type number (encrypted handshake: -1). */
  handshakeType?: number;
  /** Record length (app_data: the encrypted bytes). */
  length: number;
  /** The record was decrypted with the session's key log (its kind stays what a read without keys sees). */
  decrypted?: boolean;
}

/**
 * The decrypted application data of one record (for `follow --tls`, as tshark's follow,tls):
 * delivered through the session's taps (src/dissectors/taps.ts), only when something listens and
 * only for records decrypted with a key log. `data` is a view: copy what you keep.
 */
export interface TlsDataRecord {
  frame: number;
  /** TCP stream index and whether the client sent it. */
  stream: number;
  fromClient: boolean;
  data: Uint8Array;
  /** Whether the connection's first decrypted record (of any type) came from the client (tshark's follow,tls node 0). */
  firstFromClient: boolean;
}

export const TLS_DATA_TAP = new TapKind<TlsDataRecord>('tls.data', () => ({ frame: 0, stream: 0, fromClient: false, data: new Uint8Array(0), firstFromClient: false }));

/** A record with every field at its "none" value (the template of the session's pooled records). */
export function newTlsTapRecord(): TlsTapRecord {
  return { frame: 0, tsSec: 0, tsNsec: 0, stream: 0, fromClient: false, kind: 'handshake', length: 0, hello: undefined, certificates: undefined, alertLevel: undefined, alertDescription: undefined, handshakeType: undefined, decrypted: false };
}

/**
 * The TLS tap's kind: records are pooled by the session and delivered after the packet, behind
 * the pipeline's display filter (../taps.ts); a read registers `tap(TLS_TAP, fn)`.
 */
export const TLS_TAP = new TapKind<TlsTapRecord>('tls', newTlsTapRecord);
