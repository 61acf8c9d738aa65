/**
 * `wirelite fields [PREFIX]`: the field names every output uses (tshark's `-G fields`), so users can
 * find what to pass to `-e`.
 */
import { Command } from '@commander-js/extra-typings';
import '../../dissectors/index.js';
import { allFields, Base, FT } from '../../dissectors/fields.js';
import { OutBuffer } from '../../render/output.js';

const TYPE_NAMES: Record<number, string> = {
  [FT.NONE]: 'FT_NONE', [FT.PROTOCOL]: 'FT_PROTOCOL', [FT.UINT8]: 'FT_UINT8', [FT.UINT16]: 'FT_UINT16', [FT.UINT24]: 'FT_UINT24',
  [FT.UINT32]: 'FT_UINT32', [FT.UINT48]: 'FT_UINT48', [FT.UINT64]: 'FT_UINT64', [FT.INT32]: 'FT_INT32', [FT.BOOLEAN]: 'FT_BOOLEAN',
  [FT.ETHER]: 'FT_ETHER', [FT.IPV4]: 'FT_IPv4', [FT.IPV6]: 'FT_IPv6', [FT.BYTES]: 'FT_BYTES', [FT.STRING]: 'FT_STRING',
  [FT.FRAMENUM]: 'FT_FRAMENUM', [FT.RELATIVE_TIME]: 'FT_RELATIVE_TIME', [FT.ABSOLUTE_TIME]: 'FT_ABSOLUTE_TIME', [FT.DOUBLE]: 'FT_DOUBLE',
};
const BASE_NAMES: Record<number, string> = { [Base.NONE]: 'BASE_NONE', [Base.DEC]: 'BASE_DEC', [Base.HEX]: 'BASE_HEX', [Base.DEC_HEX]: 'BASE_DEC_HEX', [Base.HEX_DEC]: 'BASE_HEX_DEC', [Base.OCT]: 'BASE_OCT' };

export function fieldsCommand() {
  return new Command('fields')
    .description("list the field names (Wireshark's) usable with -T fields -e, one per line: name, label, type, base")
    .argument('[prefix]', 'only fields whose name starts with this, e.g. tcp.options')
    .option('--json', 'one JSON object per field')
    .action((prefix, o) => {
      const out = new OutBuffer(1);
      const defs = allFields().filter((d) => !prefix || d.abbrev.startsWith(prefix));
      for (const d of [...defs].sort((a, b) => a.abbrev.localeCompare(b.abbrev))) {
        const type = TYPE_NAMES[d.type] ?? String(d.type);
        const base = BASE_NAMES[d.base] ?? '';
        if (o.json) out.write(JSON.stringify({ name: d.abbrev, label: d.name, type, base, generated: d.generated }) + '\n');
        else out.write(`${d.abbrev}\t${d.name}\t${type}\t${base}\n`);
      }
      out.flush();
    });
}
