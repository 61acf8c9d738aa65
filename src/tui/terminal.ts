/** An error that says the terminal is gone: reads and writes of a hung-up tty fail so. */
export function terminalGone(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EIO' || code === 'EPIPE' || code === 'EBADF' || code === 'ENXIO' || code === 'ENOTCONN';
}
