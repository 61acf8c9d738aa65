/**
 * The interfaces libpcap can capture on, with their link types, and the mapping from libpcap's
 * DLT_ values (what a live handle reports) to the LINKTYPE_ values files and dissectors use.
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadBinding, openHandle, type Device } from './binding.js';

/**
 * DLT_ values that differ from their LINKTYPE_ (https://www.tcpdump.org/linktypes.html); every
 * other value is the same in both.
 */
const DLT_TO_LINKTYPE: Record<number, number> = {
  11: 100, // DLT_ATM_RFC1483
  12: 101, // DLT_RAW (Linux and most systems)
  14: 101, // DLT_RAW (OpenBSD)
  17: 117, // DLT_PFLOG (OpenBSD numbering)
};

export function linkTypeOfDlt(dlt: number): number {
  return DLT_TO_LINKTYPE[dlt] ?? dlt;
}

/** ARPHRD_ (from /sys/class/net/IF/type) → the DLT libpcap would report, when we cannot open it. */
const ARPHRD_TO_DLT: Record<number, number> = {
  1: 1, // ETHER
  772: 1, // LOOPBACK: libpcap captures loopback as Ethernet
  65534: 12, // NONE (tun): raw IP
  768: 12, // TUNNEL
  769: 12, // TUNNEL6
  776: 12, // SIT
  778: 12, // IPGRE
  512: 113, // PPP: libpcap uses cooked capture
  801: 105, // IEEE80211
  803: 127, // IEEE80211_RADIOTAP
  280: 227, // CAN
  824: 195, // IEEE802154
};

export interface InterfaceDescription extends Device {
  /** 1-based position in libpcap's list (tcpdump -D numbering). */
  index: number;
  /** The DLT libpcap reports for the device (undefined: unknown). */
  dlt?: number;
  /** Every DLT the device offers (only when it could be opened). */
  dlts?: number[];
  /** How the link type was found: by opening the device, or from the kernel's device type. */
  dltSource?: 'opened' | 'sysfs';
  timestampTypes: string[];
}

function isNetdev(name: string): boolean {
  return /^[^/.][^/]*$/.test(name) && existsSync(`/sys/class/net/${name}`);
}

function sysfsDlt(name: string): number | undefined {
  try {
    const t = Number(readFileSync(`/sys/class/net/${name}/type`, 'utf8').trim());
    return ARPHRD_TO_DLT[t];
  } catch {
    return undefined;
  }
}

/**
 * Every device libpcap lists. Network devices (and `any`) are opened briefly, without promiscuous
 * mode, to read their link types; when that is not allowed (no CAP_NET_RAW) or the device is
 * down, the type comes from the kernel's device type.
 */
export function listInterfaces(): InterfaceDescription[] {
  const b = loadBinding();
  return b.findAllDevs().map((d, i) => {
    const out: InterfaceDescription = { ...d, index: i + 1, timestampTypes: [] };
    if (d.name === 'any' || isNetdev(d.name)) {
      try {
        const h = openHandle(d.name, { snaplen: 128, promisc: false, bufferSize: 1 << 16, nanoseconds: false });
        try {
          out.dlt = h.datalink();
          out.dlts = h.listDatalinks();
          out.dltSource = 'opened';
        } finally {
          h.close();
        }
      } catch {
        const dlt = d.name === 'any' ? 113 : sysfsDlt(d.name);
        if (dlt !== undefined) {
          out.dlt = dlt;
          out.dltSource = 'sysfs';
        }
      }
      try {
        out.timestampTypes = b.timestampTypes(d.name);
      } catch {
        out.timestampTypes = [];
      }
    }
    return out;
  });
}

/** The names libpcap lists (for "no such interface" messages); empty if it cannot list them. */
export function interfaceNames(): string[] {
  try {
    return loadBinding().findAllDevs().map((d) => d.name);
  } catch {
    return [];
  }
}

/** tcpdump's choice without -i: the first device that is up and running and not loopback. */
export function defaultInterface(): string | undefined {
  const devs = loadBinding().findAllDevs();
  return devs.find((d) => d.up && d.running && !d.loopback && d.name !== 'any' && isNetdev(d.name))?.name
    ?? devs.find((d) => d.up && d.running && isNetdev(d.name))?.name;
}
