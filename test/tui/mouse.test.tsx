/**
 * The mouse in the terminal UI (ink-testing-library; the events as src/tui/input.ts gives them,
 * cells 0-based on the whole screen): a click selects the packet, the tree line or the byte it
 * points at and the tab it is on, a click on a tree line's marker opens it, the wheel scrolls the
 * pane under the pointer, and a table's rows take clicks and the wheel too. The rows are the real
 * indexer's (its worker, from dist/, built by test/global-setup.ts).
 */
import { join, resolve } from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';

// Colours on (Ink's colour library decides at load time): the highlighted bytes and the tree's
// cursor are escapes.
vi.hoisted(() => {
  process.env.FORCE_COLOR = '3';
});
import { Box, Text as InkText } from 'ink';
import { App, type AppProps } from '../../src/tui/app.js';
import { MouseBus, MouseContext, type MouseEvent } from '../../src/tui/mouse.js';
import { indexFile } from '../../src/tui/store/indexer.js';
import { PacketStore } from '../../src/tui/store/packet-store.js';
import { ExpertView } from '../../src/tui/views/expert.js';
import { Table, type Column } from '../../src/tui/views/table.js';
import { hasTshark, tsharkStore } from './views/helpers.js';

const root = resolve(import.meta.dirname, '../..');
const loopback = join(root, 'fixtures/loopback.pcap');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

async function until(frame: () => string | undefined, test: (f: string) => boolean, ms = 5000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const f = plain(frame() ?? '');
    if (test(f)) return f;
    if (Date.now() > end) throw new Error(`timed out; last frame:\n${f}`);
    await sleep(20);
  }
}

const ev = (kind: MouseEvent['kind'], x: number, y: number): MouseEvent => ({ kind, button: kind === 'press' || kind === 'release' ? 0 : -1, x, y, shift: false, meta: false, ctrl: false });

/** A click (press and release) at cell x, y. */
function click(bus: MouseBus, x: number, y: number): void {
  bus.emit(ev('press', x, y));
  bus.emit(ev('release', x, y));
}

let mounted: ReturnType<typeof render> | undefined;
afterEach(() => {
  mounted?.unmount();
  mounted = undefined;
});

async function indexed(file: string): Promise<PacketStore> {
  const store = new PacketStore(file);
  await indexFile(store, file, {}).done;
  return store;
}

function mount(store: PacketStore, over: Partial<AppProps> = {}) {
  const bus = new MouseBus();
  const props: AppProps = {
    store, file: loopback, sessionOptions: {}, views: [], theme: { color: false }, width: 120, height: 40,
    applyFilter: () => {}, onQuit: () => {}, detailDelay: 0, mouse: bus, ...over,
  };
  mounted = render(<App {...props} />);
  return { app: mounted, bus };
}

/** The screen's line numbers (0-based) of the first line matching `re`. */
const lineOf = (f: string, re: RegExp) => f.split('\n').findIndex((l) => re.test(l));

describe('the mouse on the packets screen', () => {
  it('a click selects the packet under it; the wheel scrolls the list and keeps the selection on screen', async () => {
    const store = await indexed(loopback);
    const { app, bus } = mount(store);
    let f = await until(app.lastFrame, (x) => x.includes('▸ Frame 1: 98 bytes'));
    // The header is line 1, frame n is on line n + 1.
    const y5 = lineOf(f, /^ +5 +0\.408470 /);
    expect(y5).toBe(6);
    click(bus, 30, y5);
    f = await until(app.lastFrame, (x) => x.includes('▸ Frame 5: 98 bytes'));
    expect(f.split('\n')[y5]).toMatch(/^> +5 /);
    // A click on the header or past the last row selects nothing.
    click(bus, 30, 1);
    await sleep(50);
    expect(plain(app.lastFrame()!)).toContain('▸ Frame 5: 98 bytes');
    // Three steps of the wheel down: 9 rows; frame 5 went off the top, the selection is the top row.
    for (let k = 0; k < 3; k++) bus.emit(ev('wheelDown', 30, y5));
    f = await until(app.lastFrame, (x) => x.includes('▸ Frame 10: '));
    expect(f.split('\n')[2]).toMatch(/^> +10 /);
    // Up again: the list back at the top, frame 10 still selected and on screen.
    for (let k = 0; k < 5; k++) bus.emit(ev('wheelUp', 30, y5));
    f = await until(app.lastFrame, (x) => /^ +1 +0\.000000 /m.test(x));
    expect(f.split('\n')[11]).toMatch(/^> +10 /);
    expect(f).toContain('▸ Frame 10: ');
  });

  it('a click on a tree line selects it and shows its bytes; on its marker (or again) it opens; a click on a byte selects its field', async () => {
    const store = await indexed(loopback);
    const { app, bus } = mount(store, { theme: { color: true }, height: 70 });
    let f = await until(app.lastFrame, (x) => x.includes('▸ Internet Protocol Version 4'));
    const ip = lineOf(f, /^▸ Internet Protocol Version 4/);
    // On the text: selected (the tree has the keyboard: its title is bold), not opened.
    click(bus, 10, ip);
    await until(app.lastFrame, (x) => x.includes('▸ Internet Protocol Version 4'));
    await sleep(50);
    // Its 20 bytes are highlighted (inverse video) in the hex pane.
    expect(app.lastFrame()).toContain('\x1b[7m45 00');
    // The same line again: it opens.
    click(bus, 10, ip);
    f = await until(app.lastFrame, (x) => x.includes('▾ Internet Protocol Version 4'));
    expect(f).toContain('Time to Live: 64');
    // The marker of the Ethernet line (not selected): it opens at once.
    const eth = lineOf(f, /^▸ Ethernet II/);
    click(bus, 0, eth);
    f = await until(app.lastFrame, (x) => x.includes('▾ Ethernet II'));
    expect(f).toMatch(/Destination: 00:00:00:00:00:00/);
    // A byte in the hex pane: offset 0x22 (34), the ICMP type: its field is selected in the tree.
    const row2 = lineOf(f, /^0020  /);
    click(bus, 6 + 3 * 2, row2);
    f = await until(app.lastFrame, (x) => x.includes('▾ Internet Control Message Protocol'));
    const tree = app.lastFrame()!.split('── Packet details')[1]!.split('── Packet bytes')[0]!;
    expect(plain(tree)).toMatch(/Type: 8 \(Echo \(ping\) request\)/);
    expect(tree).toMatch(/\x1b\[4m +Type: 8/);
    // The same byte clicked in the ASCII column.
    click(bus, 56 + 6, row2);
    f = await until(app.lastFrame, (x) => x.includes('Identifier (BE)'));
    expect(app.lastFrame()!).toMatch(/\x1b\[4m +Identifier \(BE\)/);
  });

  it('a click on a tab opens its view, and on Packets comes back', async () => {
    const store = await indexed(loopback);
    const View = () => <Box><Text2 /></Box>;
    const views = [{ id: 'v', key: 'v', title: 'Some view', Component: View }];
    const { app, bus } = mount(store, { views });
    const f = await until(app.lastFrame, (x) => x.includes('▸ Frame 1'));
    const x = f.split('\n')[0]!.indexOf('Some view');
    click(bus, x + 2, 0);
    await until(app.lastFrame, (t) => t.includes('inside the view'));
    click(bus, 3, 0);
    await until(app.lastFrame, (t) => t.includes('▸ Frame 1'));
  });
});

function Text2() {
  return <InkText>inside the view</InkText>;
}

describe('the mouse in a table (the analysis views)', () => {
  interface R { n: number }
  const columns: Column<R>[] = [{ title: 'N', width: 6, right: true, text: (r) => String(r.n), key: (r) => r.n }];
  const rows = Array.from({ length: 50 }, (_, k) => ({ n: k + 1 }));

  it('a click selects the row under it (and calls onSelect), the wheel scrolls, a double click opens, a click on the title sorts', async () => {
    const bus = new MouseBus();
    let selected: R | undefined;
    let entered: R | undefined;
    mounted = render(
      <MouseContext.Provider value={bus}>
        <Box flexDirection="column">
          <InkText>a line above the table</InkText>
          <Table<R> columns={columns} rows={rows} width={40} height={11} focused onSelect={(r) => void (selected = r)} onEnter={(r) => void (entered = r)} />
        </Box>
      </MouseContext.Provider>,
    );
    const app = mounted;
    await until(app.lastFrame, (x) => x.includes('    10'));
    // Line 0 is the text above, 1 the header, 2 the first row.
    click(bus, 3, 2 + 4);
    await sleep(50);
    expect(selected?.n).toBe(5);
    // The wheel: 3 rows a step, the selection kept on screen.
    bus.emit(ev('wheelDown', 3, 5));
    bus.emit(ev('wheelDown', 3, 5));
    const f = await until(app.lastFrame, (x) => x.split('\n')[2]!.trim() === '7');
    await sleep(50);
    expect(selected?.n).toBe(7);
    expect(f.split('\n')[1]).toMatch(/N/);
    // A second click on the selected row is Enter.
    click(bus, 3, 2 + 3);
    await sleep(50);
    expect(selected?.n).toBe(10);
    expect(entered).toBeUndefined();
    click(bus, 3, 2 + 3);
    await sleep(50);
    expect(entered?.n).toBe(10);
    // A click on the column's title sorts by it (a number: descending first), again the other way.
    click(bus, 2, 1);
    await until(app.lastFrame, (x) => x.includes('N▼') && x.split('\n')[2]!.trim() === '50');
    click(bus, 2, 1);
    await until(app.lastFrame, (x) => x.includes('N▲') && x.split('\n')[2]!.trim() === '1');
  });
});

describe.skipIf(!hasTshark)('the mouse in the Expert view (SKIPPED without tshark, which fills the view\'s store)', () => {
  it('a click selects a row, a click on the selected row opens its frames, a click on a frame jumps to it', async () => {
    const bus = new MouseBus();
    const jumps: number[] = [];
    mounted = render(
      <MouseContext.Provider value={bus}>
        <ExpertView store={tsharkStore(loopback)} file={loopback} sessionOptions={{}} width={100} height={30} focused displayFilter="" onJump={(n) => void jumps.push(n)} onStatus={() => {}} captureInput={() => {}} />
      </MouseContext.Provider>,
    );
    const app = mounted;
    let f = await until(app.lastFrame, (x) => x.includes('Warnings ('), 30_000);
    const rows = f.split('\n');
    // The second row (the first row is selected at first): selected, then opened.
    const second = rows.findIndex((l, i) => /^▸ /.test(l) && i > rows.findIndex((x) => /^▸ /.test(x)));
    click(bus, 5, second);
    await sleep(50);
    click(bus, 5, second);
    f = await until(app.lastFrame, (x) => x.split('\n')[second]!.startsWith('▾ '));
    const frameLine = f.split('\n').findIndex((l, i) => i > second && /^ +frame \d+/.test(l));
    const frame = Number(/frame (\d+)/.exec(f.split('\n')[frameLine]!)![1]);
    click(bus, 45, frameLine);
    await sleep(50);
    click(bus, 45, frameLine);
    await sleep(50);
    expect(jumps).toEqual([frame]);
  }, 60_000);
});
