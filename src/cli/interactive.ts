/**
 * Loads a terminal-UI module (Ink) so that it draws on a terminal even when the environment says
 * CI. Ink reads CI and CONTINUOUS_INTEGRATION once, when it is first imported (the is-in-ci
 * package), and in CI draws nothing until the app exits: a `wirelite tui` or `ping --tui` started
 * from a CI job's shell, a tmux pane or a container with CI=true showed a blank screen. A TUI
 * needs a terminal anyway, so when standard output is one the two variables are hidden for the
 * import and given back at once; the environment of everything else stays as it was.
 */
export async function importInteractive<T>(load: () => Promise<T>): Promise<T> {
  if (process.stdout.isTTY !== true) return load();
  const names = ['CI', 'CONTINUOUS_INTEGRATION'] as const;
  const saved = names.map((n) => process.env[n]);
  for (const n of names) delete process.env[n];
  try {
    return await load();
  } finally {
    names.forEach((n, k) => {
      if (saved[k] !== undefined) process.env[n] = saved[k];
    });
  }
}
