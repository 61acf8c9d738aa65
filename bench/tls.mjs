#!/usr/bin/env node
/**
 * TLS decryption benchmark: wall time and peak memory of
 *   wirelite read -q FILE                 and  tshark -n -r FILE
 *   wirelite read -q FILE --tls-keylog K  and  tshark -n -r FILE -o tls.keylog_file:K
 *   wirelite read -q FILE --tls-keylog K --disable-protocol http (the decryption without the HTTP inside)
 * on two captures: the bench capture (bench/data/mixed-2m.pcap, made by bench/generate.mjs; a key
 * log that names none of its connections: what a key log costs when it decrypts nothing), and a
 * capture of HTTPS downloads made here (root: openssl s_server -WWW and s_client over loopback,
 * tcpdump on lo; TLS 1.3 AES-256-GCM and TLS 1.2 AES-128-GCM, CONNECTIONS downloads of SIZE bytes
 * each), where every record is decrypted.
 *
 *   npm run build && sudo node bench/tls.mjs [--runs N] [--connections N] [--size BYTES]
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchSetup, bin, measure, root } from './common.mjs';

const { runs, file: mixed, work } = await benchSetup();
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const connections = arg('--connections', 20);
const size = arg('--size', 4 << 20);

/** The HTTPS capture and its key log (made once per parameters, kept in bench/data/). */
async function httpsCapture() {
  const dir = join(root, 'bench/data');
  mkdirSync(dir, { recursive: true });
  const pcap = join(dir, `https-${connections}x${size}.pcap`);
  const keys = `${pcap}.keys`;
  if (existsSync(pcap) && existsSync(keys)) return { pcap, keys, port: Number(execFileSync('cat', [`${pcap}.port`], { encoding: 'utf8' })) };
  const key = join(work, 'k.pem');
  const cert = join(work, 'c.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=bench.test'], { stdio: 'ignore' });
  writeFileSync(join(work, 'big.bin'), Buffer.alloc(size, 0x61));
  writeFileSync(keys, '');
  const port = 20000 + Math.floor(Math.random() * 30000);
  const td = spawn('tcpdump', ['-i', 'lo', '-U', '-w', pcap, `tcp port ${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise((res, rej) => {
    let err = '';
    td.stderr.on('data', (d) => {
      err += d;
      if (err.includes('listening on')) res();
    });
    td.on('exit', () => rej(new Error(`tcpdump: ${err}`)));
  });
  const server = spawn('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', cert, '-key', key, '-WWW', '-quiet', '-naccept', String(connections), '-keylogfile', keys], { cwd: work, stdio: 'ignore' });
  for (let i = 0; i < 100 && !spawnSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' }).stdout.includes(`:${port}`); i++) await new Promise((r) => setTimeout(r, 30));
  for (let i = 0; i < connections; i++) {
    const version = i % 2 ? ['-tls1_2', '-cipher', 'ECDHE-ECDSA-AES128-GCM-SHA256'] : ['-tls1_3'];
    spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-ign_eof', '-quiet', ...version], { input: 'GET /big.bin HTTP/1.0\r\n\r\n', stdio: ['pipe', 'ignore', 'ignore'], timeout: 60_000 });
  }
  await new Promise((r) => server.on('exit', r));
  await new Promise((r) => setTimeout(r, 500));
  const done = new Promise((r) => td.on('exit', r));
  td.kill('SIGINT');
  await done;
  writeFileSync(`${pcap}.port`, String(port));
  return { pcap, keys, port };
}

const https = await httpsCapture();
const { readCapture } = await import('../dist/capture/reader.js');
async function frames(f) {
  let n = 0;
  await readCapture(f, { onFrame: () => void n++ });
  return n;
}
const captures = [
  // A key log that names no connection of the capture: the fixture's.
  { name: 'bench capture', file: mixed, keys: join(root, 'fixtures/tls.keys'), d: [] },
  { name: `HTTPS downloads (${connections} x ${size} bytes)`, file: https.pcap, keys: https.keys, d: ['-d', `tcp.port==${https.port},tls`] },
];
console.log('| capture | command | wall time | packets/s | peak memory (max RSS) |');
console.log('| --- | --- | --- | --- | --- |');
for (const c of captures) {
  const n = await frames(c.file);
  const commands = [
    ['wirelite read -q', bin, ['read', '-q', c.file]],
    ['wirelite read -q --tls-keylog', bin, ['read', '-q', c.file, '--tls-keylog', c.keys]],
    // The decryption alone (the HTTP inside not dissected).
    ['wirelite read -q --tls-keylog --disable-protocol http', bin, ['read', '-q', c.file, '--tls-keylog', c.keys, '--disable-protocol', 'http']],
    ['tshark -n -r', 'tshark', ['-n', '-r', c.file, ...c.d]],
    ['tshark -n -r -o tls.keylog_file', 'tshark', ['-n', '-r', c.file, ...c.d, '-o', `tls.keylog_file:${c.keys}`]],
  ];
  for (const [name, cmd, argv] of commands) {
    const m = measure(work, runs, cmd, argv);
    if (!m) {
      console.log(`| ${c.name} (${n.toLocaleString('en-US')} frames) | ${name} | not available | | |`);
      continue;
    }
    console.log(`| ${c.name} (${n.toLocaleString('en-US')} frames) | ${name} | ${m.elapsed.toFixed(2)} s | ${Math.round(n / m.elapsed).toLocaleString('en-US')} | ${(m.maxKb / 1024).toFixed(0)} MB |`);
  }
}
