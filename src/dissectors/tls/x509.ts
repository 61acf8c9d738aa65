/**
 * A bounded reader of X.509 certificates (RFC 5280) in DER (X.690), for the names the TLS
 * statistics show: subject, issuer, serial number, validity and subjectAltName.
 *
 * Names are printed as Wireshark prints an `x509if.rdnSequence` (the text of its tree item and of
 * the Certificate line in `tshark -V`): the RDNs from last to first (so the common name usually
 * comes first), joined by `,`, the attributes of a multi-valued RDN joined by `+`, each as
 * `name=value` with Wireshark's OID names (`id-at-commonName`, `id-at-organizationName`,
 * `pkcs-9-at-emailAddress`, ...; an unknown attribute type by its dotted OID), values unescaped.
 * Example: `id-at-commonName=www.example.com,id-at-organizationName=Example,id-at-countryName=US`.
 * Values that are not character strings print as `#` and their DER in hex (RFC 4514's form).
 *
 * `serial` is the INTEGER's content bytes in lowercase hex, as tshark prints `x509af.serialNumber`;
 * `notBefore`/`notAfter` are ISO 8601 UTC (`2011-05-04T00:00:00Z`), or the raw text when the time
 * does not parse; `subjectAltNames` carry OpenSSL's prefixes (`DNS:`, `IP Address:`, `email:`,
 * `URI:`, `DirName:`, `Registered ID:`, `othername:`), IPv6 addresses in RFC 5952 form.
 *
 * Hostile input: every length is checked against its parent before use, nesting is limited to
 * `X509_LIMITS.maxDepth`, lists and strings are capped; `decodeCertificate` returns null for
 * anything that is not a well-formed certificate and never throws.
 */

/** Named bounds of the reader. */
export const X509_LIMITS = {
  /** Deepest nesting of constructed values followed (a certificate needs about 8). */
  maxDepth: 24,
  /** RDNs per name and attributes per RDN kept. */
  maxRdns: 64,
  /** subjectAltName entries kept. */
  maxAltNames: 256,
  /** Characters kept of one attribute value or alt name. */
  maxValueChars: 1024,
};

interface Tlv {
  /** Class and constructed bit as in the identifier octet (0x30 = universal constructed SEQUENCE). */
  cls: number;
  constructed: boolean;
  tag: number;
  /** Offset of the identifier octet. */
  off: number;
  /** Content start and end (exclusive). */
  start: number;
  end: number;
}

class DerError extends Error {}

/** Reads one TLV inside [off, limit); throws DerError (caught at the boundary) when malformed. */
function tlv(b: Uint8Array, off: number, limit: number): Tlv {
  if (off + 2 > limit) throw new DerError('short');
  const id = b[off]!;
  let p = off + 1;
  let tag = id & 0x1f;
  if (tag === 0x1f) {
    tag = 0;
    for (let i = 0; ; i++) {
      if (p >= limit || i >= 4) throw new DerError('tag');
      const c = b[p++]!;
      tag = (tag << 7) | (c & 0x7f);
      if (!(c & 0x80)) break;
    }
  }
  if (p >= limit) throw new DerError('short');
  let len = b[p++]!;
  if (len & 0x80) {
    const n = len & 0x7f;
    // No indefinite lengths in DER; four length octets are more than any certificate needs.
    if (n === 0 || n > 4 || p + n > limit) throw new DerError('length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p++]!;
  }
  if (len > limit - p) throw new DerError('past end');
  return { cls: id & 0xc0, constructed: (id & 0x20) !== 0, tag, off, start: p, end: p + len };
}

/** The TLVs directly inside a constructed value (bounded by the depth the caller tracks). */
function children(b: Uint8Array, t: Tlv, depth: number, max = Infinity): Tlv[] {
  if (depth > X509_LIMITS.maxDepth) throw new DerError('depth');
  if (!t.constructed) throw new DerError('not constructed');
  const out: Tlv[] = [];
  for (let p = t.start; p < t.end && out.length < max; ) {
    const c = tlv(b, p, t.end);
    out.push(c);
    p = c.end;
  }
  return out;
}

const UNIVERSAL = 0x00;
const CONTEXT = 0x80;
const SEQUENCE = 16;
const SET = 17;
const INTEGER = 2;
const OID = 6;

function expect(t: Tlv | undefined, cls: number, tag: number): Tlv {
  if (!t || t.cls !== cls || t.tag !== tag) throw new DerError(`expected ${cls}:${tag}`);
  return t;
}

const hex = (b: Uint8Array, s: number, e: number): string => Buffer.from(b.buffer, b.byteOffset + s, e - s).toString('hex');

/** Dotted OID text (bounded: an arc over 2^53 stops the read). */
function oidText(b: Uint8Array, t: Tlv): string {
  if (t.end === t.start) throw new DerError('empty oid');
  const arcs: number[] = [];
  let v = 0;
  for (let p = t.start; p < t.end; p++) {
    v = v * 128 + (b[p]! & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER) throw new DerError('oid arc');
    if (!(b[p]! & 0x80)) {
      if (!arcs.length) arcs.push(v < 40 ? 0 : v < 80 ? 1 : 2, v < 80 ? v % 40 : v - 80);
      else arcs.push(v);
      v = 0;
    }
  }
  return arcs.join('.');
}

/** Wireshark's names of the attribute types met in certificate names (its oid registrations). */
const ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.0': 'id-at-objectClass',
  '2.5.4.1': 'id-at-aliasedEntryName',
  '2.5.4.2': 'id-at-knowledgeInformation',
  '2.5.4.3': 'id-at-commonName',
  '2.5.4.4': 'id-at-surname',
  '2.5.4.5': 'id-at-serialNumber',
  '2.5.4.6': 'id-at-countryName',
  '2.5.4.7': 'id-at-localityName',
  '2.5.4.8': 'id-at-stateOrProvinceName',
  '2.5.4.9': 'id-at-streetAddress',
  '2.5.4.10': 'id-at-organizationName',
  '2.5.4.11': 'id-at-organizationalUnitName',
  '2.5.4.12': 'id-at-title',
  '2.5.4.13': 'id-at-description',
  '2.5.4.15': 'id-at-businessCategory',
  '2.5.4.16': 'id-at-postalAddress',
  '2.5.4.17': 'id-at-postalCode',
  '2.5.4.18': 'id-at-postOfficeBox',
  '2.5.4.19': 'id-at-physicalDeliveryOfficeName',
  '2.5.4.20': 'id-at-telephoneNumber',
  '2.5.4.41': 'id-at-name',
  '2.5.4.42': 'id-at-givenName',
  '2.5.4.43': 'id-at-initials',
  '2.5.4.44': 'id-at-generationQualifier',
  '2.5.4.45': 'id-at-uniqueIdentifier',
  '2.5.4.46': 'id-at-dnQualifier',
  '2.5.4.65': 'id-at-pseudonym',
  '2.5.4.97': 'id-at-organizationIdentifier',
  '1.2.840.113549.1.9.1': 'pkcs-9-at-emailAddress',
  '0.9.2342.19200300.100.1.1': 'userid',
  '0.9.2342.19200300.100.1.25': 'dc',
  // Any OID can stand as an attribute type; Wireshark then prints its name for the OID.
  '2.5.29.14': 'id-ce-subjectKeyIdentifier',
  '2.5.29.15': 'id-ce-keyUsage',
  '2.5.29.17': 'id-ce-subjectAltName',
  '2.5.29.18': 'id-ce-issuerAltName',
  '2.5.29.19': 'id-ce-basicConstraints',
  '2.5.29.31': 'id-ce-cRLDistributionPoints',
  '2.5.29.32': 'id-ce-certificatePolicies',
  '2.5.29.35': 'id-ce-authorityKeyIdentifier',
  '2.5.29.37': 'id-ce-extKeyUsage',
};

const clip = (s: string): string => (s.length > X509_LIMITS.maxValueChars ? s.slice(0, X509_LIMITS.maxValueChars) : s);

/** A character string's text, or null when the type is not a string. */
function stringValue(b: Uint8Array, t: Tlv): string | null {
  if (t.cls !== UNIVERSAL || t.constructed) return null;
  const buf = Buffer.from(b.buffer, b.byteOffset + t.start, t.end - t.start);
  switch (t.tag) {
    case 12: // UTF8String
      return clip(buf.toString('utf8'));
    case 18: // NumericString
    case 19: // PrintableString
    case 20: // TeletexString (T.61; latin1 is what decoders do in practice)
    case 21: // VideotexString
    case 22: // IA5String
    case 25: // GraphicString
    case 26: // VisibleString
    case 27: // GeneralString
      return clip(buf.toString('latin1'));
    case 30: {
      // BMPString: UCS-2 big-endian.
      let s = '';
      for (let i = 0; i + 1 < buf.length && s.length < X509_LIMITS.maxValueChars; i += 2) s += String.fromCharCode((buf[i]! << 8) | buf[i + 1]!);
      return s;
    }
    case 28: {
      // UniversalString: UCS-4 big-endian.
      let s = '';
      for (let i = 0; i + 3 < buf.length && s.length < X509_LIMITS.maxValueChars; i += 4) {
        const cp = buf.readUInt32BE(i);
        s += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
      }
      return s;
    }
    default:
      return null;
  }
}

/** Name ::= SEQUENCE OF RelativeDistinguishedName, printed as Wireshark prints an rdnSequence. */
function nameText(b: Uint8Array, t: Tlv, depth: number): string {
  expect(t, UNIVERSAL, SEQUENCE);
  const rdns: string[] = [];
  for (const rdn of children(b, t, depth + 1, X509_LIMITS.maxRdns)) {
    expect(rdn, UNIVERSAL, SET);
    const atvs: string[] = [];
    for (const atv of children(b, rdn, depth + 2, X509_LIMITS.maxRdns)) {
      const [type, value] = children(b, expect(atv, UNIVERSAL, SEQUENCE), depth + 3, 2);
      const oid = oidText(b, expect(type, UNIVERSAL, OID));
      if (!value) throw new DerError('attribute without value');
      const v = stringValue(b, value) ?? `#${clip(hex(b, value.off, value.end))}`;
      atvs.push(`${ATTRIBUTE_NAMES[oid] ?? oid}=${v}`);
    }
    rdns.push(atvs.join('+'));
  }
  return rdns.reverse().join(',');
}

/** UTCTime / GeneralizedTime as ISO 8601 UTC; the raw text when it does not parse. */
function timeText(b: Uint8Array, t: Tlv): string {
  if (t.cls !== UNIVERSAL || (t.tag !== 23 && t.tag !== 24)) throw new DerError('time');
  const s = clip(Buffer.from(b.buffer, b.byteOffset + t.start, t.end - t.start).toString('latin1'));
  const m = t.tag === 23 ? /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?Z$/.exec(s) : /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?(?:\.\d+)?Z$/.exec(s);
  if (!m) return s;
  const year = t.tag === 23 ? (Number(m[1]) < 50 ? 2000 : 1900) + Number(m[1]) : Number(m[1]);
  return `${String(year).padStart(4, '0')}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}Z`;
}

function ipText(b: Uint8Array, t: Tlv): string {
  const n = t.end - t.start;
  if (n === 4) return Array.from(b.subarray(t.start, t.end)).join('.');
  if (n !== 16) return `#${hex(b, t.start, t.end)}`;
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((b[t.start + i]! << 8) | b[t.start + i + 1]!);
  // RFC 5952: the longest run (two or more) of zero groups becomes "::".
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const h = g.map((x) => x.toString(16));
  if (best < 0) return h.join(':');
  return `${h.slice(0, best).join(':')}::${h.slice(best + bestLen).join(':')}`;
}

/** GeneralNames of a subjectAltName extension value. */
function altNames(b: Uint8Array, t: Tlv, depth: number): string[] {
  const out: string[] = [];
  for (const gn of children(b, expect(t, UNIVERSAL, SEQUENCE), depth + 1, X509_LIMITS.maxAltNames)) {
    if (gn.cls !== CONTEXT) throw new DerError('general name');
    const text = (): string => clip(Buffer.from(b.buffer, b.byteOffset + gn.start, gn.end - gn.start).toString('latin1'));
    switch (gn.tag) {
      case 0: {
        const [typeId] = children(b, gn, depth + 2, 1);
        out.push(`othername:${typeId && typeId.tag === OID ? oidText(b, typeId) : '?'}`);
        break;
      }
      case 1:
        out.push(`email:${text()}`);
        break;
      case 2:
        out.push(`DNS:${text()}`);
        break;
      case 4: {
        const [name] = children(b, gn, depth + 2, 1);
        out.push(`DirName:${name ? nameText(b, name, depth + 2) : ''}`);
        break;
      }
      case 6:
        out.push(`URI:${text()}`);
        break;
      case 7:
        out.push(`IP Address:${ipText(b, gn)}`);
        break;
      case 8:
        out.push(`Registered ID:${oidText(b, gn)}`);
        break;
      default:
        out.push(`[${gn.tag}]:#${clip(hex(b, gn.start, gn.end))}`);
    }
  }
  return out;
}

export interface X509Summary {
  subject: string;
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  subjectAltNames: string[];
}

const SUBJECT_ALT_NAME = '2.5.29.17';

/** The names, serial number, validity and subjectAltName of a DER certificate; null if malformed. */
export function decodeCertificate(der: Uint8Array): X509Summary | null {
  try {
    const cert = expect(tlv(der, 0, der.length), UNIVERSAL, SEQUENCE);
    const [tbs] = children(der, cert, 1, 3);
    const f = children(der, expect(tbs, UNIVERSAL, SEQUENCE), 2, 12);
    let i = 0;
    // [0] EXPLICIT Version DEFAULT v1
    if (f[i]?.cls === CONTEXT && f[i]!.tag === 0) i++;
    const serialT = expect(f[i++], UNIVERSAL, INTEGER);
    expect(f[i++], UNIVERSAL, SEQUENCE); // signature AlgorithmIdentifier
    const issuer = nameText(der, f[i++]!, 2);
    const [nb, na] = children(der, expect(f[i++], UNIVERSAL, SEQUENCE), 3, 2);
    if (!nb || !na) throw new DerError('validity');
    const subject = nameText(der, f[i++]!, 2);
    expect(f[i++], UNIVERSAL, SEQUENCE); // subjectPublicKeyInfo
    const subjectAltNames: string[] = [];
    for (; i < f.length; i++) {
      const t = f[i]!;
      if (t.cls !== CONTEXT || t.tag !== 3) continue; // [1]/[2] unique identifiers
      const [exts] = children(der, t, 3, 1);
      for (const ext of children(der, expect(exts, UNIVERSAL, SEQUENCE), 4)) {
        const parts = children(der, expect(ext, UNIVERSAL, SEQUENCE), 5, 3);
        if (oidText(der, expect(parts[0], UNIVERSAL, OID)) !== SUBJECT_ALT_NAME) continue;
        const value = expect(parts[parts.length - 1], UNIVERSAL, 4); // extnValue OCTET STRING
        const inner = tlv(der, value.start, value.end);
        subjectAltNames.push(...altNames(der, inner, 6).slice(0, X509_LIMITS.maxAltNames - subjectAltNames.length));
      }
    }
    return { subject, issuer, serial: hex(der, serialT.start, serialT.end), notBefore: timeText(der, nb), notAfter: timeText(der, na), subjectAltNames };
  } catch {
    // DerError for malformed DER; anything else would be a bug here, and still must not escape.
    return null;
  }
}
