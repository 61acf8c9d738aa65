/**
 * Dissector preferences, named as Wireshark names them so `-o name:value` carries over
 * (`-o ip.check_checksum:FALSE`). wirelite verifies IPv4 header checksums by default (the issue's
 * choice and what most users want); TCP/UDP checksums are off by default as in Wireshark, because
 * checksum offload makes locally sent packets look bad.
 *
 * Numeric preferences set a named limit: `-o tcp.max_conversations:N` (TCP_LIMITS).
 */
import { TCP_LIMITS } from './tcp/conversations.js';

/** Limits settable with -o name:N (a positive integer). */
const LIMIT_PREFS: Record<string, (n: number) => void> = {
  'tcp.max_conversations': (n) => {
    TCP_LIMITS.maxConversations = n;
  },
};

export const prefs = {
  'ip.check_checksum': true,
  'udp.check_checksum': false,
  'tcp.check_checksum': false,
  'ip.defragment': true,
  'ipv6.defragment': true,
  get ipCheckChecksum(): boolean {
    return this['ip.check_checksum'];
  },
};

export type PrefName = 'ip.check_checksum' | 'udp.check_checksum' | 'tcp.check_checksum' | 'ip.defragment' | 'ipv6.defragment';

/** Applies `name:value` (tshark's -o syntax). Throws with a clear message on an unknown name or value. */
export function setPref(text: string): void {
  const i = text.indexOf(':');
  if (i < 0) throw new Error(`bad preference "${text}": expected name:value`);
  const name = text.slice(0, i).trim();
  const value = text.slice(i + 1).trim().toUpperCase();
  const limit = LIMIT_PREFS[name];
  if (limit) {
    const n = Number(value);
    if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new Error(`preference ${name} takes a positive integer, not "${value}"`);
    limit(n);
    return;
  }
  // A file name, read by the TLS dissector (src/dissectors/tls/keylog.ts; the CLI passes it on).
  if (name === 'tls.keylog_file') return;
  if (!(name in prefs) || name.startsWith('get ')) throw new Error(`unknown preference "${name}" (known: ${[...PREF_NAMES, ...Object.keys(LIMIT_PREFS)].join(', ')}, tls.keylog_file)`);
  if (value !== 'TRUE' && value !== 'FALSE') throw new Error(`preference ${name} takes TRUE or FALSE, not "${value}"`);
  (prefs as Record<PrefName, boolean>)[name as PrefName] = value === 'TRUE';
}

export const PREF_NAMES: PrefName[] = ['ip.check_checksum', 'udp.check_checksum', 'tcp.check_checksum', 'ip.defragment', 'ipv6.defragment'];
