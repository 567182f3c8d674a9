import cliProgress from 'cli-progress';

/**
 * A progress bar on stderr, only when stderr is a terminal (never in CI logs or pipes). `total`
 * may be an estimate (a knee search does not know its length in advance); it grows if exceeded.
 */
export function createProgress(label: string, total: number): { update(done: number): void; stop(): void } {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `${label} [{bar}] {value}/{total} simulations, {duration}s elapsed, ~{eta}s left`, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let limit = total;
  bar.start(limit, 0);
  return {
    update(done) {
      if (done > limit) {
        limit = Math.ceil(done * 1.2);
        bar.setTotal(limit);
      }
      bar.update(done);
    },
    stop() {
      bar.stop();
    },
  };
}

/** Ctrl-C: stop at once, leaving no partial output (files are only written at the end), exit 130. */
export function exitOnInterrupt(onInterrupt: () => void): void {
  process.once('SIGINT', () => {
    onInterrupt();
    process.stderr.write('\ninterrupted: stopping the simulations\n');
    // Worker threads end with the process; nothing has been written yet.
    process.exit(130);
  });
}
