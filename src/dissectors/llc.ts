/**
 * IEEE 802.2 Logical Link Control (ISO/IEC 8802-2) with the SNAP extension (IEEE 802-2014
 * 10.5, RFC 1042): DSAP, SSAP, an HDLC-style control field (1 byte for U frames, 2 bytes
 * little-endian for I and S frames, as LLC type 2 always uses extended numbering) and, when both
 * SAPs are 0xAA, a 3-byte OUI and 2-byte protocol ID. SNAP with OUI 00-00-00 (RFC 1042) or
 * 00-00-F8 carries an Ethertype and dispatches through `ethertype`; other payloads go to
 * `llc.dsap` (I and UI frames) or the OUI's own table, else `data`.
 *
 * Reached from 802.3 length frames (`ethertype.llc` 0, eth.ts and vlan.ts) and Linux cooked
 * captures (`sll.ltype` 4). Fields, Info texts ("U, func=UI; SNAP, OUI 0x00000C (Cisco Systems,
 * Inc), PID 0x2000") and value strings follow Wireshark 4.0 (`packet-llc.c`, `packet-xdlc.c`).
 */
import { defineFields, FT, Base } from './fields.js';
import { need, type Packet } from './packet.js';
import { callDissector, dispatch, dissectData, dissectorByName, register, selectorFor, type EmitContext, type LayerSpecOf } from './registry.js';
import { ETHERTYPES } from './eth.js';

/** SAP names (Wireshark's sap_vals), keyed by the SAP byte with its low bit clear. */
const SAPS: Record<number, string> = {
  0x00: 'NULL LSAP', 0x02: 'LLC Sub-Layer Management', 0x04: 'SNA Path Control', 0x06: 'TCP/IP', 0x08: 'SNA',
  0x0c: 'SNA', 0x0e: 'PROWAY (IEC955) Network Management and Initialization', 0x10: 'NetWare (unofficial?)',
  0x14: 'ISO Network Layer (OSLAN 1)', 0x18: 'Texas Instruments', 0x20: 'ISO Network Layer (unofficial?)',
  0x34: 'ISO Network Layer (unofficial?)', 0x42: 'Spanning Tree BPDU', 0x4e: 'EIA RS-511 Manufacturing Message Service',
  0x54: 'ISO Network Layer (OSLAN 2)', 0x7e: 'ISO 8208 (X.25 over 802.2)', 0x80: 'XNS', 0x82: 'BACnet', 0x86: 'Nestar',
  0x8e: 'PROWAY (IEC955) Active Station List Maintenance', 0x98: 'ARP', 0xb4: 'HP JetDirect Printer', 0xaa: 'SNAP',
  0xba: 'Banyan Vines', 0xbc: 'Banyan Vines', 0xe0: 'NetWare', 0xf0: 'NetBIOS', 0xf4: 'IBM Net Management',
  0xf8: 'HP Extended LLC', 0xfa: 'Ungermann-Bass', 0xfc: 'Remote Program Load', 0xfe: 'ISO Network Layer',
};
/** The full-byte table of the `llc.dsap` / `llc.ssap` fields (adds the odd values Wireshark lists). */
const SAP_BYTE: Record<number, string> = { ...SAPS, 0x01: 'NULL LSAP', 0x7f: 'ISO 802.2', 0xff: 'Global LSAP' };
/** The same names keyed by the 7-bit SAP number (`llc.dsap.sap` holds byte >> 1). */
const SAP_NUMBER: Record<number, string> = Object.fromEntries(Object.entries(SAP_BYTE).filter(([k]) => (Number(k) & 1) === 0).map(([k, s]) => [Number(k) >> 1, s]));

/** U-frame modifier short names (packet-xdlc.c), keyed by control & 0xEC. */
const U_CMD: Record<number, string> = {
  0x00: 'UI', 0x20: 'UP', 0x40: 'DISC', 0x60: 'UA', 0x80: 'SNRM', 0xcc: 'SNRME', 0xe0: 'TEST', 0x04: 'SIM',
  0x84: 'FRMR', 0xc4: 'CFGR', 0x0c: 'SARM', 0x2c: 'SABM', 0x4c: 'SARME', 0x6c: 'SABME', 0x8c: 'RESET', 0xac: 'XID',
  0xec: 'BCN',
};
const U_RESP: Record<number, string> = {
  0x00: 'UI', 0x20: 'UP', 0x40: 'RD', 0x60: 'UA', 0x80: 'SNRM', 0xe0: 'TEST', 0x04: 'RIM', 0x84: 'FRMR',
  0xc4: 'CFGR', 0x0c: 'DM', 0x2c: 'SABM', 0x4c: 'SARME', 0x6c: 'SABME', 0x8c: 'RESET', 0xac: 'XID', 0xcc: 'SNRME',
  0xec: 'BCN',
};
/** Long names, keyed by (control & 0xEC) >> 2 as the masked fields hold them. */
const U_CMD_LONG: Record<number, string> = {
  0x00: 'Unnumbered Information', 0x08: 'Unnumbered Poll', 0x10: 'Disconnect', 0x18: 'Unnumbered Acknowledge',
  0x20: 'Set Normal Response Mode', 0x38: 'Test', 0x01: 'Set Initialization Mode', 0x21: 'Frame reject',
  0x31: 'Configure', 0x03: 'Set Asynchronous Response Mode', 0x0b: 'Set Asynchronous Balanced Mode',
  0x13: 'Set Asynchronous Response Mode Extended', 0x1b: 'Set Asynchronous Balanced Mode Extended', 0x23: 'Reset',
  0x2b: 'Exchange identification', 0x33: 'Set Normal Response Mode Extended', 0x3b: 'Beacon',
};
const U_RESP_LONG: Record<number, string> = {
  0x00: 'Unnumbered Information', 0x08: 'Unnumbered Poll', 0x10: 'Request Disconnect', 0x18: 'Unnumbered Acknowledge',
  0x20: 'Set Normal Response Mode', 0x38: 'Test', 0x01: 'Request Initialization Mode', 0x21: 'Frame reject',
  0x31: 'Configure', 0x03: 'Disconnected mode', 0x0b: 'Set Asynchronous Balanced Mode',
  0x13: 'Set Asynchronous Response Mode Extended', 0x1b: 'Set Asynchronous Balanced Mode Extended', 0x23: 'Reset',
  0x2b: 'Exchange identification', 0x33: 'Set Normal Response Mode Extended', 0x3b: 'Beacon',
};
const S_FUNC = ['RR', 'RNR', 'REJ', 'SREJ'] as const;
const S_FTYPE: Record<number, string> = { 0: 'Receiver ready', 1: 'Receiver not ready', 2: 'Reject', 3: 'Selective reject' };
const FTYPE: Record<number, string> = { 0: 'Information frame', 1: 'Supervisory frame', 3: 'Unnumbered frame' };
const XID_TYPES: Record<number, string> = {
  1: 'Type 1 LLC (Class I LLC)', 2: 'Type 2 LLC', 3: 'Type 1 and Type 2 LLCs (Class II LLC)', 4: 'Type 3 LLC',
  5: 'Type 1 and Type 3 LLCs (Class III LLC)', 6: 'Type 2 and Type 3 LLCs', 7: 'Type 1 and Type 2 and Type 3 LLCs (Class IV LLC)',
};

/** Organisation names Wireshark prints for SNAP OUIs (its `manuf` long names), for the common ones. */
export const SNAP_OUI_NAMES: Record<number, string> = {
  0x000000: 'Officially Xerox, but 0:0:0:0:0:0 is more common',
  0x00000c: 'Cisco Systems, Inc',
  0x00005e: 'ICANN, IANA Department',
  0x000081: 'Bay Networks',
  0x0000f8: 'Digital Equipment Corporation',
  0x0001e8: 'Force10 Networks, Inc.',
  0x0017f2: 'Apple, Inc.',
  0x001958: 'Bluetooth SIG, Inc.',
  0x004096: 'Cisco Systems, Inc',
  0x0080c2: 'IEEE',
  0x00a0c9: 'Intel (PRO100B and PRO100+)',
  0x00e02b: 'Extreme Networks Headquarters',
  0x00e052: 'Brocade Communications Systems LLC',
  0x080007: 'Apple, Inc.',
  0x080009: 'Hewlett Packard',
};

const SAP_SNAP = 0xaa;
const OUI_ENCAP_ETHER = 0x000000;
const OUI_CISCO_90 = 0x0000f8;
const OUI_IEEE_802_1 = 0x0080c2;
/** IEEE 802.1 bridged Ethernet without FCS (RFC 2684 / RFC 2427 BPID). */
const BPID_ETH_WITHOUT_FCS = 0x0007;
/** Padding Wireshark's LLC dissector assumes before a bridged frame (the ATM value). */
const BRIDGE_PAD = 2;

export const F = defineFields({
  llc: { abbrev: 'llc', name: 'Logical-Link Control', type: FT.PROTOCOL },
  dsap: { abbrev: 'llc.dsap', name: 'DSAP', type: FT.UINT8, base: Base.HEX, strings: SAP_BYTE },
  dsap_sap: { abbrev: 'llc.dsap.sap', name: 'SAP', type: FT.UINT8, bits: 8, mask: 0xfe, strings: SAP_NUMBER },
  dsap_ig: { abbrev: 'llc.dsap.ig', name: 'IG Bit', type: FT.BOOLEAN, bits: 8, mask: 0x01, tf: ['Group', 'Individual'] },
  ssap: { abbrev: 'llc.ssap', name: 'SSAP', type: FT.UINT8, base: Base.HEX, strings: SAP_BYTE },
  ssap_sap: { abbrev: 'llc.ssap.sap', name: 'SAP', type: FT.UINT8, bits: 8, mask: 0xfe, strings: SAP_NUMBER },
  ssap_cr: { abbrev: 'llc.ssap.cr', name: 'CR Bit', type: FT.BOOLEAN, bits: 8, mask: 0x01, tf: ['Response', 'Command'] },
  control: { abbrev: 'llc.control', name: 'Control', type: FT.UINT16, base: Base.HEX },
  n_r: { abbrev: 'llc.control.n_r', name: 'N(R)', type: FT.UINT16, bits: 16, mask: 0xfe00 },
  n_s: { abbrev: 'llc.control.n_s', name: 'N(S)', type: FT.UINT16, bits: 16, mask: 0x00fe },
  // U frames carry P/F at 0x10 of one byte; I/S frames at 0x0100 of the 16-bit field (same names).
  p: { abbrev: 'llc.control.p', name: 'Poll', type: FT.BOOLEAN, bits: 8, mask: 0x10 },
  f: { abbrev: 'llc.control.f', name: 'Final', type: FT.BOOLEAN, bits: 8, mask: 0x10 },
  s_ftype: { abbrev: 'llc.control.s_ftype', name: 'Supervisory frame type', type: FT.UINT16, base: Base.HEX, bits: 16, mask: 0x000c, strings: S_FTYPE },
  u_modifier_cmd: { abbrev: 'llc.control.u_modifier_cmd', name: 'Command', type: FT.UINT8, base: Base.HEX, bits: 8, mask: 0xec, strings: U_CMD_LONG },
  u_modifier_resp: { abbrev: 'llc.control.u_modifier_resp', name: 'Response', type: FT.UINT8, base: Base.HEX, bits: 8, mask: 0xec, strings: U_RESP_LONG },
  ftype: { abbrev: 'llc.control.ftype', name: 'Frame type', type: FT.UINT16, base: Base.HEX, bits: 8, mask: 0x03, strings: FTYPE },
  type: { abbrev: 'llc.type', name: 'Type', type: FT.UINT16, base: Base.HEX, strings: ETHERTYPES },
  // BASE_OUI in Wireshark, which `-T fields` prints in decimal.
  oui: { abbrev: 'llc.oui', name: 'Organization Code', type: FT.UINT24, strings: SNAP_OUI_NAMES },
  pid: { abbrev: 'llc.pid', name: 'Protocol ID', type: FT.UINT16, base: Base.HEX },
  cisco_pid: { abbrev: 'llc.cisco_pid', name: 'PID', type: FT.UINT16, base: Base.HEX },
  wlccp_pid: { abbrev: 'llc.wlccp_pid', name: 'PID', type: FT.UINT16, base: Base.HEX },
  apple_atalk_pid: { abbrev: 'llc.apple_atalk_pid', name: 'PID', type: FT.UINT16, base: Base.HEX },
  apple_awdl_pid: { abbrev: 'llc.apple_awdl_pid', name: 'PID', type: FT.UINT16, base: Base.HEX },
  extreme_pid: { abbrev: 'llc.extreme_pid', name: 'PID', type: FT.UINT16, base: Base.HEX },
  foundry_pid: { abbrev: 'llc.foundry_pid', name: 'PID', type: FT.UINT16, base: Base.HEX },
  iana_pid: { abbrev: 'llc.iana_pid', name: 'PID', type: FT.UINT16, base: Base.HEX },
  bluetooth_pid: { abbrev: 'llc.bluetooth_pid', name: 'PID', type: FT.UINT16, base: Base.HEX },
  force10_pid: { abbrev: 'llc.force10_pid', name: 'PID', type: FT.UINT16, base: Base.HEX },
  nortel_pid: { abbrev: 'llc.nortel_pid', name: 'PID', type: FT.UINT16, base: Base.HEX },
  xid: { abbrev: 'basicxid', name: 'Logical-Link Control Basic Format XID', type: FT.PROTOCOL },
  xid_format: { abbrev: 'basicxid.llc.xid.format', name: 'XID Format', type: FT.UINT8, base: Base.HEX, strings: { 0x81: 'LLC basic format' } },
  xid_types: { abbrev: 'basicxid.llc.xid.types', name: 'LLC Types/Classes', type: FT.UINT8, base: Base.HEX, bits: 8, mask: 0x1f, strings: XID_TYPES },
  xid_wsize: { abbrev: 'basicxid.llc.xid.wsize', name: 'Receive Window Size', type: FT.UINT8, bits: 8, mask: 0xfe },
});

/**
 * OUIs whose PID has its own field and dispatch table (Wireshark's llc_add_oui registrations):
 * a dissector for Cisco's CDP binds `llc.cisco_pid` 0x2000, and so on.
 */
const OUI_PID: ReadonlyMap<number, readonly [field: number, table: string]> = new Map([
  [0x00000c, [F.cisco_pid, 'llc.cisco_pid']],
  [0x004096, [F.wlccp_pid, 'llc.wlccp_pid']],
  [0x080007, [F.apple_atalk_pid, 'llc.apple_atalk_pid']],
  [0x0017f2, [F.apple_awdl_pid, 'llc.apple_awdl_pid']],
  [0x00e02b, [F.extreme_pid, 'llc.extreme_pid']],
  [0x00e052, [F.foundry_pid, 'llc.foundry_pid']],
  [0x00005e, [F.iana_pid, 'llc.iana_pid']],
  [0x001958, [F.bluetooth_pid, 'llc.bluetooth_pid']],
  [0x0001e8, [F.force10_pid, 'llc.force10_pid']],
  [0x000081, [F.nortel_pid, 'llc.nortel_pid']],
] as const);

/** I frames and UI frames carry user data (XDLC_IS_INFORMATION). */
function isInformation(control: number): boolean {
  return (control & 0x01) === 0 || control === 0x03;
}

function hexUpper(v: number, digits: number): string {
  return v.toString(16).toUpperCase().padStart(digits, '0');
}

function sapText(sap: number): string {
  return SAPS[sap] ?? `0x${sap.toString(16).padStart(2, '0')}`;
}

function decode(pkt: Packet, off: number, end: number, rep: number, parent: number): void {
  const d = pkt.data;
  pkt.setProtocol('LLC');
  pkt.setInfo('');
  const top = pkt.addProtocol(F.llc, 'llc', off, Math.min(3, Math.max(0, end - off)), parent);
  if (!need(pkt, off, 2, end, rep, top, 'LLC')) return;
  const dsap = d[off]!;
  const ssap = d[off + 1]!;
  const di = pkt.add(F.dsap, off, 1, top, dsap);
  pkt.add(F.dsap_sap, off, 1, di, dsap >> 1);
  pkt.add(F.dsap_ig, off, 1, di, dsap & 1);
  const si = pkt.add(F.ssap, off + 1, 1, top, ssap);
  pkt.add(F.ssap_sap, off + 1, 1, si, ssap >> 1);
  pkt.add(F.ssap_cr, off + 1, 1, si, ssap & 1);
  const response = (ssap & 1) === 1;

  if (!need(pkt, off + 2, 1, end, rep, top, 'LLC control')) return;
  const c0 = d[off + 2]!;
  const uFrame = (c0 & 0x03) === 0x03;
  const cLen = uFrame ? 1 : 2;
  if (!need(pkt, off + 2, cLen, end, rep, top, 'LLC control')) return;
  const control = uFrame ? c0 : c0 | (d[off + 3]! << 8);
  decodeControl(pkt, off + 2, control, uFrame, response, top);

  const isSnap = dsap === SAP_SNAP && ssap === SAP_SNAP;
  const hLen = 2 + cLen + (isSnap ? 5 : 0);
  pkt.setLength(top, Math.min(hLen, end - off));
  if (isSnap) {
    decodeSnap(pkt, off + 2 + cLen, end, rep, top, control);
    return;
  }
  if (pkt.wantColumns) {
    pkt.appendInfo(
      `; DSAP ${sapText(dsap & 0xfe)} ${dsap & 1 ? 'Group' : 'Individual'}, SSAP ${sapText(ssap & 0xfe)} ${response ? 'Response' : 'Command'}`,
    );
  }
  const pOff = off + hLen;
  if (pOff >= rep) return;
  if (isInformation(control)) {
    dispatch('llc.dsap', dsap, pkt, pOff, end, rep, -1);
  } else if (uFrame && (control & 0xec) === 0xac) {
    // XID: the basic format (0x81) is LLC's own; other formats belong to the SAP's user.
    if (pOff < end && d[pOff] === 0x81) decodeBasicXid(pkt, pOff, end, rep);
    else dispatch('llc.xid_dsap', dsap, pkt, pOff, end, rep, -1);
  } else {
    dispatch('llc.control', control, pkt, pOff, end, rep, -1);
  }
}

/** The control field item, its subfields and the Info text (packet-xdlc.c, extended operation). */
function decodeControl(pkt: Packet, off: number, control: number, uFrame: boolean, response: boolean, top: number): void {
  let info = '';
  let ci: number;
  if (uFrame) {
    const pf = (control & 0x10) !== 0;
    const mod = control & 0xec;
    if (pkt.wantColumns) info = `U${pf ? (response ? ' F' : ' P') : ''}, func=${(response ? U_RESP : U_CMD)[mod] ?? 'Unknown'}`;
    ci = pkt.add(F.control, off, 1, top, control);
    if (pf) pkt.add(response ? F.f : F.p, off, 1, ci, 1);
    pkt.add(response ? F.u_modifier_resp : F.u_modifier_cmd, off, 1, ci, mod >> 2);
    pkt.add(F.ftype, off, 1, ci, 3);
    if (pkt.wantColumns) pkt.setLabel(ci, `Control field: ${info} (0x${hexUpper(control, 2)})`);
  } else if ((control & 0x03) === 0x01) {
    const pf = (control & 0x0100) !== 0;
    const nr = control >> 9;
    if (pkt.wantColumns) info = `S${pf ? (response ? ' F' : ' P') : ''}, func=${S_FUNC[(control >> 2) & 3]}, N(R)=${nr}`;
    ci = pkt.add(F.control, off, 2, top, control);
    pkt.add(F.n_r, off, 2, ci, nr);
    if (pf) pkt.add(response ? F.f : F.p, off, 2, ci, 1);
    pkt.add(F.s_ftype, off, 2, ci, (control >> 2) & 3);
    pkt.add(F.ftype, off, 2, ci, 1);
  } else {
    const pf = (control & 0x0100) !== 0;
    const nr = control >> 9;
    const ns = (control >> 1) & 0x7f;
    if (pkt.wantColumns) info = `I${pf ? ' P' : ''}, N(R)=${nr}, N(S)=${ns}`;
    ci = pkt.add(F.control, off, 2, top, control);
    pkt.add(F.n_r, off, 2, ci, nr);
    pkt.add(F.n_s, off, 2, ci, ns);
    if (pf) pkt.add(F.p, off, 2, ci, 1);
    pkt.add(F.ftype, off, 2, ci, 0);
  }
  if (pkt.wantColumns) {
    pkt.setInfo(info);
    if (!uFrame) pkt.setLabel(ci, `Control field: ${info} (0x${hexUpper(control, 4)})`);
  }
}

function decodeSnap(pkt: Packet, off: number, end: number, rep: number, top: number, control: number): void {
  if (!need(pkt, off, 5, end, rep, top, 'SNAP')) return;
  const d = pkt.data;
  const oui = (d[off]! << 16) | (d[off + 1]! << 8) | d[off + 2]!;
  const pid = (d[off + 3]! << 8) | d[off + 4]!;
  pkt.add(F.oui, off, 3, top, oui);
  if (pkt.wantColumns) {
    pkt.appendInfo(`; SNAP, OUI 0x${hexUpper(oui, 6)} (${SNAP_OUI_NAMES[oui] ?? 'Unknown'}), PID 0x${hexUpper(pid, 4)}`);
  }
  const pOff = off + 5;
  const info = isInformation(control);
  if (oui === OUI_ENCAP_ETHER || oui === OUI_CISCO_90) {
    // RFC 1042: the PID is an Ethertype (only meaningful in information frames).
    if (!info) {
      dissectData(pkt, pOff, end, rep, -1);
      return;
    }
    pkt.add(F.type, off + 3, 2, top, pid);
    dispatchEthertypeTable(pkt, pid, pOff, end, rep);
    return;
  }
  if (oui === OUI_IEEE_802_1) {
    pkt.add(F.pid, off + 3, 2, top, pid);
    const eth = pid === BPID_ETH_WITHOUT_FCS ? dissectorByName('eth') : undefined;
    if (eth && pOff + BRIDGE_PAD <= end) callDissector(eth, pkt, pOff + BRIDGE_PAD, end, rep, -1);
    else dissectData(pkt, pOff, end, rep, -1);
    return;
  }
  const known = OUI_PID.get(oui);
  pkt.add(known ? known[0] : F.pid, off + 3, 2, top, pid);
  if (known && info) dispatch(known[1], pid, pkt, pOff, end, rep, -1);
  else dissectData(pkt, pOff, end, rep, -1);
}

/**
 * Looks an Ethertype up in the `ethertype` table the way Wireshark's SNAP code does: directly, not
 * through the ethertype dissector, so no `ethertype` layer appears in frame.protocols.
 */
function dispatchEthertypeTable(pkt: Packet, type: number, off: number, end: number, rep: number): boolean {
  return dispatch('ethertype', type, pkt, off, end, rep, -1);
}

function decodeBasicXid(pkt: Packet, off: number, end: number, rep: number): void {
  pkt.setProtocol('XID');
  pkt.setInfo('');
  const top = pkt.addProtocol(F.xid, 'basicxid', off, Math.min(3, end - off), -1);
  if (!need(pkt, off, 3, end, rep, top, 'XID')) return;
  const d = pkt.data;
  const types = d[off + 1]! & 0x1f;
  const wsize = d[off + 2]! >> 1;
  pkt.add(F.xid_format, off, 1, top, d[off]!);
  pkt.add(F.xid_types, off + 1, 1, top, types);
  pkt.add(F.xid_wsize, off + 2, 1, top, wsize);
  if (pkt.wantColumns) {
    pkt.setInfo(`Basic Format; ${XID_TYPES[types] ?? `0x${types.toString(16).padStart(2, '0')}`}; Window Size ${wsize}`);
  }
}

/**
 * Builds an LLC header: `dsap`, `ssap` (0xAA: SNAP), `control` (0x03, UI; a value whose low two
 * bits are not 11 is an I/S control written as 2 bytes little-endian). With SNAP: `oui` (0) and
 * `pid` (computed from the next layer's Ethertype).
 */
function emit(spec: LayerSpecOf<'llc'>, payload: Uint8Array, ctx: EmitContext): Uint8Array {
  const dsap = (spec.dsap as number | undefined) ?? SAP_SNAP;
  const ssap = (spec.ssap as number | undefined) ?? dsap;
  const control = (spec.control as number | undefined) ?? 0x03;
  const cLen = (control & 0x03) === 0x03 ? 1 : 2;
  const snap = dsap === SAP_SNAP && ssap === SAP_SNAP;
  const hLen = 2 + cLen + (snap ? 5 : 0);
  const out = new Uint8Array(hLen + payload.length);
  out[0] = dsap;
  out[1] = ssap;
  out[2] = control & 0xff;
  if (cLen === 2) out[3] = control >> 8;
  if (snap) {
    const oui = (spec.oui as number | undefined) ?? OUI_ENCAP_ETHER;
    const next = ctx.layers[ctx.index + 1];
    const pid = (spec.pid as number | undefined) ?? (next ? selectorFor('ethertype', next.proto) : undefined) ?? 0;
    const p = 2 + cLen;
    out[p] = oui >> 16;
    out[p + 1] = (oui >> 8) & 0xff;
    out[p + 2] = oui & 0xff;
    out[p + 3] = pid >> 8;
    out[p + 4] = pid & 0xff;
  }
  out.set(payload, hLen);
  return out;
}

register({
  name: 'llc',
  longName: 'Logical-Link Control',
  bind: [
    ['ethertype.llc', 0],
    ['sll.ltype', 4],
  ],
  decode,
  emit,
});
