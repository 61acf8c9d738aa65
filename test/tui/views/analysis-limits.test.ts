/**
 * The terminal UI's TCP connection table keeps to the named limits of the session it reads in
 * (`session.limits.tcpConnection`), as `stats tcp` does: with the defaults its rows are the
 * connections `stats FILE tcp --json` prints, with `maxConnections: 1` only the first.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyseFile } from '../../../src/tui/views/analysis.js';
import { root } from './helpers.js';

const file = join(root, 'fixtures/loopback.pcap');

describe('analyseFile: the TCP connection table', () => {
  it('has the rows of stats tcp --json with the default limits, and one with maxConnections 1', async () => {
    const cli = spawnSync(join(root, 'bin/wirelite'), ['stats', file, 'tcp', '--json'], { encoding: 'utf8' });
    expect(cli.status).toBe(0);
    const streams = cli.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { stream: number }).stream);
    expect(streams.length).toBe(2);
    const all = await analyseFile(file, {});
    expect(all.tcp.map((r) => r.stream)).toEqual(streams);
    const one = await analyseFile(file, { limits: { tcpConnection: { maxConnections: 1 } } });
    expect(one.tcp.map((r) => r.stream)).toEqual(streams.slice(0, 1));
  });
});
