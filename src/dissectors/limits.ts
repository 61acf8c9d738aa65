/**
 * Named limits: every table and loop over hostile input is bounded by one of these. Each module
 * declares its defaults at load time (`defineLimits`), as a protocol registers its dissector; a
 * session takes its own copy (`session.limits`, made by `newSession({ limits })` in ./session.ts),
 * which `-o tcp.max_conversations:N` or a test changes, never the defaults. A session has the
 * limits of the modules loaded when it is made: those of a statistic's model that loads later
 * (`limits.tcpConnection`, src/analysis/tcp-connection/store.ts, loaded by `stats tcp`) are in the
 * sessions made after it loaded; a consumer given none uses its module's defaults.
 *
 * A module adds its entry to SessionLimits by module augmentation, beside its defaults:
 *
 *   declare module '../limits.js' { interface SessionLimits { tcp: TcpLimits } }
 */

/** Every session's limits, by module (each module adds its entry). */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface SessionLimits {}

export type LimitName = keyof SessionLimits;

/** Changes of a session's limits: any of the numbers of any module. */
export type LimitOverrides = { [K in LimitName]?: Partial<SessionLimits[K]> };

/** The defaults by module name (filled at load time, like the dissector tables; frozen). */
const DEFAULTS = new Map<string, Readonly<object>>();

/** Declares a module's limits; returns the frozen defaults (read them; a session has its own copy). */
export function defineLimits<K extends LimitName>(name: K, defaults: SessionLimits[K]): Readonly<SessionLimits[K]> {
  if (DEFAULTS.has(name)) throw new Error(`limits "${name}" defined twice`);
  const frozen = Object.freeze({ ...(defaults as object) }) as Readonly<SessionLimits[K]>;
  DEFAULTS.set(name, frozen);
  return frozen;
}

/** A session's limits: a copy of every module's defaults with the overrides applied. Throws on an unknown name. */
export function sessionLimits(overrides: LimitOverrides = {}): SessionLimits {
  const out: Record<string, object> = {};
  for (const [name, d] of DEFAULTS) out[name] = { ...d };
  for (const [name, o] of Object.entries(overrides)) {
    const target = out[name] as Record<string, number> | undefined;
    if (!target) throw new Error(`unknown limits "${name}" (known: ${[...DEFAULTS.keys()].join(', ')})`);
    for (const [k, v] of Object.entries(o as Record<string, number>)) {
      if (!(k in target)) throw new Error(`unknown limit ${name}.${k}`);
      target[k] = v;
    }
  }
  return out as unknown as SessionLimits;
}
