#!/usr/bin/env node
/**
 * Runs a probe engine (dist/probe) as `--tui` runs it and prints what its hook hands the view, one
 * JSON line each ({"event": ...} for ping and pmtud, {"rows": [...]} for traceroute's rounds), so a
 * test can feed a view with what the real engine reported inside a namespace lab.
 *
 *   node test/tui/probe-feed.mjs ping|traceroute|pmtud '<options as JSON>'
 */
const [kind, json] = process.argv.slice(2);
const o = JSON.parse(json);
const io = { out: () => {}, err: (l) => process.stderr.write(l + '\n') };
const line = (x) => process.stdout.write(JSON.stringify(x) + '\n');
let code;
if (kind === 'ping') {
  const { ping } = await import('../../dist/probe/ping.js');
  code = await ping({ ...o, quiet: true, json: false, onEvent: (event) => line({ event }) }, io);
} else if (kind === 'traceroute') {
  const { traceroute } = await import('../../dist/probe/traceroute.js');
  code = await traceroute({ ...o, json: false, onReport: (rows) => line({ rows }) }, io);
} else {
  const { pmtud } = await import('../../dist/probe/pmtud.js');
  code = await pmtud({ ...o, json: false, onEvent: (event) => line({ event }) }, io);
}
process.exitCode = code;
