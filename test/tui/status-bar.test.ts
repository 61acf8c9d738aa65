/**
 * The status bar's live counters: libpcap's first statistics come about a second after a capture
 * starts; until then the bar says they are not known yet (it said nothing, and before that showed
 * zeros as if counted), then shows them; a capture that ended without any says so. A file shows none.
 */
import { describe, expect, it } from 'vitest';
import { COUNTERS_WAITING, statusText } from '../../src/tui/panes/status-bar.js';
import { PacketStore } from '../../src/tui/store/packet-store.js';

describe('the status bar of a live capture', () => {
  it('says the counters are not known until libpcap gives them, then shows them', () => {
    const store = new PacketStore('lo', true);
    store.setProgress({ phase: 'live', frames: 0 });
    let text = statusText(store, '');
    expect(text).toContain('capturing');
    expect(text).toContain(COUNTERS_WAITING);
    expect(text).not.toMatch(/received|dropped \d/);
    store.setCounters({ received: 600, dropped: 2, ifDropped: 0 });
    text = statusText(store, '');
    expect(text).toContain('received 600, dropped 2');
    expect(text).not.toContain(COUNTERS_WAITING);
  });

  it('a capture that ended without statistics says the device gave none; a file has no counters', () => {
    const live = new PacketStore('any', true);
    live.setProgress({ phase: 'done', frames: 3 });
    expect(statusText(live, '')).toContain('no counters from this device');
    const file = new PacketStore('x.pcap');
    file.setProgress({ phase: 'done', frames: 3 });
    expect(statusText(file, '')).not.toMatch(/counters|received/);
  });
});
