/** Questions and resource records of a DNS message: RDATA of each type, EDNS(0), SVCB/HTTPS, NSEC bit maps. */
import { formatIPv4At, formatIPv6, u16, u32 } from '../bytes.js';
import { need, type Packet } from '../packet.js';
import { CLASSES, EDNS_OPTS, SVC_KEYS, dnsTypeName } from './values.js';
import { F } from './fields.js';
import { NameError, latin1, nameEnd, nameErr, nameLabels, nameProblem, nameRawLen, readName } from './names.js';
import { DnsKind } from './pairing.js';
/** Info text of the last question/record (valid only when columns are wanted). */
export let qInfo = '';
export let rrInfo = '';

/** One question; returns the offset after it, or -1 (malformed: the message ends here). */
export function question(pkt: Packet, p: number, msg: number, end: number, rep: number, parent: number, kind: DnsKind, cols: boolean): number {
  const d = pkt.data;
  qInfo = '';
  const text = cols || pkt.treeFor(F.dns);
  const name = readName(d, msg, end, p, text);
  if (nameErr !== NameError.None) {
    if (nameErr === NameError.PastEnd) need(pkt, end, 1, end, rep, parent, 'DNS query name');
    else nameProblem(pkt, parent);
    return -1;
  }
  const nEnd = nameEnd;
  if (!need(pkt, nEnd, 4, end, rep, parent, 'DNS query')) return -1;
  const type = u16(d, nEnd);
  const cls = u16(d, nEnd + 2);
  const mdns = kind === DnsKind.Mdns;
  const q = pkt.add(F.query, p, nEnd + 4 - p, parent);
  pkt.add(F.qry_name, p, nEnd - p, q, 0, name);
  if (pkt.treeFor(F.dns)) {
    pkt.add(F.qry_name_len, p, 0, q, name === '<Root>' ? 6 : nameRawLen);
    pkt.add(F.count_labels, p, 0, q, nameLabels);
  }
  pkt.add(F.qry_type, nEnd, 2, q, type);
  if (pkt.treeFor(F.dns)) {
    pkt.add(F.qry_class, nEnd + 2, 2, q, mdns ? cls & 0x7fff : cls);
    if (mdns) pkt.add(F.qry_qu, nEnd + 2, 2, q, cls >> 15);
  }
  if (pkt.wantLabels) pkt.setLabel(q, `${name}: type ${dnsTypeName(type)}, class ${CLASSES[mdns ? cls & 0x7fff : cls] ?? `Unknown (0x${cls.toString(16)})`}${mdns ? `, "${cls & 0x8000 ? 'QU' : 'QM'}" question` : ''}`);
  if (cols) qInfo = mdns ? ` ${dnsTypeName(type)} ${name}, "${cls & 0x8000 ? 'QU' : 'QM'}" question` : ` ${dnsTypeName(type)} ${name}`;
  return nEnd + 4;
}

/** One resource record; returns the offset after it, or -1 (malformed: the message ends here). */
export function record(pkt: Packet, p: number, msg: number, end: number, rep: number, parent: number, kind: DnsKind, cols: boolean): number {
  const d = pkt.data;
  rrInfo = '';
  const tree = pkt.treeFor(F.dns);
  const names = pkt.session.names;
  // -N nd: an A or AAAA record teaches its name (in the first pass of two, which keeps no tree or
  // text; the second uses what the whole capture taught, as tshark -2).
  const learn = names !== undefined && names.learnsDns && pkt.fence === 0 && pkt.session.pass !== 2;
  const text = cols || tree || learn;
  const name = readName(d, msg, end, p, text);
  if (nameErr !== NameError.None) {
    if (nameErr === NameError.PastEnd) need(pkt, end, 1, end, rep, parent, 'DNS record name');
    else nameProblem(pkt, parent);
    return -1;
  }
  const nEnd = nameEnd;
  if (!need(pkt, nEnd, 10, end, rep, parent, 'DNS resource record')) return -1;
  const type = u16(d, nEnd);
  const cls = u16(d, nEnd + 2);
  const ttl = u32(d, nEnd + 4);
  const rdlen = u16(d, nEnd + 8);
  const rd = nEnd + 10;
  const rdEnd = rd + rdlen;
  const mdns = kind === DnsKind.Mdns;
  const flush = mdns && type !== 41 && (cls & 0x8000) !== 0;
  const rr = tree ? pkt.add(F.rr, p, Math.min(rdEnd, end) - p, parent) : -1;
  if (cols) rrInfo = flush ? ` ${dnsTypeName(type)}, cache flush` : ` ${dnsTypeName(type)}`;
  if (type === 41) return opt(pkt, p, nEnd, rd, rdEnd, end, rep, rr, name, cls, ttl, rdlen);
  if (tree) {
    const a = type === 33 ? name.indexOf('.') : -1;
    const b = a > 0 ? name.indexOf('.', a + 1) : -1;
    if (b > 0) {
      // Wireshark splits an SRV owner `_service._proto.name` into its three parts (RFC 2782).
      pkt.add(F.srv_service, p, nEnd - p, rr, 0, name.slice(0, a));
      pkt.add(F.srv_proto, p, nEnd - p, rr, 0, name.slice(a + 1, b));
      pkt.add(F.srv_name, p, nEnd - p, rr, 0, name.slice(b + 1));
    } else pkt.add(F.resp_name, p, nEnd - p, rr, 0, name);
    pkt.add(F.resp_type, nEnd, 2, rr, type);
    pkt.add(F.resp_class, nEnd + 2, 2, rr, mdns ? cls & 0x7fff : cls);
    if (mdns) pkt.add(F.resp_cache_flush, nEnd + 2, 2, rr, cls >> 15);
    pkt.add(F.resp_ttl, nEnd + 4, 4, rr, ttl);
    pkt.add(F.resp_len, nEnd + 8, 2, rr, rdlen);
  }
  let summary = '';
  /** The summary belongs in the tree label only (Wireshark's Info shows just the type). */
  let labelOnly = false;
  if (!need(pkt, rd, rdlen, end, rep, rr, `DNS ${dnsTypeName(type)} record data`)) return -1;
  let bad = false;
  // Empty data (a dynamic update deleting an RRset, RFC 2136 2.5.2) has nothing to decode.
  switch (rdlen === 0 ? -1 : type) {
    case -1:
      break;
    case 1: // A
      if (rdlen !== 4) {
        bad = true;
        break;
      }
      pkt.add(F.a, rd, 4, rr, u32(d, rd));
      if (learn) names.learn(formatIPv4At(d, rd), name);
      if (text) summary = formatIPv4At(d, rd);
      break;
    case 28: // AAAA
      if (rdlen !== 16) {
        bad = true;
        break;
      }
      pkt.add(F.aaaa, rd, 16, rr);
      if (learn) names.learn(formatIPv6(d, rd), name);
      if (text) summary = formatIPv6(d, rd);
      break;
    case 2: case 5: case 12: case 39: { // NS, CNAME, PTR, DNAME
      const n = readName(d, msg, end, rd, text);
      if (nameErr !== NameError.None || nameEnd > rdEnd) {
        bad = true;
        break;
      }
      pkt.add(type === 2 ? F.ns : type === 5 ? F.cname : type === 12 ? F.ptr : F.dname, rd, rdlen, rr, 0, n);
      summary = n;
      break;
    }
    case 15: { // MX
      if (rdlen < 3) {
        bad = true;
        break;
      }
      const pref = u16(d, rd);
      const n = readName(d, msg, end, rd + 2, text);
      if (nameErr !== NameError.None || nameEnd > rdEnd) {
        bad = true;
        break;
      }
      pkt.add(F.mx_preference, rd, 2, rr, pref);
      pkt.add(F.mx_exchange, rd + 2, rdEnd - rd - 2, rr, 0, n);
      if (text) summary = `${pref} ${n}`;
      break;
    }
    case 16: case 99: { // TXT, SPF
      let q = rd;
      while (q < rdEnd) {
        const l = d[q]!;
        if (q + 1 + l > rdEnd) {
          bad = true;
          break;
        }
        if (tree) {
          pkt.add(F.txt_length, q, 1, rr, l);
          pkt.add(F.txt, q + 1, l, rr, 0, latin1(d, q + 1, l));
        }
        q += 1 + l;
      }
      break;
    }
    case 6: { // SOA
      const m = readName(d, msg, end, rd, text);
      if (nameErr !== NameError.None || nameEnd > rdEnd) {
        bad = true;
        break;
      }
      const mEnd = nameEnd;
      const r = readName(d, msg, end, mEnd, tree);
      if (nameErr !== NameError.None || nameEnd + 20 > rdEnd) {
        bad = true;
        break;
      }
      const t = nameEnd;
      summary = m;
      if (tree) {
        pkt.add(F.soa_mname, rd, mEnd - rd, rr, 0, m);
        pkt.add(F.soa_rname, mEnd, t - mEnd, rr, 0, r);
        pkt.add(F.soa_serial, t, 4, rr, u32(d, t));
        pkt.add(F.soa_refresh, t + 4, 4, rr, u32(d, t + 4));
        pkt.add(F.soa_retry, t + 8, 4, rr, u32(d, t + 8));
        pkt.add(F.soa_expire, t + 12, 4, rr, u32(d, t + 12));
        pkt.add(F.soa_minimum, t + 16, 4, rr, u32(d, t + 16));
      }
      break;
    }
    case 33: { // SRV
      if (rdlen < 7) {
        bad = true;
        break;
      }
      const n = readName(d, msg, end, rd + 6, text);
      if (nameErr !== NameError.None || nameEnd > rdEnd) {
        bad = true;
        break;
      }
      const pr = u16(d, rd);
      const w = u16(d, rd + 2);
      const port = u16(d, rd + 4);
      pkt.add(F.srv_priority, rd, 2, rr, pr);
      pkt.add(F.srv_weight, rd + 2, 2, rr, w);
      pkt.add(F.srv_port, rd + 4, 2, rr, port);
      pkt.add(F.srv_target, rd + 6, rdEnd - rd - 6, rr, 0, n);
      if (text) summary = `${pr} ${w} ${port} ${n}`;
      break;
    }
    case 257: { // CAA
      if (rdlen < 2 || 2 + d[rd + 1]! > rdlen) {
        bad = true;
        break;
      }
      const fl = d[rd]!;
      const tl = d[rd + 1]!;
      const tag = latin1(d, rd + 2, tl);
      const value = latin1(d, rd + 2 + tl, rdlen - 2 - tl);
      if (tree) {
        const fi = pkt.add(F.caa_flags, rd, 1, rr, fl);
        pkt.add(F.caa_critical, rd, 1, fi, fl >> 7);
        pkt.add(F.caa_tag_length, rd + 1, 1, rr, tl);
        pkt.add(F.caa_tag, rd + 2, tl, rr, 0, tag);
        const vf = tag === 'issue' ? F.caa_issue : tag === 'issuewild' ? F.caa_issuewild : tag === 'iodef' ? F.caa_iodef : F.caa_value;
        pkt.add(vf, rd + 2 + tl, rdlen - 2 - tl, rr, 0, value);
      }
      labelOnly = true;
      if (text) summary = `${tag}: ${value}`;
      break;
    }
    case 64: case 65: // SVCB, HTTPS
      bad = !svcb(pkt, d, msg, rd, rdEnd, end, rr, text);
      summary = svcSummary;
      labelOnly = true;
      break;
    case 43: case 59: // DS, CDS
      if (rdlen < 4) {
        bad = true;
        break;
      }
      if (tree) {
        pkt.add(F.ds_key_id, rd, 2, rr, u16(d, rd));
        pkt.add(F.ds_algorithm, rd + 2, 1, rr, d[rd + 2]!);
        pkt.add(F.ds_digest_type, rd + 3, 1, rr, d[rd + 3]!);
        pkt.add(F.ds_digest, rd + 4, rdlen - 4, rr);
      }
      break;
    case 48: case 60: // DNSKEY, CDNSKEY
      if (rdlen < 4) {
        bad = true;
        break;
      }
      if (tree) {
        pkt.add(F.dnskey_flags, rd, 2, rr, u16(d, rd));
        pkt.add(F.dnskey_protocol, rd + 2, 1, rr, d[rd + 2]!);
        pkt.add(F.dnskey_algorithm, rd + 3, 1, rr, d[rd + 3]!);
        pkt.add(F.dnskey_key_id, rd, rdlen, rr, keyTag(d, rd, rdlen));
        pkt.add(F.dnskey_public_key, rd + 4, rdlen - 4, rr);
      }
      break;
    case 46: { // RRSIG
      if (rdlen < 19) {
        bad = true;
        break;
      }
      const signer = readName(d, msg, end, rd + 18, tree);
      if (nameErr !== NameError.None || nameEnd > rdEnd) {
        bad = true;
        break;
      }
      if (tree) {
        pkt.add(F.rrsig_type_covered, rd, 2, rr, u16(d, rd));
        pkt.add(F.rrsig_algorithm, rd + 2, 1, rr, d[rd + 2]!);
        pkt.add(F.rrsig_labels, rd + 3, 1, rr, d[rd + 3]!);
        pkt.add(F.rrsig_original_ttl, rd + 4, 4, rr, u32(d, rd + 4));
        pkt.add(F.rrsig_expiration, rd + 8, 4, rr, 0, { tsSec: u32(d, rd + 8), tsNsec: 0 });
        pkt.add(F.rrsig_inception, rd + 12, 4, rr, 0, { tsSec: u32(d, rd + 12), tsNsec: 0 });
        pkt.add(F.rrsig_key_tag, rd + 16, 2, rr, u16(d, rd + 16));
        pkt.add(F.rrsig_signers_name, rd + 18, nameEnd - rd - 18, rr, 0, signer);
        pkt.add(F.rrsig_signature, nameEnd, rdEnd - nameEnd, rr);
      }
      break;
    }
    case 47: { // NSEC
      const next = readName(d, msg, end, rd, text);
      if (nameErr !== NameError.None || nameEnd > rdEnd) {
        bad = true;
        break;
      }
      summary = next;
      if (tree) pkt.add(F.nsec_next, rd, nameEnd - rd, rr, 0, next);
      if (!typeBitmaps(pkt, d, nameEnd, rdEnd, rr)) bad = true;
      break;
    }
    case 50: { // NSEC3 (RFC 5155 3.2): hash algorithm, flags, iterations, salt, next hashed owner, type bit maps
      const saltLen = rdlen >= 5 ? d[rd + 4]! : 0;
      const hashAt = rd + 5 + saltLen;
      const hashLen = hashAt < rdEnd ? d[hashAt]! : 0;
      if (rdlen < 5 || hashAt + 1 + hashLen > rdEnd) {
        bad = true;
        break;
      }
      if (tree) {
        pkt.add(F.nsec3_algo, rd, 1, rr, d[rd]!);
        const fl = pkt.add(F.nsec3_flags, rd + 1, 1, rr, d[rd + 1]!);
        pkt.add(F.nsec3_opt_out, rd + 1, 1, fl, d[rd + 1]! & 1);
        pkt.add(F.nsec3_iterations, rd + 2, 2, rr, u16(d, rd + 2));
        pkt.add(F.nsec3_salt_length, rd + 4, 1, rr, saltLen);
        pkt.add(F.nsec3_salt_value, rd + 5, saltLen, rr);
        pkt.add(F.nsec3_hash_length, hashAt, 1, rr, hashLen);
        pkt.add(F.nsec3_hash_value, hashAt + 1, hashLen, rr, 0, base32hex(d, hashAt + 1, hashLen));
      }
      if (!typeBitmaps(pkt, d, hashAt + 1 + hashLen, rdEnd, rr)) bad = true;
      break;
    }
    case 13: { // HINFO: CPU and OS character strings
      if (rdlen < 2 || 1 + d[rd]! >= rdlen || 2 + d[rd]! + d[rd + 1 + d[rd]!]! > rdlen) {
        bad = true;
        break;
      }
      const cl = d[rd]!;
      const ol = d[rd + 1 + cl]!;
      const cpu = latin1(d, rd + 1, cl);
      const os = latin1(d, rd + 2 + cl, ol);
      if (tree) {
        pkt.add(F.hinfo_cpu_length, rd, 1, rr, cl);
        pkt.add(F.hinfo_cpu, rd + 1, cl, rr, 0, cpu);
        pkt.add(F.hinfo_os_length, rd + 1 + cl, 1, rr, ol);
        pkt.add(F.hinfo_os, rd + 2 + cl, ol, rr, 0, os);
      }
      if (text) summary = `${cpu} ${os}`;
      break;
    }
    case 35: { // NAPTR: order, preference, flags (then service, regexp, replacement, shown as data)
      if (rdlen < 5 || 5 + d[rd + 4]! > rdlen) {
        bad = true;
        break;
      }
      const order = u16(d, rd);
      const pref = u16(d, rd + 2);
      const fl = latin1(d, rd + 5, d[rd + 4]!);
      if (tree) {
        pkt.add(F.naptr_order, rd, 2, rr, order);
        pkt.add(F.naptr_preference, rd + 2, 2, rr, pref);
        pkt.add(F.naptr_flags, rd + 5, d[rd + 4]!, rr, 0, fl);
        pkt.add(F.data, rd, rdlen, rr);
      }
      if (text) summary = `${order} ${pref} ${fl}`;
      break;
    }
    default:
      if (rdlen > 0 && tree) pkt.add(F.data, rd, rdlen, rr);
  }
  if (bad) {
    pkt.markMalformed(rr >= 0 ? rr : parent, `Malformed Packet (DNS: bad ${dnsTypeName(type)} record data)`);
    return -1;
  }
  if (cols && summary && !labelOnly) rrInfo += ` ${summary}`;
  if (pkt.wantLabels) pkt.setLabel(rr, `${name}: type ${dnsTypeName(type)}, class ${CLASSES[mdns ? cls & 0x7fff : cls] ?? `Unknown (0x${cls.toString(16)})`}${flush ? ', cache flush' : ''}${summary ? `, ${rrLabelWord(type)} ${summary}` : ''}`);
  return rdEnd;
}

function rrLabelWord(type: number): string {
  switch (type) {
    case 1: case 28: return 'addr';
    case 2: return 'ns';
    case 5: return 'cname';
    case 6: return 'mname';
    case 12: return 'domain name';
    case 15: return 'preference/mx';
    case 33: return 'priority/weight/port/target';
    default: return 'data';
  }
}

/** The EDNS(0) pseudo-record (RFC 6891 6.1.2): class is the UDP payload size, TTL the extended flags. */
export function opt(pkt: Packet, p: number, nEnd: number, rd: number, rdEnd: number, end: number, rep: number, rr: number, name: string, cls: number, ttl: number, rdlen: number): number {
  const d = pkt.data;
  if (pkt.treeFor(F.dns)) {
    pkt.add(F.resp_name, p, nEnd - p, rr, 0, name);
    pkt.add(F.resp_type, nEnd, 2, rr, 41);
    pkt.add(F.opt_udp_size, nEnd + 2, 2, rr, cls);
    pkt.add(F.opt_ext_rcode, nEnd + 4, 1, rr, ttl >>> 24);
    pkt.add(F.opt_version, nEnd + 5, 1, rr, (ttl >>> 16) & 0xff);
    const z = ttl & 0xffff;
    const zi = pkt.add(F.opt_z, nEnd + 6, 2, rr, z);
    pkt.add(F.opt_z_do, nEnd + 6, 2, zi, z >> 15);
    pkt.add(F.opt_z_reserved, nEnd + 6, 2, zi, z & 0x7fff);
    pkt.add(F.resp_len, nEnd + 8, 2, rr, rdlen);
  }
  if (pkt.wantLabels) pkt.setLabel(rr, `${name}: type OPT`);
  if (!need(pkt, rd, rdlen, end, rep, rr, 'DNS OPT record data')) return -1;
  let q = rd;
  while (q < rdEnd) {
    if (q + 4 > rdEnd) {
      pkt.markMalformed(rr, 'Malformed Packet (DNS: truncated EDNS option)');
      return -1;
    }
    const code = u16(d, q);
    const len = u16(d, q + 2);
    const v = q + 4;
    if (v + len > rdEnd) {
      pkt.markMalformed(rr, `Malformed Packet (DNS: EDNS option ${code} length ${len} past the record)`);
      return -1;
    }
    if (pkt.treeFor(F.dns)) {
      const o = pkt.add(F.opt, q, 4 + len, rr);
      if (pkt.wantLabels) pkt.setLabel(o, `Option: ${EDNS_OPTS[code] ?? `Unknown (${code})`}`);
      pkt.add(F.opt_code, q, 2, o, code);
      pkt.add(F.opt_len, q + 2, 2, o, len);
      // Wireshark shows every option's value as dns.opt.data, then what it dissects of it.
      if (len > 0) pkt.add(F.opt_data, v, len, o);
      if (code === 8 && len >= 4) {
        // Client subnet (RFC 7871 6): the address is truncated to the source prefix length.
        const family = u16(d, v);
        pkt.add(F.opt_client_family, v, 2, o, family);
        pkt.add(F.opt_client_netmask, v + 2, 1, o, d[v + 2]!);
        pkt.add(F.opt_client_scope, v + 3, 1, o, d[v + 3]!);
        const alen = len - 4;
        if (family === 1 && alen <= 4) {
          let a = 0;
          for (let k = 0; k < 4; k++) a = a * 256 + (k < alen ? d[v + 4 + k]! : 0);
          pkt.add(F.opt_client_addr4, v + 4, alen, o, a);
        } else if (family === 2 && alen <= 16) {
          const b = new Uint8Array(16);
          b.set(d.subarray(v + 4, v + 4 + alen));
          pkt.add(F.opt_client_addr6, v + 4, alen, o, 0, b);
        }
      } else if (code === 10 && len >= 8) {
        pkt.add(F.opt_cookie_client, v, 8, o);
        // Without a server cookie tshark still shows the (empty) field.
        pkt.add(F.opt_cookie_server, v + 8, len - 8, o);
      }
    }
    q = v + len;
  }
  return rdEnd;
}

let svcSummary = '';

/** SVCB/HTTPS RDATA (RFC 9460 2.2): priority, target name, then key-sorted parameters. */
function svcb(pkt: Packet, d: Uint8Array, msg: number, rd: number, rdEnd: number, end: number, rr: number, text: boolean): boolean {
  svcSummary = '';
  if (rdEnd - rd < 3) return false;
  const prio = u16(d, rd);
  // The target name is not compressed (RFC 9460 2.2), but reading through the message is harmless.
  const target = readName(d, msg, Math.min(end, rdEnd), rd + 2, text);
  if (nameErr !== NameError.None) return false;
  pkt.add(F.svcb_priority, rd, 2, rr, prio);
  pkt.add(F.svcb_target, rd + 2, nameEnd - rd - 2, rr, 0, target);
  if (text) svcSummary = `${prio} ${target}`;
  let q = nameEnd;
  while (q < rdEnd) {
    if (q + 4 > rdEnd) return false;
    const key = u16(d, q);
    const len = u16(d, q + 2);
    const v = q + 4;
    if (v + len > rdEnd) return false;
    if (pkt.treeFor(F.dns)) {
      const pi = pkt.add(F.svcb_param, q, 4 + len, rr);
      pkt.add(F.svcb_key, q, 2, pi, key);
      pkt.add(F.svcb_value_length, q + 2, 2, pi, len);
      const names: string[] = [];
      switch (key) {
        case 0:
          for (let k = v; k + 2 <= v + len; k += 2) pkt.add(F.svcb_mandatory, k, 2, pi, u16(d, k));
          break;
        case 1:
          for (let k = v; k < v + len; ) {
            const l = d[k]!;
            if (k + 1 + l > v + len) break;
            const s = latin1(d, k + 1, l);
            names.push(s);
            pkt.add(F.svcb_alpn, k + 1, l, pi, 0, s);
            k += 1 + l;
          }
          break;
        case 3:
          if (len === 2) pkt.add(F.svcb_port, v, 2, pi, u16(d, v));
          break;
        case 4:
          for (let k = v; k + 4 <= v + len; k += 4) pkt.add(F.svcb_ipv4hint, k, 4, pi, u32(d, k));
          break;
        case 6:
          for (let k = v; k + 16 <= v + len; k += 16) pkt.add(F.svcb_ipv6hint, k, 16, pi);
          break;
        case 5:
          pkt.add(F.svcb_ech, v, len, pi);
          break;
        default:
          if (len) pkt.add(F.svcb_value, v, len, pi);
      }
      if (pkt.wantLabels) pkt.setLabel(pi, `SvcParam: ${SVC_KEYS[key] ?? `key${key}`}${names.length ? `=${names.join(',')}` : ''}`);
    }
    q = v + len;
  }
  return true;
}

/** Base 32 with the extended hex alphabet, lower case, no padding (RFC 4648 7; NSEC3's hashed names). */
function base32hex(d: Uint8Array, off: number, len: number): string {
  const A = '0123456789abcdefghijklmnopqrstuv';
  let out = '';
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < len; i++) {
    acc = ((acc & 0xff) << 8) | d[off + i]!;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += A[(acc >> bits) & 31];
    }
  }
  if (bits > 0) out += A[(acc << (5 - bits)) & 31];
  return out;
}

/** NSEC/NSEC3 type bit maps (RFC 4034 4.1.2): one item per type present (as `dns.resp.type`, as Wireshark). */
function typeBitmaps(pkt: Packet, d: Uint8Array, q: number, end: number, rr: number): boolean {
  while (q < end) {
    if (q + 2 > end) return false;
    const win = d[q]!;
    const len = d[q + 1]!;
    if (len < 1 || len > 32 || q + 2 + len > end) return false;
    if (pkt.treeFor(F.dns)) {
      for (let i = 0; i < len; i++) {
        const b = d[q + 2 + i]!;
        for (let bit = 0; bit < 8; bit++) if (b & (0x80 >> bit)) pkt.add(F.resp_type, q + 2 + i, 1, rr, win * 256 + i * 8 + bit);
      }
    }
    q += 2 + len;
  }
  return true;
}

/** RFC 4034 Appendix B key tag. */
function keyTag(d: Uint8Array, off: number, len: number): number {
  let ac = 0;
  for (let i = 0; i < len; i++) ac += i & 1 ? d[off + i]! : d[off + i]! << 8;
  ac += (ac >> 16) & 0xffff;
  return ac & 0xffff;
}
