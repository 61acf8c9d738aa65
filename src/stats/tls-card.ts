/**
 * The text card of one TLS connection (a row of ./tls.ts), as `wirelite stats FILE tls` prints it
 * and the terminal UI's TLS view shows it: a pure renderer of the typed row.
 */
import type { CertificateNames, TlsConnectionSummary } from './tls.js';

/** The text card of one connection. */
export function tlsCard(s: TlsConnectionSummary): string {
  const lines: string[] = [];
  const frames = s.clientHelloFrame !== null ? `frames ${s.clientHelloFrame}-${s.lastFrame}` : `to frame ${s.lastFrame}`;
  lines.push(`TLS stream ${s.stream}  ${s.client} -> ${s.server}  (${frames})`);
  const cipher = s.cipherSuite === null ? '-' : s.cipherSuite.startsWith('0x') ? s.cipherSuite : `${s.cipherSuite} (0x${s.cipherSuiteCode!.toString(16).padStart(4, '0')})`;
  lines.push(`  version    ${s.version ?? '- (no ServerHello)'}${s.helloRetryRequest ? ' after HelloRetryRequest' : ''}   cipher ${cipher}`);
  lines.push(`  SNI        ${s.sni ?? '-'}   ALPN offered ${s.alpnOffered.length ? s.alpnOffered.join(', ') : '-'}; chosen ${s.alpnChosen ?? (s.alpnOffered.length && s.version === 'TLS 1.3' ? '(encrypted: EncryptedExtensions)' : '-')}`);
  const chain = (label: string, list: CertificateNames[]) => {
    list.forEach((c, i) => {
      lines.push(`  ${i === 0 ? label : ' '.repeat(label.length)} [${i}] subject ${c.subject}`);
      lines.push(`  ${' '.repeat(label.length)}     issuer  ${c.issuer}`);
    });
  };
  if (s.serverCertificates.length) chain('server cert', s.serverCertificates);
  else lines.push(`  server cert ${s.versionCode === 0x0304 ? '(encrypted in TLS 1.3)' : '-'}`);
  if (s.clientCertificates.length) chain('client cert', s.clientCertificates);
  let hs = '-';
  if (s.handshakeMs !== null) {
    hs = `${s.handshakeMs.toFixed(3)} ms`;
    if (s.handshakeRtts !== null) hs += ` = ${s.handshakeRtts.toFixed(2)} RTT (TCP initial RTT ${s.tcpInitialRttMs!.toFixed(3)} ms)`;
    else hs += ' (TCP initial RTT unknown)';
    if (s.handshakeEnd === 'app_data') hs += ', to the first application data (no Finished seen)';
  }
  lines.push(`  handshake  ${hs}`);
  const alerts = s.alerts.map((a) => (a.encrypted ? `${a.from} encrypted alert (frame ${a.frame})` : `${a.from} ${a.level} ${a.description} (frame ${a.frame})`));
  if (s.alertCount > s.alerts.length) alerts.push(`${s.alertCount - s.alerts.length} more`);
  lines.push(`  alerts     ${alerts.length ? alerts.join('; ') : 'none'}`);
  lines.push(`  JA3        ${s.ja3 ?? '-'}${s.ja3Full ? `  ${s.ja3Full}` : ''}`);
  lines.push(`  JA3S       ${s.ja3s ?? '-'}${s.ja3sFull ? `  ${s.ja3sFull}` : ''}`);
  lines.push(`  JA4        ${s.ja4 ?? '-'}   JA4S ${s.ja4s ?? '-'}`);
  lines.push(`  data       client ${s.appDataBytes.client} bytes, server ${s.appDataBytes.server} bytes (application data records)`);
  if (s.keys) lines.push(`  keys       ${s.keys.available} (${s.keys.detail})`);
  if (s.keys || s.decryptedRecords) lines.push(`  decrypted  ${s.decryptedRecords ? `yes (${s.decryptedRecords} records)` : 'no'}`);
  return lines.join('\n') + '\n\n';
}
