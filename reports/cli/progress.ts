import cliProgress from 'cli-progress';

/** Seconds between progress lines when stderr is not a terminal (a CI log). */
const LOG_LINE_SECONDS = 10;

/**
 * A progress bar on stderr when it is a terminal. In a CI log or a pipe, a plain line at most every
 * 10 s instead (a run that ends sooner prints nothing), so a long `saturation` or `check` shows it
 * is alive without flooding the log. `total` may be an estimate (a knee search does not know its
 * length in advance); it grows if exceeded.
 */
export function createProgress(label: string, total: number): { update(done: number): void; stop(): void } {
  if (!process.stderr.isTTY) {
    const started = performance.now();
    let lastLine = started;
    return {
      update(done) {
        const now = performance.now();
        if (now - lastLine < LOG_LINE_SECONDS * 1000) return;
        lastLine = now;
        process.stderr.write(`${label}: ${done} simulations done, ${((now - started) / 1000).toFixed(0)} s elapsed\n`);
      },
      stop() {},
    };
  }
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
