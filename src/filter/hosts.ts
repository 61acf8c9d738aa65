/**
 * Host names in address literals (`ip.addr == localhost`), as tshark 4.0 reads them: only with
 * name resolution on and external resolvers allowed (`-N nN`; otherwise `"localhost" is not a valid
 * hostname or IPv4 address.`), resolved once, when the filter is compiled, to the first address
 * of the family the field wants.
 *
 * tshark asks the system's resolver (c-ares: the hosts file, then DNS servers). wirelite never
 * sends a DNS query (as for `-N`), so a name is looked up in the system's hosts file only, and
 * `localhost` is 127.0.0.1 and ::1 when the file does not say (RFC 6761, as c-ares and glibc).
 */
import { readFileSync } from 'node:fs';

/** Finds a host name's address of a family (its text), or undefined. */
export type HostResolver = (name: string, family: 4 | 6) => string | undefined;

/** The system's hosts file (tshark's resolver reads it, not Wireshark's personal hosts file). */
export const SYSTEM_HOSTS = '/etc/hosts';

/** Whether `-N` letters let a filter resolve host names (tshark: network names and external resolvers). */
export function resolvesHosts(nameFlags: string | undefined): boolean {
  return nameFlags !== undefined && nameFlags.includes('n') && nameFlags.includes('N');
}

/** A resolver over the hosts file at `path`, read on first use. */
export function hostsResolver(path = SYSTEM_HOSTS): HostResolver {
  let entries: { addr: string; names: string[] }[] | undefined;
  const load = () => {
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      // No hosts file: only localhost resolves.
    }
    return text.split('\n').flatMap((line) => {
      const words = line.replace(/#.*/, '').trim().split(/\s+/);
      return words.length >= 2 ? [{ addr: words[0]!, names: words.slice(1).map((w) => w.toLowerCase()) }] : [];
    });
  };
  return (name, family) => {
    entries ??= load();
    const n = name.toLowerCase();
    for (const e of entries) if (e.names.includes(n) && e.addr.includes(':') === (family === 6)) return e.addr.replace(/%.*/, '');
    if (n === 'localhost') return family === 4 ? '127.0.0.1' : '::1';
    return undefined;
  };
}
