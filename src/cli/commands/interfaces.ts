/**
 * `wirelite interfaces`: the devices libpcap can capture on (tcpdump -D, with more detail): name,
 * description, state flags, link type and addresses; `--json` for scripts. `capture -D` prints
 * tshark -D's shorter list, and `capture -i N` takes its numbers (src/cli/interface-list.ts).
 *
 * Exit codes: 0 success; 5 live capture is not available (the libpcap addon was not built).
 */
import { Command } from '@commander-js/extra-typings';
import { loadBinding } from '../../capture/live/binding.js';
import { linkTypeOfDlt, listInterfaces, type InterfaceDescription } from '../../capture/live/devices.js';
import { LiveCaptureError } from '../../capture/live/live-error.js';
import { CAPTURE_EXIT } from './capture.js';

export function interfacesCommand() {
  return new Command('interfaces')
    .description('list the interfaces live capture can use, with their state, link type and addresses')
    .option('--json', 'print a JSON array (one object per interface)')
    .action((o) => {
      let list: InterfaceDescription[];
      let binding: ReturnType<typeof loadBinding>;
      try {
        binding = loadBinding();
        list = listInterfaces();
      } catch (e) {
        const err = LiveCaptureError.from(e);
        process.stderr.write(`wirelite: ${err.message}\n`);
        process.exitCode = err.code === 'EUNAVAILABLE' ? CAPTURE_EXIT.UNAVAILABLE : CAPTURE_EXIT.DEVICE;
        return;
      }
      const name = (dlt: number | undefined) => {
        if (dlt === undefined) return undefined;
        const n = binding.datalinkName(dlt);
        return { dlt, linktype: linkTypeOfDlt(dlt), name: n?.[0] ?? String(dlt), description: n?.[1] ?? '' };
      };
      if (o.json) {
        const out = list.map((d) => ({
          index: d.index,
          name: d.name,
          ...(d.description !== undefined ? { description: d.description } : {}),
          up: d.up,
          running: d.running,
          loopback: d.loopback,
          wireless: d.wireless,
          connection: d.connection,
          linkType: name(d.dlt) ?? null,
          ...(d.dltSource ? { linkTypeSource: d.dltSource } : {}),
          ...(d.dlts ? { linkTypes: d.dlts.map((t) => name(t)) } : {}),
          timestampTypes: d.timestampTypes,
          addresses: d.addresses,
        }));
        process.stdout.write(JSON.stringify(out, null, 2) + '\n');
        return;
      }
      const lines: string[] = [];
      for (const d of list) {
        const flags = [d.up && 'Up', d.running && 'Running', d.loopback && 'Loopback', d.wireless && 'Wireless',
          d.connection === 'connected' ? 'Connected' : d.connection === 'disconnected' ? 'Disconnected' : undefined].filter(Boolean);
        lines.push(`${d.index}. ${d.name}${d.description ? ` (${d.description})` : ''}${flags.length ? ` [${flags.join(', ')}]` : ''}`);
        const lt = name(d.dlt);
        if (lt) {
          const others = (d.dlts ?? []).filter((t) => t !== d.dlt).map((t) => name(t)!.name);
          lines.push(`     link-type ${lt.name} (${lt.description})${others.length ? `; also ${others.join(', ')}` : ''}`);
        }
        for (const a of d.addresses) {
          const prefix = a.netmask ? prefixLength(a.netmask) : undefined;
          let s = `     ${a.family} ${a.addr}${prefix !== undefined ? `/${prefix}` : ''}`;
          if (a.broadaddr) s += ` broadcast ${a.broadaddr}`;
          if (a.dstaddr) s += ` peer ${a.dstaddr}`;
          lines.push(s);
        }
      }
      lines.push(`(${binding.libVersion()})`);
      process.stdout.write(lines.join('\n') + '\n');
    });
}

/** 255.255.255.0 → 24; ffff:ffff:: → 32; undefined for a mask that is not contiguous. */
export function prefixLength(mask: string): number | undefined {
  let bits = '';
  if (mask.includes(':')) {
    const [head = '', tail = ''] = mask.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
    for (const g of groups) bits += parseInt(g || '0', 16).toString(2).padStart(16, '0');
  } else {
    for (const o of mask.split('.')) bits += Number(o).toString(2).padStart(8, '0');
  }
  const n = bits.indexOf('0') < 0 ? bits.length : bits.indexOf('0');
  return bits.slice(n).includes('1') ? undefined : n;
}
