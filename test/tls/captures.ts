/**
 * Makes TLS captures with their key logs for the decryption tests: OpenSSL's `s_server` and
 * `s_client -keylogfile` over loopback, one connection per case (a TLS version and cipher suite),
 * captured by tcpdump on `lo` (only this run's port). Needs root, tcpdump and openssl
 * (./compare.ts's `missingTools` says which are missing). Nothing is sent off the machine.
 *
 * The cases cover what the decryption supports: TLS 1.3 with AES-128/256-GCM, ChaCha20-Poly1305,
 * AES-128-CCM and CCM_8, a KeyUpdate; TLS 1.2 with AES-GCM, ChaCha20-Poly1305 and CBC
 * with HMAC-SHA1/SHA256/SHA384, with encrypt-then-MAC and without (`-no_etm`).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';


export interface TlsCase {
  name: string;
  /** s_client options (version, suite). */
  client: string[];
  /** s_server options beyond the certificates (`-ciphersuites` for CCM). */
  server?: string[];
  /** What the client sends on standard input (default: an HTTP/1.0 GET, answered by s_server -www). */
  input?: string;
  /** The server echoes instead of answering HTTP (no -www), for the KeyUpdate case. */
  echo?: boolean;
  /** With `echo`: bytes (latin1) the client sends at once instead of `input`'s lines (an HTTP/2 preface). */
  raw?: string;
  /** The client's OpenSSL configuration (OPENSSL_CONF): `no-ems` turns the extended master secret off. */
  clientConf?: 'no-ems';
}

const TLS13_ALL = 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256';

export const CASES: TlsCase[] = [
  { name: 'TLS 1.3 AES-128-GCM, ALPN http/1.1', client: ['-tls1_3', '-ciphersuites', 'TLS_AES_128_GCM_SHA256', '-alpn', 'http/1.1'], server: ['-ciphersuites', TLS13_ALL] },
  { name: 'TLS 1.3 AES-256-GCM', client: ['-tls1_3', '-ciphersuites', 'TLS_AES_256_GCM_SHA384'] },
  { name: 'TLS 1.3 ChaCha20-Poly1305', client: ['-tls1_3', '-ciphersuites', 'TLS_CHACHA20_POLY1305_SHA256'] },
  { name: 'TLS 1.3 AES-128-CCM', client: ['-tls1_3', '-ciphersuites', 'TLS_AES_128_CCM_SHA256'], server: ['-ciphersuites', TLS13_ALL] },
  { name: 'TLS 1.3 AES-128-CCM-8', client: ['-tls1_3', '-ciphersuites', 'TLS_AES_128_CCM_8_SHA256'], server: ['-ciphersuites', TLS13_ALL] },
  // s_client sends a KeyUpdate (update_requested) for an input line "K"; the server echoes (no -www).
  { name: 'TLS 1.3 KeyUpdate', client: ['-tls1_3'], input: 'before\nK\nafter\n', echo: true },
  { name: 'TLS 1.2 ECDHE-RSA AES-128-GCM, ALPN http/1.1', client: ['-tls1_2', '-cipher', 'ECDHE-RSA-AES128-GCM-SHA256', '-alpn', 'http/1.1'] },
  { name: 'TLS 1.2 ECDHE-ECDSA AES-256-GCM', client: ['-tls1_2', '-cipher', 'ECDHE-ECDSA-AES256-GCM-SHA384'] },
  { name: 'TLS 1.2 ChaCha20-Poly1305', client: ['-tls1_2', '-cipher', 'ECDHE-RSA-CHACHA20-POLY1305'] },
  { name: 'TLS 1.2 CBC HMAC-SHA1 encrypt-then-MAC', client: ['-tls1_2', '-cipher', 'ECDHE-RSA-AES128-SHA'] },
  { name: 'TLS 1.2 CBC HMAC-SHA1 MAC-then-encrypt', client: ['-tls1_2', '-cipher', 'ECDHE-RSA-AES128-SHA', '-no_etm'] },
  { name: 'TLS 1.2 CBC HMAC-SHA256 (RSA key exchange)', client: ['-tls1_2', '-cipher', 'AES128-SHA256'] },
  { name: 'TLS 1.2 CBC HMAC-SHA384 MAC-then-encrypt', client: ['-tls1_2', '-cipher', 'ECDHE-RSA-AES256-SHA384', '-no_etm'] },
];

/** Runs a client that is given `input` one line every 300 ms (s_client acts on a "K" line alone), then EOF; returns its output. */
async function typeLines(argv: string[], input: string): Promise<string> {
  const p = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'ignore'] });
  let out = '';
  p.stdout!.on('data', (d: Buffer) => (out += d.toString('latin1')));
  const done = new Promise((res) => p.on('exit', res));
  for (const line of input.split('\n').filter(Boolean)) {
    await new Promise((res) => setTimeout(res, 300));
    p.stdin!.write(`${line}\n`);
  }
  await new Promise((res) => setTimeout(res, 300));
  p.stdin!.end();
  await done;
  return out;
}

/** Runs a client that is given `raw` (latin1) at once, then EOF 500 ms later. */
async function sendRaw(argv: string[], raw: string): Promise<void> {
  const p = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'ignore', 'ignore'] });
  const done = new Promise((res) => p.on('exit', res));
  p.stdin!.write(Buffer.from(raw, 'latin1'));
  await new Promise((res) => setTimeout(res, 500));
  p.stdin!.end();
  await done;
}

async function listening(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (spawnSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' }).stdout.includes(`:${port}`)) return;
    await new Promise((res) => setTimeout(res, 30));
  }
  throw new Error(`nothing listens on port ${port}`);
}

export interface Made {
  /** The capture (pcap) and the key log of every case. */
  pcap: string;
  keys: string;
  /** The server's RSA private key (PEM). */
  rsaKey: string;
  /** The TCP port the server listened on (tshark needs `-d tcp.port==PORT,tls`). */
  port: number;
  /** Connections made (one per case, in CASES order). */
  connections: number;
}

/** The server's certificates and keys (RSA and ECDSA P-256), made in `dir`. */
function makeCerts(dir: string): { rsaKey: string; rsaCert: string; ecKey: string; ecCert: string } {
  const c = { rsaKey: join(dir, 'rsa.key'), rsaCert: join(dir, 'rsa.pem'), ecKey: join(dir, 'ec.key'), ecCert: join(dir, 'ec.pem') };
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', c.rsaKey, '-out', c.rsaCert, '-days', '1', '-subj', '/CN=rsa.decrypt.test'], { stdio: 'ignore' });
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', c.ecKey, '-out', c.ecCert, '-days', '1', '-subj', '/CN=ec.decrypt.test'], { stdio: 'ignore' });
  return c;
}

/** tcpdump on `lo` for one port, listening when this resolves; `stop(n)` waits for n connections' FINs, then stops it. */
async function startTcpdump(pcap: string, port: number): Promise<{ stop: (connections: number) => Promise<void> }> {
  const td = spawn('tcpdump', ['-i', 'lo', '-U', '-w', pcap, `tcp port ${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((res, rej) => {
    let err = '';
    td.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('listening on')) res();
    });
    td.on('exit', () => rej(new Error(`tcpdump: ${err}`)));
  });
  return {
    stop: async (connections: number) => {
      // tcpdump may lag behind: wait until every connection's two FINs are in the file.
      for (let i = 0; i < 100; i++) {
        const fins = spawnSync('tshark', ['-n', '-r', pcap, '-Y', 'tcp.flags.fin == 1', '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).length;
        if (fins >= 2 * connections) break;
        await new Promise((res) => setTimeout(res, 100));
      }
      const done = new Promise((res) => td.on('exit', res));
      td.kill('SIGINT');
      await done;
    },
  };
}

/** Runs every case in `dir` and returns the capture and its key log. */
export async function makeCaptures(dir: string, cases: readonly TlsCase[] = CASES): Promise<Made> {
  const { rsaKey, rsaCert, ecKey, ecCert } = makeCerts(dir);
  const pcap = join(dir, 'tls.pcap');
  const keys = join(dir, 'tls.keys');
  writeFileSync(keys, '');
  const port = 20000 + Math.floor(Math.random() * 30000);
  // An OpenSSL configuration without the extended master secret (OpenSSL 3.0's s_client has no option for it).
  const noEms = join(dir, 'no-ems.cnf');
  writeFileSync(noEms, 'openssl_conf = init\n[init]\nssl_conf = ssl\n[ssl]\nsystem_default = sys\n[sys]\nOptions = -ExtendedMasterSecret\n');
  const td = await startTcpdump(pcap, port);
  try {
    for (const c of cases) {
      // An echoing server's standard input stays open while it runs (at its end s_server stops).
      const server = spawn('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', rsaCert, '-key', rsaKey, '-dcert', ecCert, '-dkey', ecKey, ...(c.echo ? [] : ['-www']), '-quiet', '-naccept', '1', '-keylogfile', keys, ...(c.server ?? [])], { stdio: [c.echo ? 'pipe' : 'ignore', 'ignore', 'ignore'] });
      const exited = new Promise((res) => server.on('exit', res));
      try {
        await listening(port);
        // (Not -quiet: it implies -ign_eof, and the client must end at its input's end.)
        if (c.echo && c.raw !== undefined) await sendRaw(['openssl', 's_client', '-connect', `127.0.0.1:${port}`, ...c.client], c.raw);
        else if (c.echo) await typeLines(['openssl', 's_client', '-connect', `127.0.0.1:${port}`, ...c.client], c.input ?? '');
        else {
          const env = c.clientConf ? { ...process.env, OPENSSL_CONF: noEms } : process.env;
          const r = spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-ign_eof', '-quiet', ...c.client], { input: 'GET / HTTP/1.0\r\n\r\n', stdio: ['pipe', 'pipe', 'pipe'], timeout: 10_000, encoding: 'utf8', env });
          if (!r.stdout.includes('HTTP/1.0 200')) throw new Error(`${c.name}: no HTTP answer (${r.stderr})`);
        }
      } finally {
        if (c.echo) setTimeout(() => server.kill(), 300);
        await exited;
      }
    }
  } finally {
    await td.stop(cases.length);
  }
  return { pcap, keys, rsaKey, port, connections: cases.length };
}

/** The early data the 0-RTT connections send (an HTTP request, as a browser's would be). */
export const EARLY_DATA = 'GET /early HTTP/1.0\r\n\r\n';

/**
 * TLS 1.3 0-RTT (RFC 8446 2.3), three connections to echoing `s_server -early_data`: 0 a full
 * handshake whose ticket allows early data (`s_client -sess_out`); 1 the resumption with early
 * data (`-sess_in -early_data`), accepted; 2 the same to a new server, which cannot open the
 * ticket and rejects the early data (a full handshake). `accepted` is what each s_client said.
 */
export async function makeEarlyData(dir: string): Promise<Made & { accepted: (boolean | null)[] }> {
  const { rsaKey, rsaCert } = makeCerts(dir);
  const pcap = join(dir, 'early.pcap');
  const keys = join(dir, 'early.keys');
  const sess = join(dir, 'session.pem');
  const early = join(dir, 'early.txt');
  writeFileSync(keys, '');
  writeFileSync(early, EARLY_DATA);
  const port = 20000 + Math.floor(Math.random() * 30000);
  const td = await startTcpdump(pcap, port);
  const accepted: (boolean | null)[] = [];
  const client = async (extra: string[], input: string) => {
    const out = await typeLines(['openssl', 's_client', '-connect', `127.0.0.1:${port}`, '-tls1_3', '-keylogfile', keys, ...extra], input);
    accepted.push(out.includes('Early data was accepted') ? true : out.includes('Early data was rejected') ? false : null);
  };
  const server = async (naccept: number, clients: () => Promise<void>) => {
    const p = spawn('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', rsaCert, '-key', rsaKey, '-quiet', '-early_data', '-naccept', String(naccept), '-keylogfile', keys], { stdio: ['pipe', 'ignore', 'ignore'] });
    const exited = new Promise((res) => p.on('exit', res));
    try {
      await listening(port);
      await clients();
    } finally {
      setTimeout(() => p.kill(), 300);
      await exited;
    }
  };
  try {
    await server(2, async () => {
      await client(['-sess_out', sess], 'first\n');
      await client(['-sess_in', sess, '-early_data', early], 'after\n');
    });
    await server(1, () => client(['-sess_in', sess, '-early_data', early], 'after\n'));
  } finally {
    await td.stop(3);
  }
  return { pcap, keys, rsaKey, port, connections: 3, accepted };
}

/**
 * TLS 1.2 session resumption over the RSA key exchange (AES-128-GCM), to one `s_server -www`:
 * 0 a full handshake, 1 its resumption by session ID (`s_client -no_ticket -sess_out/-sess_in`),
 * 2 a full handshake with a session ticket, 3 its resumption by the ticket, and 4 the same ticket
 * offered to a new server, which cannot open it (a full handshake). `reused` is what each
 * s_client said ("Reused" or "New").
 */
export async function makeResumption(dir: string): Promise<Made & { reused: boolean[] }> {
  const { rsaKey, rsaCert } = makeCerts(dir);
  const pcap = join(dir, 'resume.pcap');
  const keys = join(dir, 'resume.keys');
  writeFileSync(keys, '');
  const port = 20000 + Math.floor(Math.random() * 30000);
  const td = await startTcpdump(pcap, port);
  const reused: boolean[] = [];
  const client = (i: number, extra: string[]) => {
    const args = extra.map((a) => (a.endsWith('.pem') ? join(dir, a) : a));
    const r = spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_2', '-cipher', 'AES128-GCM-SHA256', '-ign_eof', ...args], { input: 'GET / HTTP/1.0\r\n\r\n', timeout: 10_000, encoding: 'utf8' });
    if (!r.stdout.includes('HTTP/1.0 200')) throw new Error(`resumption case ${i}: no HTTP answer (${r.stderr})`);
    reused.push(/^Reused,/m.test(r.stdout));
  };
  const server = async (naccept: number, clients: () => void) => {
    const p = spawn('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', rsaCert, '-key', rsaKey, '-www', '-quiet', '-naccept', String(naccept), '-keylogfile', keys], { stdio: ['ignore', 'ignore', 'ignore'] });
    const exited = new Promise((res) => p.on('exit', res));
    try {
      await listening(port);
      clients();
    } finally {
      // (It ends by itself after its connections; not if one failed.)
      const t = setTimeout(() => p.kill(), 2000);
      await exited;
      clearTimeout(t);
    }
  };
  try {
    await server(4, () => {
      client(0, ['-no_ticket', '-sess_out', 'id.pem']);
      client(1, ['-no_ticket', '-sess_in', 'id.pem']);
      client(2, ['-sess_out', 'ticket.pem']);
      client(3, ['-sess_in', 'ticket.pem']);
    });
    // A new server cannot open the ticket: a full handshake, although the ClientHello offers it.
    await server(1, () => client(4, ['-sess_in', 'ticket.pem']));
  } finally {
    await td.stop(5);
  }
  return { pcap, keys, rsaKey, port, connections: 5, reused };
}

/** The same capture as pcapng with the key log in a Decryption Secrets Block (editcap --inject-secrets). */
export function injectSecrets(made: Made, out: string): string {
  execFileSync('editcap', ['--inject-secrets', `tls,${made.keys}`, made.pcap, out], { stdio: 'ignore' });
  return out;
}

/**
 * A copy of a pcap with one byte flipped near the end of each of `frames` (inside its last TLS
 * record: a tag or MAC that no longer matches).
 */
export function corruptFrames(pcap: string, out: string, frames: readonly number[]): string {
  const d = Buffer.from(readFileSync(pcap));
  const le = d.readUInt32LE(0) === 0xa1b2c3d4 || d.readUInt32LE(0) === 0xa1b23c4d;
  let off = 24;
  for (let n = 1; off + 16 <= d.length; n++) {
    const incl = le ? d.readUInt32LE(off + 8) : d.readUInt32BE(off + 8);
    if (frames.includes(n)) d[off + 16 + incl - 3]! ^= 0x01;
    off += 16 + incl;
  }
  writeFileSync(out, d);
  return out;
}

/** A key log whose secrets are all wrong (one hex digit changed in each). */
export function wrongKeys(keys: string, out: string): string {
  const text = readFileSync(keys, 'utf8')
    .split('\n')
    .map((l) => l.replace(/ ([0-9a-f])([0-9a-f]*)$/, (_m, a: string, b: string) => ` ${a === '0' ? '1' : '0'}${b}`))
    .join('\n');
  writeFileSync(out, text);
  return out;
}

/**
 * The pre-master secrets of a capture's RSA key exchanges, decrypted with the server's key
 * (`openssl pkeyutl`, PKCS #1 v1.5) from what tshark reads of the capture: by TCP stream, the
 * ClientHello's random, the first 8 bytes of the encrypted pre-master secret, and the pre-master
 * secret (hex).
 */
export function rsaPremasters(made: Made, dir: string): { stream: number; clientRandom: string; epmsPrefix: string; pms: string }[] {
  const out = execFileSync('tshark', ['-n', '-r', made.pcap, '-d', `tcp.port==${made.port},tls`, '-T', 'fields', '-E', 'occurrence=a', '-e', 'tcp.stream', '-e', 'tls.handshake.type', '-e', 'tls.handshake.random', '-e', 'tls.handshake.epms'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const randoms = new Map<number, string>();
  const found: { stream: number; clientRandom: string; epmsPrefix: string; pms: string }[] = [];
  for (const line of out.split('\n')) {
    const [stream, types, random, epms] = line.split('\t');
    if (!stream) continue;
    const n = Number(stream);
    if (types?.split(',')[0] === '1' && random && !randoms.has(n)) randoms.set(n, random.split(',')[0]!.replace(/:/g, ''));
    if (!epms) continue;
    const e = epms.replace(/:/g, '');
    const file = join(dir, `epms-${n}.bin`);
    writeFileSync(file, Buffer.from(e, 'hex'));
    const pms = execFileSync('openssl', ['pkeyutl', '-decrypt', '-inkey', made.rsaKey, '-in', file, '-pkeyopt', 'rsa_padding_mode:pkcs1']);
    found.push({ stream: n, clientRandom: randoms.get(n) ?? '', epmsPrefix: e.slice(0, 16), pms: pms.toString('hex') });
  }
  return found;
}
