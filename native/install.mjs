#!/usr/bin/env node
/**
 * `npm install` / `npm ci` / `npm rebuild` step: builds the libpcap addon (native/build/Release/
 * wirelite_pcap.node) with node-gyp.
 *
 * Live capture is optional: when libpcap's headers or a compiler are missing, this prints what to
 * install and exits 0, so that installing wirelite still succeeds and everything but `capture`,
 * `interfaces` and injection works (those commands then say the same thing).
 *
 * Set WIRELITE_SKIP_NATIVE=1 to skip the build entirely.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const HOW_TO = 'live capture (wirelite capture, wirelite interfaces) needs libpcap\'s headers and a C++ compiler:\n'
  + '  apt-get install -y libpcap-dev g++ make python3\n'
  + 'then, in wirelite\'s folder:\n'
  + '  npm rebuild\n';

function say(msg) {
  process.stderr.write(`wirelite: ${msg}`);
}

if (process.env.WIRELITE_SKIP_NATIVE) {
  say('WIRELITE_SKIP_NATIVE is set: not building the libpcap addon.\n');
  process.exit(0);
}

const headers = ['/usr/include/pcap/pcap.h', '/usr/local/include/pcap/pcap.h', '/usr/include/pcap.h'];
if (!headers.some((h) => existsSync(h))) {
  say(`libpcap headers not found (${headers[0]}): live capture is disabled.\n${HOW_TO}`);
  process.exit(0);
}

/** node-gyp: our devDependency, else the copy npm ships (npm tells scripts where it is). */
function nodeGyp() {
  try {
    return require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    const fromNpm = process.env.npm_config_node_gyp;
    return fromNpm && existsSync(fromNpm) ? fromNpm : undefined;
  }
}

const gyp = nodeGyp();
if (gyp === undefined) {
  say(`node-gyp not found: live capture is disabled.\n${HOW_TO}`);
  process.exit(0);
}

const args = [gyp, 'rebuild', `--directory=${here}`];
// Node's own headers: npm may name them (npm_config_nodedir); else use the ones installed beside
// this node binary, which avoids node-gyp's download (this machine may have no network).
if (!process.env.npm_config_nodedir) {
  const prefix = join(dirname(process.execPath), '..');
  if (existsSync(join(prefix, 'include/node/node.h'))) args.push(`--nodedir=${prefix}`);
}

const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
if (r.status !== 0) {
  const log = `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').filter((l) => !l.startsWith('gyp info')).slice(-25).join('\n');
  say(`building the libpcap addon failed: live capture is disabled.\n${log}\n${HOW_TO}`);
  process.exit(0);
}
process.stderr.write('wirelite: built the libpcap addon (native/build/Release/wirelite_pcap.node)\n');
