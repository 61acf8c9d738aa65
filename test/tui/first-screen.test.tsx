/**
 * The first screen drawn before Ink is loaded (src/tui/first-screen.ts) is the App's first frame:
 * the same tab line, list rows, first packet's tree and bytes, titles, filter bar and status bar
 * at the same places (without the rows' colours), so Ink's frame replaces it without a jump. The rows are the preview's (the first
 * frames of the file read once, as `wirelite tui` reads them before the worker starts).
 */
import { join, resolve } from 'node:path';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/tui/app.js';
import { firstScreenLines, previewFirstScreen } from '../../src/tui/first-screen.js';
import { packetDetail } from '../../src/tui/store/detail.js';
import { PacketStore } from '../../src/tui/store/packet-store.js';
import { ANALYSIS_VIEWS } from '../../src/tui/views/index.js';

const root = resolve(import.meta.dirname, '../..');
const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
const trimmed = (lines: string[]) => lines.map((l) => plain(l).trimEnd());

describe('the first screen before Ink', () => {
  for (const [file, w, h] of [['fixtures/loopback.pcap', 120, 40], ['fixtures/synthetic.pcapng', 100, 30], ['fixtures/loopback.pcap', 60, 12]] as const) {
    it(`${file} at ${w}x${h}: the App's first frame, line for line`, async () => {
      const store = new PacketStore(join(root, file));
      await previewFirstScreen(store, join(root, file), {}, h * 2);
      expect(store.count()).toBeGreaterThan(0);
      const detail = await packetDetail(store, 1, join(root, file), {});
      expect(detail?.number).toBe(1);
      const ours = firstScreenLines(store, w, h, detail)!;
      expect(ours).toHaveLength(h);
      // The selected row is in inverse video, marked as the App marks it.
      expect(ours[2]).toMatch(/^\x1b\[7;1m> +1 /);
      // The first packet's tree (closed, its first line under the cursor) and bytes.
      expect(trimmed(ours).join('\n')).toMatch(/^▸ Frame 1: /m);
      expect(trimmed(ours).join('\n')).toMatch(/^0000  /m);
      const app = render(
        <App store={store} file={join(root, file)} sessionOptions={{}} views={ANALYSIS_VIEWS} theme={{ color: false }} width={w} height={h} applyFilter={() => {}} onQuit={() => {}} detailDelay={60_000} initialDetail={detail} />,
      );
      const first = app.frames[0]!;
      app.unmount();
      expect(trimmed(ours)).toEqual(trimmed(first.split('\n')));
    });
  }

  it('a terminal under 60x12 gets no first screen (the App says it is too small)', async () => {
    const store = new PacketStore('x');
    expect(firstScreenLines(store, 59, 40)).toBeUndefined();
    expect(firstScreenLines(store, 120, 11)).toBeUndefined();
  });
});
