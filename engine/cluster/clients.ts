import type { RandomSource } from '../kernel/random-streams.js';
import type { Kernel } from '../kernel/simulation-clock.js';
import type { ClientSpec } from '../failures/failure-types.js';
import type { RunMetrics } from '../metrics/run-metrics.js';
import { Sequence } from '../replica/sequence.js';

/**
 * The clients in front of the cluster when attempts can fail: each request is sent, and sent again
 * after an error (its engine failed under it, or refused it) with exponential back-off and jitter,
 * up to maxRetries times; an attempt not finished within the timeout is abandoned (the server may
 * keep working on it, for nobody) and retried too. A request ends completed, or given up on:
 * 'failed-after-retries' or 'timed-out'. Every retry is counted once (metrics.failureWork.retried).
 */
export class Clients {
  private nextId: () => number;

  constructor(
    private readonly kernel: Kernel,
    private readonly spec: ClientSpec,
    private readonly jitter: RandomSource,
    private readonly metrics: RunMetrics,
    /** Routes and enqueues an attempt (refusals come back through onError). */
    private readonly send: (seq: Sequence) => void,
    nextId: () => number,
  ) {
    this.nextId = nextId;
  }

  /** A new attempt of a request: the same arrival, lengths and client, the next attempt number. */
  private attemptOf(prev: Sequence): Sequence {
    const seq = new Sequence(this.nextId(), prev.arrivalTime, prev.promptTokens, prev.outputTokens, prev.client);
    seq.attempt = prev.attempt + 1;
    seq.prefix = prev.prefix;
    seq.session = prev.session;
    return seq;
  }

  /** Sends an attempt and arms its timeout. */
  start(seq: Sequence): void {
    const handle = this.kernel.after(this.spec.timeoutSeconds, 'client-timeout', () => this.onTimeout(seq));
    seq.timeout = handle;
    this.send(seq);
  }

  /** The attempt finished: its timeout is disarmed. */
  onCompleted(seq: Sequence): void {
    if (seq.timeout !== null) this.kernel.cancel(seq.timeout);
    seq.timeout = null;
  }

  /** The attempt failed (lost with its engine, or refused): retry after back-off, or give up. */
  onError(seq: Sequence): void {
    if (seq.abandoned) return;
    if (seq.timeout !== null) this.kernel.cancel(seq.timeout);
    seq.timeout = null;
    seq.dead = true;
    this.retryOrGiveUp(seq, 'failed-after-retries');
  }

  private onTimeout(seq: Sequence): void {
    seq.timeout = null;
    if (seq.dead || seq.phase === 'done') return;
    seq.abandoned = true;
    // The server notices the closed connection and stops the request.
    seq.engine?.abort(seq);
    this.retryOrGiveUp(seq, 'timed-out');
  }

  private retryOrGiveUp(seq: Sequence, why: 'failed-after-retries' | 'timed-out'): void {
    if (seq.attempt > this.spec.maxRetries) {
      this.metrics.onClientGaveUp(seq, this.kernel.now, why);
      return;
    }
    // The OpenAI client's back-off: initial x 2^(retries so far), capped, times 1 - 0.25 U.
    const delay = Math.min(this.spec.backoffInitialSeconds * 2 ** (seq.attempt - 1), this.spec.backoffMaxSeconds) * (1 - 0.25 * this.jitter());
    const next = this.attemptOf(seq);
    this.kernel.after(delay, 'client-retry', () => this.start(next));
  }
}
