/**
 * Ink hands keys typed faster than it reads them (tmux send-keys, a held key, a paste) to
 * `useInput` as one string ("+++"): `eachKey` calls the handler once per character, so every key
 * counts. Special keys (arrows, Enter) come one by one and pass through as they are.
 */
export function eachKey<K>(fn: (input: string, key: K) => void): (input: string, key: K) => void {
  return (input, key) => {
    if (input.length > 1 && !input.includes('\x1b')) for (const ch of input) fn(ch, key);
    else fn(input, key);
  };
}
