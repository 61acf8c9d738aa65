/**
 * `wirelite stats FILE phs`: the protocol hierarchy (src/stats/phs.ts) read from a file and
 * printed as `tshark -q -z io,phs` prints it (byte for byte), or as JSON lines.
 *
 * One pass, as tshark without -2; every packet keeps only its protocol items in the tree.
 */
import { CaptureFileError } from '../capture/capture-error.js';
import { fieldById } from '../dissectors/fields.js';
import { phsFields, ProtocolHierarchy, type PhsRow } from '../stats/phs.js';
import type { TextSink } from '../render/output.js';
import { dissectFile, withDisplayFilter, type CompiledFilter } from '../pipeline/index.js';

/** Reads `file` into a hierarchy; a file damaged after some frames gives those frames' rows and the error. */
export async function collectPhs(file: string, filter?: CompiledFilter): Promise<{ phs: ProtocolHierarchy; error: CaptureFileError | undefined }> {
  const phs = new ProtocolHierarchy({ frameRoot: filter?.fields.some((id) => /^frame(\.|$)/.test(fieldById(id).abbrev)) });
  let error: CaptureFileError | undefined;
  try {
    await dissectFile(file, withDisplayFilter({ columns: false, twoPass: false, count: 0, fields: phsFields(), periodicGc: false }, filter), (pkt) => phs.add(pkt));
  } catch (e) {
    if (!(e instanceof CaptureFileError) || e.framesRead === 0) throw e;
    error = e;
  }
  return { phs, error };
}

const RULE = '='.repeat(67);

/** tshark's text: a name column of 40 characters (two spaces of indent per level), then the counts. */
export function writePhsText(rows: readonly PhsRow[], out: TextSink, filter = ''): void {
  out.write(`\n${RULE}\nProtocol Hierarchy Statistics\nFilter: ${filter}\n\n`);
  for (const r of rows) out.write(`${(' '.repeat(2 * r.depth) + r.protocol).padEnd(40)} frames:${r.frames} bytes:${r.bytes}\n`);
  out.write(`${RULE}\n`);
}

/** `--json`: one object per row, `{"protocol","depth","path","frames","bytes"}`, in the text's order. */
export function writePhsJson(rows: readonly PhsRow[], out: TextSink): void {
  for (const r of rows) out.write(JSON.stringify({ protocol: r.protocol, depth: r.depth, path: r.path, frames: r.frames, bytes: r.bytes }) + '\n');
}
