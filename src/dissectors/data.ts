/**
 * `data`: whatever no dissector took, kept as bytes (Wireshark's data dissector).
 */
import { defineFields, FT } from './fields.js';
import type { Packet } from './packet.js';
import { register, setDataDissector, type Dissector, type LayerSpecOf } from './registry.js';

const F = defineFields({
  data: { abbrev: 'data', name: 'Data', type: FT.PROTOCOL },
  bytes: { abbrev: 'data.data', name: 'Data', type: FT.BYTES },
  len: { abbrev: 'data.len', name: 'Length', type: FT.UINT32, generated: true },
});

const data: Dissector = {
  name: 'data',
  longName: 'Data',
  decode(pkt: Packet, off: number, end: number, _rep: number, parent: number): void {
    const top = pkt.addProtocol(F.data, 'data', off, end - off, parent);
    if (pkt.wantLabels) pkt.setLabel(top, `Data (${end - off} byte${end - off === 1 ? '' : 's'})`);
    pkt.add(F.bytes, off, end - off, top);
    pkt.add(F.len, off, 0, top, end - off);
  },
  emit(spec: LayerSpecOf<'data'>, payload: Uint8Array) {
    const b = spec.bytes;
    const head = typeof b === 'string' ? new TextEncoder().encode(b) : (b ?? new Uint8Array(0));
    const out = new Uint8Array(head.length + payload.length);
    out.set(head);
    out.set(payload, head.length);
    return out;
  },
};

register(data);
setDataDissector(data);
