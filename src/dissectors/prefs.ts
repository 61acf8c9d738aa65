/**
 * Dissector preferences, named as Wireshark names them so `-o name:value` carries over
 * (`-o ip.check_checksum:FALSE`). wirelite verifies IPv4 header checksums by default (the issue's
 * choice and what most users want); TCP/UDP checksums are off by default as in Wireshark, because
 * checksum offload makes locally sent packets look bad.
 *
 * Preferences belong to a session (`session.prefs`, made by `newSession({ prefs: ['name:value'] })`
 * in ./session.ts): DEFAULT_PREFS are only the values a session starts from.
 * Numeric preferences set one of the session's named limits: `-o tcp.max_conversations:N`
 * (`session.limits.tcp`, TCP_LIMITS).
 */
import type { SessionLimits } from './limits.js';

/** The boolean preferences of a session. */
export interface Prefs {
  'ip.check_checksum': boolean;
  'udp.check_checksum': boolean;
  'tcp.check_checksum': boolean;
  'ip.defragment': boolean;
  'ipv6.defragment': boolean;
}

export type PrefName = keyof Prefs;

/** What a session's preferences are when no `-o` changes them. */
export const DEFAULT_PREFS: Readonly<Prefs> = Object.freeze({
  'ip.check_checksum': true,
  'udp.check_checksum': false,
  'tcp.check_checksum': false,
  'ip.defragment': true,
  'ipv6.defragment': true,
});

export const PREF_NAMES = Object.keys(DEFAULT_PREFS) as PrefName[];

/** Limits settable with -o name:N (a positive integer), in a session's limits. */
const LIMIT_PREFS: Record<string, (limits: SessionLimits, n: number) => void> = {
  'tcp.max_conversations': (limits, n) => {
    limits.tcp.maxConversations = n;
  },
};

/**
 * Applies `name:value` (tshark's -o syntax) to a session's preferences and limits being made.
 * Throws with a clear message on an unknown name or value.
 */
export function applyPref(prefs: Prefs, limits: SessionLimits, text: string): void {
  const i = text.indexOf(':');
  if (i < 0) throw new Error(`bad preference "${text}": expected name:value`);
  const name = text.slice(0, i).trim();
  const raw = text.slice(i + 1).trim();
  const value = raw.toUpperCase();
  // A file name, read by the TLS dissector from the session's options (src/dissectors/tls/keylog.ts).
  if (name === 'tls.keylog_file') return;
  const limit = Object.hasOwn(LIMIT_PREFS, name) ? LIMIT_PREFS[name] : undefined;
  if (limit) {
    const n = Number(value);
    if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new Error(`preference ${name} takes a positive integer, not "${raw}"`);
    limit(limits, n);
    return;
  }
  if (!(PREF_NAMES as string[]).includes(name)) throw new Error(`unknown preference "${name}" (known: ${[...PREF_NAMES, ...Object.keys(LIMIT_PREFS)].join(', ')}, tls.keylog_file)`);
  if (value !== 'TRUE' && value !== 'FALSE') throw new Error(`preference ${name} takes TRUE or FALSE, not "${raw}"`);
  prefs[name as PrefName] = value === 'TRUE';
}
