/** The rows of a `-z expert` text (tshark's or wirelite's): `severity|group|protocol|summary` -> count. */
export function expertRows(text: string): Map<string, number> {
  const m = new Map<string, number>();
  let sev = '';
  for (const line of text.split('\n')) {
    const h = /^(\w+) \(\d+\)$/.exec(line);
    if (h) sev = h[1]!;
    const r = /^\s+(\d+)\s+(\S+)\s+(\S+)  (.*)$/.exec(line);
    if (r && r[1] !== 'Frequency') m.set(`${sev}|${r[2]}|${r[3]}|${r[4]}`, Number(r[1]));
  }
  return m;
}
