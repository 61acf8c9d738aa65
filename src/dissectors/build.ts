/**
 * Packet building through the dissectors' `emit` (gopacket/scapy style): layers outermost first,
 * built innermost first so lengths and checksums are computed over the finished payload.
 *
 *   buildPacket([{ proto: 'eth' }, { proto: 'ip', src: '10.0.0.1', dst: '10.0.0.2' },
 *                { proto: 'udp', sport: 1234, dport: 53 }, { proto: 'data', bytes: payload }])
 *
 * A field left undefined is computed (lengths, checksums, next-protocol selectors); give it to
 * craft a broken packet on purpose.
 */
import './index.js';
import { dissectorByName, type LayerSpec } from './registry.js';

export type { LayerSpec, LayerSpecOf, LayerSpecs } from './registry.js';

export function buildPacket(layers: readonly LayerSpec[]): Uint8Array {
  let payload: Uint8Array = new Uint8Array(0);
  for (let i = layers.length - 1; i >= 0; i--) {
    const spec = layers[i]!;
    const d = dissectorByName(spec.proto);
    if (!d?.emit) throw new Error(`no builder for protocol "${spec.proto}"`);
    payload = d.emit(spec, payload, { layers, index: i });
  }
  return payload;
}
