import type { EventHandle } from '../kernel/simulation-clock.js';
import type { PrefixChain, PrefixEntry } from './prefix-cache.js';

/** Where a request is inside a replica. */
export type SequencePhase = 'waiting' | 'prefill' | 'transferring' | 'decode' | 'done';

/**
 * One request in flight on a replica. Created at arrival and dropped at completion, so memory
 * follows the number of requests in flight, not the number simulated.
 *
 * While decoding, a sequence's position is kept relative to its replica's decode-step counter
 * (joinedAtStep, kvAtJoin, generatedAtJoin) instead of being updated every step: that keeps the
 * cost of a step independent of how many sequences it holds.
 */
export class Sequence {
  phase: SequencePhase = 'waiting';
  /** First time the scheduler gave it a slot (queue wait ends); -1 before. */
  scheduledAt = -1;
  firstTokenAt = -1;
  /** Time of its latest token while not decoding in lockstep (set at first token, rejoin, preemption). */
  lastTokenAt = -1;
  /** Tokens the current prefill must compute: the prompt, or prompt + generated after a preemption. */
  prefillTarget: number;
  prefillDone = 0;
  /** KV blocks held while prefilling (or reserved in full by static batching). */
  blocks = 0;
  /** Output tokens produced so far (authoritative outside the decode phase). */
  generated = 0;
  joinedAtStep = 0;
  kvAtJoin = 0;
  generatedAtJoin = 0;
  /** Bumped on every phase change; stale finish-heap entries carry an old epoch and are skipped. */
  epoch = 0;
  preemptions = 0;
  /**
   * Its KV cache arrived from a prefill engine (disaggregation): admission joins it straight to
   * the decoding set, no prefill.
   */
  kvReady = false;
  /** Lost in a failure (this attempt is over): events still in flight for it must do nothing. */
  dead = false;
  /** Which attempt of its client's request this is (1: the first; retries count up). */
  attempt = 1;
  /** Its client gave up on it (timeout); the server may still be working on it, for nothing. */
  abandoned = false;
  /** The engine it was last sent to (where an abort must go). */
  engine: { abort(seq: Sequence): void } | null = null;
  /** The client's timeout for this attempt, cancelled when it ends. */
  timeout: EventHandle | null = null;
  /** Its prompt's segment chain (prefix caching and prefix-aware routing); null: nothing in it is shared. */
  prefix: PrefixChain | null = null;
  /** The conversation it is a turn of (session-affinity routing); -1: none. */
  session = -1;
  /** Prefix-cache entries it holds while running (null until it holds one). */
  held: PrefixEntry[] | null = null;
  /** Of its KV blocks, those that are the prefix cache's (shared); the rest are its own. */
  sharedBlocks = 0;
  /** Segments of its chain whose computed blocks are cached (registration resumes there). */
  registeredSegments = 0;
  /** Prompt tokens served from the prefix cache at its first admission (-1 before it). */
  cachedTokens = -1;
  /** Neighbours in the replica's running list (admission order). */
  prev: Sequence | null = null;
  next: Sequence | null = null;

  constructor(
    readonly id: number,
    readonly arrivalTime: number,
    readonly promptTokens: number,
    readonly outputTokens: number,
    /** Closed-loop client that sent it, or -1. */
    readonly client: number,
  ) {
    this.prefillTarget = promptTokens;
  }
}
