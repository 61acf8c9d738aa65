/**
 * wirelite's command tree, built in one place: `main` parses with it, and the help text, the man
 * page (`docs/wirelite.1`), the README's option tables and the shell completion are all generated
 * from it (src/cli/manpage.ts, src/cli/commands/completion.ts), so they cannot drift apart.
 */
import { Command } from '@commander-js/extra-typings';
import type { Command as BaseCommand } from 'commander';
import { readCommand } from './commands/read.js';
import { fieldsCommand } from './commands/fields.js';
import { captureCommand } from './commands/capture.js';
import { interfacesCommand } from './commands/interfaces.js';
import { statsCommand, STATS_KINDS } from './commands/stats.js';
import { followCommand } from './commands/follow.js';
import { completionCommand } from './commands/completion.js';
import { pingCommand } from './commands/ping.js';
import { tracerouteCommand } from './commands/traceroute.js';
import { pmtudCommand } from './commands/pmtud.js';
import { tuiCommand } from './commands/tui.js';

export const VERSION = '0.1.0';

/** One example per command and per statistic: the top-level help and the man page list them. */
export interface Example {
  /** The command (`read`), or `stats KIND` for a statistic. */
  topic: string;
  line: string;
  what: string;
}

/** FILE is a capture file (test/cli/cli-surface.test.ts runs each example on fixtures/synthetic.pcapng). */
const F = 'FILE';
export const EXAMPLES: readonly Example[] = [
  { topic: 'read', line: `wirelite -r ${F} -V -c 1`, what: "tshark's -r: the first packet's detail tree" },
  { topic: 'read', line: `wirelite read ${F} -T fields -e ip.src -e tcp.dstport`, what: 'chosen fields, one line per packet' },
  { topic: 'stats expert', line: `wirelite stats ${F} expert`, what: 'expert items by severity (tshark -z expert)' },
  { topic: 'stats dns', line: `wirelite stats ${F} dns`, what: 'DNS queries, response codes and times' },
  { topic: 'stats conv', line: `wirelite stats ${F} conv tcp`, what: 'conversations (tshark -z conv,tcp)' },
  { topic: 'stats endpoints', line: `wirelite stats ${F} endpoints ip`, what: 'endpoints (tshark -z endpoints,ip)' },
  { topic: 'stats io', line: `wirelite stats ${F} io 0.01`, what: 'frames, bytes and retransmissions per interval' },
  { topic: 'stats phs', line: `wirelite stats ${F} phs`, what: 'the protocol hierarchy (tshark -z io,phs)' },
  { topic: 'stats tcp', line: `wirelite stats ${F} tcp`, what: 'one card per TCP connection and what limited it' },
  { topic: 'stats tls', line: `wirelite stats ${F} tls`, what: 'one card per TLS connection' },
  { topic: 'stats http', line: `wirelite stats ${F} http`, what: 'HTTP requests by method, responses by code (tshark -z http,tree); req, srv: by host, by server' },
  { topic: 'follow', line: `wirelite follow ${F} --stream 0`, what: "a TCP stream's payload (tshark -z follow,tcp)" },
  { topic: 'fields', line: 'wirelite fields tcp.flags', what: 'field names for -e' },
  { topic: 'interfaces', line: 'wirelite interfaces', what: 'interfaces to capture on, numbered' },
  { topic: 'capture', line: 'wirelite capture -i 1 -c 10 udp port 53', what: 'live capture on interface 1 (as root)' },
  { topic: 'completion', line: 'source <(wirelite completion bash)', what: 'tab completion in bash (zsh: completion zsh)' },
  { topic: 'ping', line: 'wirelite ping -c 3 192.0.2.1', what: 'ICMP echo from wirelite\'s own packet stack, as iputils ping (as root)' },
  { topic: 'traceroute', line: 'wirelite traceroute -I -n 192.0.2.1', what: 'the route hop by hop, as traceroute -I (as root)' },
  { topic: 'pmtud', line: 'wirelite pmtud 192.0.2.1', what: 'the path MTU, its MSS and the hop that limits it (as root)' },
  { topic: 'tui', line: `wirelite tui ${F}`, what: 'the terminal UI: packet list, detail tree, hex, display filters (-i IFACE: live)' },
];

/** Exit codes every command uses (capture and interfaces add 4 and 5). */
export const EXIT_CODES: readonly { code: number; meaning: string }[] = [
  { code: 0, meaning: 'success (a malformed packet is marked, not an error)' },
  { code: 1, meaning: 'bad usage: unknown option, command or field, bad value; ping, pmtud: no reply came (as iputils ping)' },
  { code: 2, meaning: 'a file cannot be read to its end or written (what was read is printed first); ping, traceroute, pmtud: a bad value, unknown host or no route (as iputils ping)' },
  { code: 3, meaning: 'internal error (a bug: please report it)' },
  { code: 4, meaning: 'capture: the device cannot be captured on (permission, no such interface, it went away); ping, traceroute, pmtud: no permission to send raw packets' },
  { code: 5, meaning: 'capture, interfaces: live capture is not available (the libpcap addon was not built)' },
];

/** Text after the top-level command list: the examples, then the exit codes. */
function epilogue(): string {
  const width = Math.max(...EXAMPLES.map((e) => e.line.length));
  let s = '\nExamples (one per command and statistic; the statistics are ' + STATS_KINDS.join(', ') + '):\n';
  for (const e of EXAMPLES) s += `  ${e.line.padEnd(width)}  # ${e.what}\n`;
  s += '\n"wirelite -r FILE [read options]" is short for "wirelite read -r FILE ...", as tshark -r.\n';
  s += '\nExit codes:\n';
  for (const e of EXIT_CODES) s += `  ${e.code}  ${e.meaning}\n`;
  return s;
}

export function buildProgram() {
  const program = new Command('wirelite')
    .description('A Wireshark-lite for the terminal: read captures, dissect, analyse.')
    .version(VERSION, '-v, --version')
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.addCommand(readCommand().exitOverride());
  program.addCommand(fieldsCommand().exitOverride());
  program.addCommand(captureCommand().exitOverride());
  program.addCommand(interfacesCommand().exitOverride());
  program.addCommand(statsCommand().exitOverride());
  program.addCommand(followCommand().exitOverride());
  program.addCommand(completionCommand().exitOverride());
  program.addCommand(pingCommand().exitOverride());
  program.addCommand(tracerouteCommand().exitOverride());
  program.addCommand(pmtudCommand().exitOverride());
  program.addCommand(tuiCommand().exitOverride());
  program.addHelpText('after', epilogue());
  return program;
}

/** The tree with commander's untyped classes, for the generators that walk it. */
export function programTree(): BaseCommand {
  return buildProgram() as unknown as BaseCommand;
}

/** Top-level options: anything else first on the line, with -r among the arguments, means `read`. */
const TOP_LEVEL_OPTIONS = new Set(['-h', '--help', '-v', '--version']);

/**
 * tshark's habit `wirelite -r FILE -V ...`: when the arguments start with an option that is not
 * one of wirelite's own (-h, -v) and -r is among them, they are read's: `read` is put in front.
 */
export function expandShorthand(args: readonly string[]): string[] {
  const first = args[0];
  if (first === undefined || first === '-' || !first.startsWith('-') || TOP_LEVEL_OPTIONS.has(first)) return [...args];
  const hasR = args.some((a) => a === '-r' || /^-r./.test(a));
  return hasR ? ['read', ...args] : [...args];
}
