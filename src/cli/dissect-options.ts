/**
 * The options that change how packets are dissected, shared by every command that dissects (`read`,
 * `capture`, `stats`, `follow`): tshark's `-d` (decode as), `-N` (name resolution) and
 * `--disable-heuristic`/`--enable-heuristic` (heuristic dissectors by short name).
 *
 * `-d` and the heuristics are session options (src/dissectors/session.ts): checked here, they become
 * the command's session options (src/pipeline/session-options.ts), from which every session of the
 * command is made, in worker threads too; the dissector tables do not change.
 * `-N` builds one NameResolver (src/dissectors/names.ts) that the command passes to the read in its
 * dissect options (`names`); `-n`, the default, resolves nothing.
 */
import { accessSync, constants, statSync } from 'node:fs';
import type { Command, OptionValues } from '@commander-js/extra-typings';
import { DecodeAsError, parseDecodeAs, type DecodeAsRule } from '../dissectors/decode-as.js';
import { NameResolver, parseNameFlags } from '../dissectors/names.js';
import { heuristicShortNames, heuristicsOff } from '../dissectors/registry.js';
import type { SessionOptions } from '../dissectors/session.js';
import { setCommandSessionOptions } from '../pipeline/session-options.js';
import { collect, UsageError } from './errors.js';

/** Adds `-d` and `-N` to a command. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function addDissectOptions<A extends any[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) {
  return cmd
    .option('-d <layer==selector,protocol>', 'decode as, as tshark: e.g. udp.port==5354,dns, tcp.port==8443,tls, udp.port==5000-5010,dns (repeatable)', collect, [] as string[])
    .option('-N <flags>', "name resolution, tshark's letters: m MAC vendors (IEEE registry), n network names (hosts files), d names from the capture's DNS answers, t transport names (Wireshark's services files, /etc/services); never a network lookup")
    .option('--disable-heuristic <short_name>', 'do not try this heuristic dissector (dns_udp, tls_tcp; repeatable, as tshark)', collect, [] as string[])
    .option('--enable-heuristic <short_name>', 'try this heuristic dissector (all are on by default; repeatable, as tshark)', collect, [] as string[])
    .option('--tls-keylog <file>', 'an NSS key log (SSLKEYLOGFILE; as tshark -o tls.keylog_file:FILE): TLS is decrypted with its secrets (a pcapng\'s own key logs are used without it); stats tls says which connections it decrypts');
}

/** The parsed values of those options. */
export interface DissectFlags {
  d: string[];
  N?: string;
  disableHeuristic?: string[];
  enableHeuristic?: string[];
  tlsKeylog?: string;
  /** `-o` preferences, when the command has them: a `tls.keylog_file:FILE` is checked here too. */
  o?: string[];
}

/** What the options set up for a read. */
export interface DissectSettings {
  /** The name resolver for the read's dissect options (undefined: no name resolution). */
  names?: NameResolver;
  /** The session options of `-d` and the heuristics (also set as the command's). */
  session: SessionOptions;
}

/**
 * Checks `-d`, `-N` and the heuristics, and makes them the command's session options (call before
 * dissecting anything). Throws UsageError with
 * tshark's message on a bad value; warnings (a single `=` in `-d`) go to `warn`.
 */
export function applyDissectOptions(flags: DissectFlags, warn: (line: string) => void = (l) => process.stderr.write(`wirelite: warning: ${l}\n`)): DissectSettings {
  const rules: DecodeAsRule[] = [];
  for (const text of flags.d ?? []) {
    try {
      const { rule, warning } = parseDecodeAs(text);
      if (warning) warn(warning);
      rules.push(rule);
    } catch (e) {
      if (e instanceof DecodeAsError) throw new UsageError(`-d: ${e.message}`);
      throw e;
    }
  }
  let names: NameResolver | undefined;
  if (flags.N !== undefined) {
    try {
      const f = parseNameFlags(flags.N);
      if (f.mac || f.network || f.dns || f.transport) names = new NameResolver(f);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const session: SessionOptions = {};
  if (flags.disableHeuristic?.length || flags.enableHeuristic?.length) {
    try {
      heuristicsOff(flags.disableHeuristic ?? [], flags.enableHeuristic ?? []);
    } catch (e) {
      throw new UsageError(`${(e as Error).message} (heuristics: ${heuristicShortNames().join(', ')})`);
    }
    session.disableHeuristics = flags.disableHeuristic ?? [];
    session.enableHeuristics = flags.enableHeuristic ?? [];
  }
  if (rules.length) session.decodeAs = rules;
  // TLS key logs: unreadable files are a usage error (tshark would silently decrypt nothing).
  const keyLogs = [flags.tlsKeylog, ...(flags.o ?? []).filter((p) => p.trim().startsWith('tls.keylog_file:')).map((p) => p.slice(p.indexOf(':') + 1).trim())];
  for (const f of keyLogs) if (f !== undefined) checkReadableFile(f, flags.tlsKeylog === f ? '--tls-keylog' : '-o tls.keylog_file');
  if (flags.tlsKeylog !== undefined) session.tlsKeyLogs = [flags.tlsKeylog];
  setCommandSessionOptions(session);
  return { names, session };
}

/** Throws UsageError unless `path` is a readable regular file (`what` names the option). */
function checkReadableFile(path: string, what: string): void {
  try {
    if (!statSync(path).isFile()) throw new UsageError(`${what}: ${path}: not a regular file`);
    accessSync(path, constants.R_OK);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${what}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}
