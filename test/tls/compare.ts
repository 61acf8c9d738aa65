/**
 * Runs wirelite and tshark over the same TLS capture with `-T fields` and lists where they differ,
 * for the decryption tests (./decrypt.test.ts, ./premaster.test.ts, ./early-data.test.ts).
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '../..');
export const bin = join(root, 'bin/wirelite');
export const run = promisify(execFile);

/** Whether a capture test can run: root, tcpdump, openssl, editcap (a CI run must have them). */
export const missingTools = [
  process.getuid?.() === 0 ? '' : 'root',
  ...['tcpdump', 'openssl', 'editcap', 'tshark'].filter((t) => spawnSync(t, [t === 'openssl' ? 'version' : t === 'editcap' ? '-h' : '--version']).status !== 0),
].filter(Boolean);

/** tshark's environment: a configuration folder of its own (no user preferences). */
export function tsharkEnv(dir: string): NodeJS.ProcessEnv {
  return { ...process.env, WIRESHARK_CONFIG_DIR: mkdtempSync(join(dir, 'wsconf-')) };
}

/** Every TLS field that both tshark and wirelite know, and the columns. */
export function tlsFields(): string[] {
  const theirs = new Set(execFileSync('tshark', ['-G', 'fields'], { encoding: 'utf8', maxBuffer: 1 << 28 }).split('\n').map((l) => l.split('\t')[2]));
  const ours = execFileSync(bin, ['fields'], { encoding: 'utf8', maxBuffer: 1 << 28 }).split('\n').map((l) => l.split('\t')[0]!);
  return [...ours.filter((f) => f.startsWith('tls.') && theirs.has(f)), '_ws.col.Info', '_ws.col.Protocol'];
}

/** Every HTTP field that both tools know. */
export function httpFields(): string[] {
  const theirs = new Set(execFileSync('tshark', ['-G', 'fields'], { encoding: 'utf8', maxBuffer: 1 << 28 }).split('\n').map((l) => l.split('\t')[2]));
  return execFileSync(bin, ['fields', 'http.'], { encoding: 'utf8', maxBuffer: 1 << 28 }).split('\n').map((l) => l.split('\t')[0]!).filter((f) => f.startsWith('http.') && theirs.has(f));
}

export const FIELDS_OPTS = ['-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=,'];

/** tshark's `-T fields` lines (two passes unless `twoPass` is false; HTTP disabled unless `http`). */
export async function tshark(env: NodeJS.ProcessEnv, file: string, extra: string[], fields: string[], twoPass = true, http = false): Promise<string[]> {
  const args = ['-n', ...(twoPass ? ['-2'] : []), '-r', file, ...(http ? [] : ['--disable-protocol', 'http']), ...extra, ...FIELDS_OPTS, ...fields.flatMap((f) => ['-e', f])];
  return (await run('tshark', args, { env, maxBuffer: 1 << 28 })).stdout.split('\n');
}

/** wirelite's `read -T fields` lines (HTTP disabled unless `http`); throws on a non-zero exit. */
export function wirelite(file: string, extra: string[], fields: string[], input?: Buffer, http = false): string[] {
  const r = spawnSync(bin, ['read', file, ...(http ? [] : ['--disable-protocol', 'http']), ...extra, ...FIELDS_OPTS, ...fields.flatMap((f) => ['-e', f])], { input, maxBuffer: 1 << 28, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`wirelite read ${file} ${extra.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout.split('\n');
}

/** The values that differ, `#frame field: ours | tshark` (empty when all agree). */
export function differences(ours: string[], theirs: string[], fields: string[]): string[] {
  const out: string[] = [];
  const n = Math.max(ours.length, theirs.length);
  for (let i = 0; i < n; i++) {
    const a = (ours[i] ?? '').split('\t');
    const b = (theirs[i] ?? '').split('\t');
    for (let k = 0; k < fields.length; k++) if ((a[k] ?? '') !== (b[k] ?? '')) out.push(`#${i + 1} ${fields[k]}: ${(a[k] ?? '').slice(0, 120)} | ${(b[k] ?? '').slice(0, 120)}`);
  }
  return out;
}

/** Values compared (frames x fields with a value in either tool), for the test's report. */
export function compared(ours: string[], theirs: string[], fields: string[]): number {
  let n = 0;
  for (let i = 0; i < Math.max(ours.length, theirs.length); i++) {
    const a = (ours[i] ?? '').split('\t');
    const b = (theirs[i] ?? '').split('\t');
    for (let k = 0; k < fields.length; k++) if (a[k] || b[k]) n++;
  }
  return n;
}

/** Per (TCP stream) the number of Finished messages tshark sees (decrypted ones only, in TLS 1.3 and after a ChangeCipherSpec). */
export async function finishedByStream(env: NodeJS.ProcessEnv, file: string, extra: string[]): Promise<Map<number, number>> {
  const out = await tshark(env, file, extra, ['tcp.stream', 'tls.handshake.type']);
  const m = new Map<number, number>();
  for (const line of out) {
    const [stream, types] = line.split('\t');
    if (!stream || !types) continue;
    for (const t of types.split(',')) if (t === '20') m.set(Number(stream), (m.get(Number(stream)) ?? 0) + 1);
  }
  return m;
}
