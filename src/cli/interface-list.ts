/**
 * tshark's view of the capture devices, for `capture -D` and `capture -i N`: the numbered list of
 * `tshark -D` and the device a number names. Not in commands/interfaces.ts, which imports
 * capture.ts: capture.ts would import it back (an import cycle).
 */
import type { Device } from '../capture/live/binding.js';
import { UsageError } from './errors.js';

/**
 * The list of `tshark -D` (dumpcap's): `N. name`, and ` (Loopback)` for a loopback device, numbered
 * as `wirelite interfaces` and as tshark's own libpcap devices (tshark lists its extcap
 * interfaces after them). On Linux, Wireshark 4.0 shows no libpcap description (not even the
 * `any` device's): only loopback devices get a friendly name, "Loopback".
 */
export function tsharkInterfaceList(devices: readonly Device[]): string {
  return devices.map((d, i) => `${i + 1}. ${d.name}${d.loopback ? ' (Loopback)' : ''}\n`).join('');
}

/**
 * What `-i` names, as tshark takes it: a device name, or the number `capture -D` and
 * `wirelite interfaces` print (when no device has that name). Throws UsageError for a number
 * no device has (tshark: "There is no interface with that adapter index", exit 1).
 */
export function interfaceByNumber(arg: string, devices: readonly Device[]): string {
  if (!/^[0-9]+$/.test(arg) || devices.some((d) => d.name === arg)) return arg;
  const n = Number(arg);
  const d = n >= 1 ? devices[n - 1] : undefined;
  if (!d) {
    throw new UsageError(`there is no interface number ${arg}${devices.length ? ` (capture -D lists 1 to ${devices.length})` : ' (libpcap lists none)'}`);
  }
  return d.name;
}
