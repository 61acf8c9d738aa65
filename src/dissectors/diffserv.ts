/**
 * Differentiated Services (RFC 2474, RFC 4594, RFC 8622) and ECN (RFC 3168) code points, shared by
 * the IPv4 DS field and the IPv6 Traffic Class.
 */

export const DSCP: Record<number, string> = {
  0: 'Default', 8: 'Class Selector 1', 16: 'Class Selector 2', 24: 'Class Selector 3', 32: 'Class Selector 4',
  40: 'Class Selector 5', 48: 'Class Selector 6', 56: 'Class Selector 7', 10: 'Assured Forwarding 11',
  12: 'Assured Forwarding 12', 14: 'Assured Forwarding 13', 18: 'Assured Forwarding 21', 20: 'Assured Forwarding 22',
  22: 'Assured Forwarding 23', 26: 'Assured Forwarding 31', 28: 'Assured Forwarding 32', 30: 'Assured Forwarding 33',
  34: 'Assured Forwarding 41', 36: 'Assured Forwarding 42', 38: 'Assured Forwarding 43', 46: 'Expedited Forwarding',
  44: 'Voice Admit', 1: 'Lower Effort',
};

export const ECN: Record<number, string> = {
  0: 'Not ECN-Capable Transport', 1: "ECN-Capable Transport codepoint '01'", 2: "ECN-Capable Transport codepoint '10'", 3: 'Congestion Experienced',
};

/** ECN names of the field summary (`Not-ECT`, `CE`). */
export const ECN_SHORT = ['Not-ECT', 'ECT(1)', 'ECT(0)', 'CE'];

/** Short DSCP names of the field summary (`CS0`, `AF41`, `EF`), as Wireshark prints them. */
export function dscpShort(v: number): string {
  if (v === 0) return 'CS0';
  if (v % 8 === 0) return `CS${v / 8}`;
  if (v === 46) return 'EF';
  if (v === 44) return 'VOICE-ADMIT';
  if (v === 1) return 'LE';
  if ((v & 1) === 0 && v >= 10 && v <= 38) return `AF${v >> 3}${(v >> 1) & 3}`;
  return String(v);
}
