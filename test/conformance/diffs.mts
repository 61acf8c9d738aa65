import { compareCapture, readIndex } from './oracle.js';
const field = process.argv[2]!;
const idx = readIndex().filter((e) => !e.path.includes('malformed/'));
const counts = new Map<string, number>();
const samples: string[] = [];
for (const e of idx) {
  const r = await compareCapture(e.path, [field]);
  for (const d of r.differences) {
    counts.set(d.capture, (counts.get(d.capture) ?? 0) + 1);
    if (samples.length < 400) samples.push(`${d.capture} #${d.frame}: ours ${JSON.stringify(d.ours)} tshark ${JSON.stringify(d.tshark)}`);
  }
}
console.log([...counts].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${n}\t${c}`).join('\n'));
console.log(samples.join('\n'));
