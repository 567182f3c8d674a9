import type { EventHandle, Kernel, ReservedEvent } from '../kernel/simulation-clock.js';
import { PRIORITY } from '../kernel/event-queue.js';
import type { SchedulerKind } from '../scenario/scenario-types.js';
import type { StepBatch, StepTime, StepTimeModel } from '../step-time/step-time-model.js';
import { DecodeSet } from './decode-set.js';
import { blocksFor, KvBlockManager } from './kv-block-manager.js';
import { chainBlocks, PrefixCache, segmentEndBlock, startsWithOwnKey, type PrefixChain, type PrefixLookup } from './prefix-cache.js';
import type { Sequence } from './sequence.js';
import { RunningList, SequenceDeque } from './sequence-deque.js';
import { BATCH_POLICIES, type BatchPolicy } from './batch-policy.js';

export interface ReplicaConfig {
  scheduler: SchedulerKind;
  maxNumSeqs: number;
  maxNumBatchedTokens: number;
  enableChunkedPrefill: boolean;
  blockSize: number;
  kvBlocks: number;
  maxModelLen: number;
  /** Admission control: requests queued beyond this many are shed at arrival (SGLang's --max-queued-requests); null: no limit. */
  maxQueuedRequests?: number | null;
  /** vLLM's automatic prefix caching (continuous batching only): requests that carry a prefix chain reuse cached blocks. */
  enablePrefixCaching?: boolean;
}

/** What a replica tells the rest of the simulation. */
export interface ReplicaObserver {
  onScheduled(seq: Sequence, time: number): void;
  onFirstToken(seq: Sequence, time: number): void;
  onCompleted(seq: Sequence, time: number, replica: Replica): void;
  onDropped(seq: Sequence, time: number, reason: DropReason): void;
  onPreempted(seq: Sequence, time: number): void;
  /** Inter-token gaps: `count` tokens each produced `gapSeconds` after their sequence's previous one. */
  onTokenGaps(gapSeconds: number, count: number, time: number): void;
  /** A request sent to a failed engine (connection refused); optional, for clients that retry. */
  onRefused?(seq: Sequence, time: number, replica: Replica): void;
  /** A request shed by admission control (the queue was full). */
  onShed?(seq: Sequence, time: number): void;
  /** An abandoned request the engine stopped (its client hung up). */
  onAborted?(seq: Sequence, time: number): void;
  /** Prefix caching looked `seq`'s prompt up at admission: `queriedTokens` of it, `hitTokens` cached. */
  onPrefixLookup?(seq: Sequence, time: number, queriedTokens: number, hitTokens: number): void;
  /** `outputTokens`: the tokens the step generated (one per decoding sequence, one per finished prefill). */
  onStepEnd(replica: Replica, start: number, end: number, prefillTokens: number, decodeTokens: number, outputTokens: number): void;
}

const NO_HIT: PrefixLookup = { blocks: 0, evictableBlocks: 0, entries: [] };

/** What keeps a waiting request from joining the batch. */
export type AdmissionBlock = 'batchLimit' | 'tokenBudget' | 'kvMemory';

export type DropReason = 'exceeds-max-model-len' | 'exceeds-kv-capacity';

/** The step being run: which prefill chunks and whether decodes advance. Reused across steps. */
export class StepPlan {
  readonly prefillSeqs: Sequence[] = [];
  readonly prefillChunks: number[] = [];
  decodes = false;
  readonly batch: StepBatch = {
    prefillTokens: 0,
    prefillSeqs: 0,
    prefillAttentionPairs: 0,
    prefillContextTokens: 0,
    decodeSeqs: 0,
    decodeContextTokens: 0,
  };

  clear(): void {
    // Truncating an empty array is not free in V8; most steps have no prefill.
    if (this.prefillSeqs.length > 0) {
      this.prefillSeqs.length = 0;
      this.prefillChunks.length = 0;
    }
    this.decodes = false;
    const b = this.batch;
    b.prefillTokens = b.prefillSeqs = b.prefillAttentionPairs = b.prefillContextTokens = 0;
    b.decodeSeqs = b.decodeContextTokens = 0;
  }
}

/**
 * One model instance (a TP x PP group): a waiting queue, the running sequences, paged KV memory,
 * and a step loop. Each step the batch policy picks the work, the step-time model says how long
 * it takes, and at the step's end tokens appear and sequences finish.
 */
export class Replica {
  readonly waiting = new SequenceDeque();
  readonly running = new RunningList();
  /** Running sequences still prefilling, in admission order. */
  readonly prefilling: Sequence[] = [];
  readonly decoding: DecodeSet;
  readonly kv: KvBlockManager;
  /** Its prefix cache; null with caching off (or static batching, which reserves whole requests). */
  readonly prefixCache: PrefixCache | null;
  private readonly plan = new StepPlan();
  private readonly policy: BatchPolicy;
  private busy = false;
  private lastDecodeEnd = 0;
  private stepStart = 0;
  /** The time and make-up of the step running (or last run): traces read it in afterStep. */
  lastStepTime: StepTime | null = null;
  /** A planning event is pending at the current instant (see planAtEndOfInstant). */
  private planPending = false;
  /** One handler for every step end (no closure per step on the hot path). */
  private readonly onStepEnd = (): void => {
    this.endStep();
    this.endStepsInPlace();
  };
  /** A sequence whose last token the step just made (decode steps end at the kernel's now). */
  private readonly onDecodeFinished = (seq: Sequence): void => this.finish(seq, this.kernel.now);
  private readonly onPlan = (): void => {
    this.planPending = false;
    if (this.failed) return;
    if (this.busy) return;
    this.startStep();
    this.endStepsInPlace();
  };
  busySeconds = 0;
  /** Stepping time during which requests waited, by what kept them out. */
  readonly admissionBlocked: Record<AdmissionBlock, number> = { batchLimit: 0, tokenBudget: 0, kvMemory: 0 };
  /** Part of busySeconds spent in tensor-parallel communication. */
  communicationSeconds = 0;
  steps = 0;
  preemptions = 0;
  completedCount = 0;
  /**
   * Set on a prefill engine of a disaggregated deployment: `seq`'s prompt is computed and its KV
   * (still held here, until releaseKv) must move to a decode engine, which makes every output token.
   */
  onPrefilled: ((seq: Sequence, from: Replica, time: number) => void) | null = null;
  /**
   * Runs a step whose communication crosses the shared fabric: it is told the step's closed-form
   * time and batch, and calls endStepAfter once it knows when the step ends (its flows done).
   * Null: every step takes its closed-form time.
   */
  stepRunner: ((replica: Replica, time: StepTime, batch: Readonly<StepBatch>) => void) | null = null;
  /** Called after every step with the replica in its post-step state (audits, traces). */
  afterStep: ((replica: Replica, time: number, batch: Readonly<StepBatch>) => void) | null = null;

  constructor(
    readonly index: number,
    private readonly kernel: Kernel,
    readonly config: ReplicaConfig,
    private readonly stepModel: StepTimeModel,
    private readonly observer: ReplicaObserver,
  ) {
    this.kv = new KvBlockManager(config.kvBlocks);
    this.prefixCache = config.enablePrefixCaching === true && config.scheduler !== 'static' ? new PrefixCache(this.kv, config.blockSize) : null;
    this.decoding = new DecodeSet(config.blockSize, config.scheduler !== 'static');
    this.policy = BATCH_POLICIES[config.scheduler];
  }

  /** Requests whose KV is on its way here (disaggregation): routed, not yet landed. */
  incoming = 0;
  /** A prefill engine's hand-offs whose KV is still leaving it: lost with it if it fails. */
  readonly handingOff = new Set<Sequence>();
  /** Down (failed, not yet recovered): it holds nothing, runs no step, refuses what it is sent. */
  failed = false;
  /** False from a failure's detection (or passive ejection) until it has recovered. */
  healthy = true;
  /** False while an autoscaler keeps it out of service (scaled down, or not yet provisioned). */
  inService = true;

  /** Whether the router sends to it: healthy as far as the checks know, and in service. */
  get routable(): boolean {
    return this.healthy && this.inService;
  }
  /** Abandoned requests (their client timed out) to stop at the next step: the server noticed the disconnect. */
  private readonly aborts: Sequence[] = [];
  /** Refusals in a row after which the router ejects it (passive health checking); 0: never. */
  ejectAfterRefusals = 0;
  private refusals = 0;
  /** Speed as a fraction of normal: a straggler GPU slows its whole group's steps. */
  speed = 1;
  /** The step-end event of the running step (timer path), so a failure can cancel it. */
  private stepEvent: EventHandle | null = null;
  /** The running step's end, its place in the event order taken, not yet fired or queued. */
  private pendingEnd: ReservedEvent | null = null;
  /** Bumped at every failure: a step started before it must not end after it. */
  private life = 0;
  private stepLife = 0;

  /** Prompt blocks of the requests waiting here (a router's view of the work queued). */
  private queuedBlocks = 0;

  private queue(seq: Sequence, front: boolean): void {
    this.queuedBlocks += blocksFor(seq.prefillTarget, this.config.blockSize);
    if (front) this.waiting.pushFront(seq);
    else this.waiting.pushBack(seq);
  }

  private dequeue(): Sequence {
    const seq = this.waiting.popFront()!;
    this.queuedBlocks -= blocksFor(seq.prefillTarget, this.config.blockSize);
    return seq;
  }

  /** KV blocks in use plus those its waiting prompts need: Dynamo's "active blocks" of a worker. */
  get activeBlocks(): number {
    return this.kv.used + this.queuedBlocks;
  }

  /** Blocks of `request`'s prompt its prefix cache holds now (a KV-aware router's overlap). */
  cachedBlocksOf(request: { promptTokens: number; prefix: PrefixChain | null }): number {
    return this.prefixCache === null || request.prefix === null ? 0 : this.prefixCache.overlapBlocks(request.prefix, request.promptTokens);
  }

  /** Requests routed here and not yet finished (those whose KV is still moving here included). */
  get outstanding(): number {
    return this.waiting.length + this.running.length + this.incoming;
  }

  /** When the step running (or last run) started. */
  get stepStartedAt(): number {
    return this.stepStart;
  }

  get isBusy(): boolean {
    return this.busy || this.planPending;
  }

  /**
   * Takes a new request: queues it and starts stepping if idle (true), or drops it if it can never
   * run (false).
   */
  enqueue(seq: Sequence): boolean {
    const now = this.kernel.now;
    if (this.failed) {
      this.refuse(seq, now);
      return false;
    }
    if (seq.promptTokens + seq.outputTokens > this.config.maxModelLen) {
      this.observer.onDropped(seq, now, 'exceeds-max-model-len');
      return false;
    }
    if (blocksFor(seq.promptTokens + seq.outputTokens, this.config.blockSize) > this.kv.capacity - this.kv.watermarkBlocks) {
      this.observer.onDropped(seq, now, 'exceeds-kv-capacity');
      return false;
    }
    const limit = this.config.maxQueuedRequests;
    if (limit !== undefined && limit !== null && this.waiting.length >= limit) {
      // Shed at the door (HTTP 503): cheaper than queueing work that will miss its SLO anyway.
      this.observer.onShed?.(seq, now);
      return false;
    }
    seq.engine = this;
    this.queue(seq, false);
    if (!this.busy) this.planAtEndOfInstant();
    return true;
  }

  /**
   * A decode engine takes a request whose KV has just landed (disaggregation): it waits for a slot
   * and blocks like any request, then joins the decoding set without prefilling. False (dropped)
   * when its prompt and output could never fit this engine's KV cache.
   */
  acceptWithKv(seq: Sequence): boolean {
    const now = this.kernel.now;
    if (this.failed) {
      this.refuse(seq, now);
      return false;
    }
    if (blocksFor(seq.promptTokens + seq.outputTokens, this.config.blockSize) > this.kv.capacity - this.kv.watermarkBlocks) {
      this.observer.onDropped(seq, now, 'exceeds-kv-capacity');
      return false;
    }
    seq.kvReady = true;
    seq.phase = 'waiting';
    seq.engine = this;
    this.queue(seq, false);
    if (!this.busy) this.planAtEndOfInstant();
    return true;
  }

  /** Frees the KV blocks a handed-off sequence held here once it has moved. */
  releaseKv(seq: Sequence): void {
    this.handingOff.delete(seq);
    this.releaseBlocks(seq, seq.blocks, 0);
    seq.blocks = 0;
    if (!this.busy && this.waiting.length > 0) this.planAtEndOfInstant();
  }

  /**
   * Plans the next step once everything else at this instant has happened, as a serving engine's
   * loop drains its input queue before it schedules: requests that arrive together (a closed loop's
   * clients at t = 0, a trace burst sharing a timestamp) are seen together, and a static batch
   * holds all of them instead of the first alone. One LATE event per idle wake-up, none per step
   * unless another event shares the step's end instant.
   */
  private planAtEndOfInstant(): void {
    if (this.planPending) return;
    this.planPending = true;
    this.kernel.after(0, 'plan-step', this.onPlan, PRIORITY.LATE);
  }

  // ---- mechanics the batch policies use ----

  /** What the prefix cache holds of `seq`'s prompt (nothing without a cache or a chain). Pure. */
  cachedPrefix(seq: Sequence): PrefixLookup {
    return this.prefixCache === null || seq.prefix === null ? NO_HIT : this.prefixCache.lookup(seq.prefix, seq.prefillTarget);
  }

  /**
   * Moves the front waiting sequence into the running set; `hit` (its cachedPrefix) is what it
   * takes from the prefix cache: its prefill starts after those blocks.
   */
  admitFront(hit: PrefixLookup = NO_HIT): Sequence {
    const seq = this.dequeue();
    if (seq.scheduledAt < 0) {
      seq.scheduledAt = this.kernel.now;
      this.observer.onScheduled(seq, this.kernel.now);
    }
    seq.phase = 'prefill';
    seq.prefillDone = 0;
    const cache = this.prefixCache;
    if (cache !== null && seq.prefix !== null) {
      // Counted as the workload's prompts are: a chain of its own only (blocks a preempted request
      // left cached for its recompute) is not a prompt the workload shares.
      const chain = seq.prefix;
      if (!startsWithOwnKey(chain)) {
        cache.count(seq.prefillTarget, hit.blocks);
        this.observer.onPrefixLookup?.(seq, this.kernel.now, seq.prefillTarget, hit.blocks * this.config.blockSize);
        if (seq.cachedTokens < 0) {
          seq.cachedTokens = hit.blocks * this.config.blockSize;
          cache.counters.requests++;
          cache.counters.requestCachedTokens += seq.cachedTokens;
        }
      }
      seq.held = hit.entries.slice();
      seq.registeredSegments = 0;
      cache.hold(hit.entries);
      seq.prefillDone = hit.blocks * this.config.blockSize;
      seq.blocks = hit.blocks;
      seq.sharedBlocks = hit.blocks;
    }
    this.running.append(seq);
    this.prefilling.push(seq);
    return seq;
  }

  /**
   * Joins the waiting requests whose KV has landed to the decoding set, first come first served,
   * while a slot and their blocks (above the watermark) are free. Runs before a step's decodes are
   * scheduled so they decode in it.
   */
  admitReady(): void {
    this.discardDeadFront();
    while (this.running.length < this.config.maxNumSeqs && this.waiting.length > 0) {
      const next = this.waiting.peekFront()!;
      if (!next.kvReady) return;
      const blocks = blocksFor(next.prefillTarget, this.config.blockSize);
      if (!this.kv.canAdmit(blocks)) return;
      const seq = this.dequeue();
      seq.kvReady = false;
      this.kv.allocate(blocks);
      this.running.append(seq);
      this.decoding.add(seq, seq.prefillTarget, seq.generated);
    }
  }

  /** Adds a prefill chunk of `tokens` for `seq` to the step, allocating its KV blocks. */
  schedulePrefill(seq: Sequence, tokens: number, blocks: number): void {
    this.kv.allocate(blocks);
    seq.blocks += blocks;
    const p = seq.prefillDone;
    const b = this.plan.batch;
    b.prefillTokens += tokens;
    b.prefillSeqs++;
    b.prefillAttentionPairs += tokens * p + (tokens * (tokens + 1)) / 2;
    b.prefillContextTokens += p;
    this.plan.prefillSeqs.push(seq);
    this.plan.prefillChunks.push(tokens);
  }

  /** Blocks a chunk of `tokens` more prefill needs for `seq`. */
  blocksForChunk(seq: Sequence, tokens: number): number {
    return blocksFor(seq.prefillDone + tokens, this.config.blockSize) - seq.blocks;
  }

  /** Allocates the next decode step's blocks, preempting from the tail until they fit. */
  scheduleDecodes(): void {
    let due = this.decoding.blocksDueNextStep();
    while (due > this.kv.free && this.running.tail !== null) {
      this.preempt(this.running.tail);
      due = this.decoding.blocksDueNextStep();
    }
    if (this.decoding.count === 0) return;
    this.kv.allocate(due);
    this.plan.decodes = true;
    this.plan.batch.decodeSeqs = this.decoding.count;
    // Each sequence attends over its cache plus the token it is adding.
    this.plan.batch.decodeContextTokens = this.decoding.kvTokens + this.decoding.count;
  }

  /**
   * Preemption by recompute: free its KV and put it at the front of the queue to prefill again.
   * With prefix caching its whole blocks stay cached (vLLM frees a preempted request's blocks into
   * the cache like any other), under a key of its own its recompute looks up first: what survives
   * eviction until then is not computed again.
   */
  preempt(seq: Sequence): void {
    this.running.remove(seq);
    if (seq.phase === 'decode') {
      // Its last token came at the last decode step, unless it joined after that step.
      seq.lastTokenAt = Math.max(seq.lastTokenAt, this.lastDecodeEnd);
      const held = this.decoding.blocksOf(seq);
      const kvTokens = this.decoding.kvTokensOf(seq);
      seq.generated = this.decoding.remove(seq);
      this.releasePreempted(seq, held, kvTokens);
      // Recompute covers the prompt and every token generated so far.
      seq.prefillTarget = seq.promptTokens + seq.generated;
    } else {
      const i = this.prefilling.indexOf(seq);
      if (i >= 0) this.prefilling.splice(i, 1);
      this.releasePreempted(seq, seq.blocks, seq.prefillDone);
    }
    seq.blocks = 0;
    seq.prefillDone = 0;
    seq.phase = 'waiting';
    seq.preemptions++;
    this.preemptions++;
    this.queue(seq, true);
    this.observer.onPreempted(seq, this.kernel.now);
  }

  // ---- the step loop ----

  private startStep(): void {
    const plan = this.plan;
    plan.clear();
    if (this.aborts.length > 0) this.applyAborts();
    this.policy(this, plan);
    // Stored every step, so going idle runs no store V8 has not seen (see batch-policy's continuous).
    this.busy = plan.batch.prefillTokens > 0 || plan.batch.decodeSeqs > 0;
    if (!this.busy) return;
    const time = this.stepModel.stepTime(plan.batch);
    this.lastStepTime = time;
    this.communicationSeconds += time.layers * time.perLayer.communicationSeconds;
    if (this.waiting.length > 0) this.admissionBlocked[this.blockedBy()] += time.stepSeconds;
    this.stepStart = this.kernel.now;
    this.stepLife = this.life;
    // A straggler's step takes 1/speed as long; at full speed the time is untouched (bit for bit).
    const seconds = this.speed === 1 ? time.stepSeconds : time.stepSeconds / this.speed;
    if (this.stepRunner === null) this.pendingEnd = this.kernel.reserve(this.kernel.now + seconds, 'step-end', this.onStepEnd, PRIORITY.COMPLETION);
    else this.stepRunner(this, this.speed === 1 ? time : { ...time, stepSeconds: seconds }, plan.batch);
  }

  /**
   * Ends the steps planned, one after another, for as long as each end is the kernel's next event
   * (nothing else can happen before it); the first that is not is queued like any event. Most
   * steps of a replica end this way: the order of events, and so every result, is the queue's.
   */
  private endStepsInPlace(): void {
    while (this.pendingEnd !== null) {
      const end = this.pendingEnd;
      this.pendingEnd = null;
      if (!this.kernel.fireInPlace(end)) {
        this.stepEvent = this.kernel.queueReserved(end);
        return;
      }
      this.endStep();
    }
  }

  /** Ends the running step `delay` seconds from now (a step runner's answer); ignored if the engine failed meanwhile. */
  endStepAfter(delay: number): void {
    if (this.failed || this.stepLife !== this.life) return;
    this.stepEvent = this.kernel.after(delay, 'step-end', this.onStepEnd, PRIORITY.COMPLETION);
  }

  /**
   * The engine fails: its running step is cancelled, every request it held (waiting, running,
   * prefilling, decoding) is lost with its KV, and it refuses what it is sent until recover().
   * Returns the lost requests, in queue then admission order (KV hand-offs it was sending are the
   * caller's: their blocks go with the rest).
   */
  fail(): Sequence[] {
    this.failed = true;
    this.life++;
    if (this.stepEvent !== null) this.kernel.cancel(this.stepEvent);
    this.stepEvent = null;
    this.pendingEnd = null;
    this.busy = false;
    const lost = [...this.waiting.drain(), ...this.running.drain(), ...this.handingOff];
    this.queuedBlocks = 0;
    this.handingOff.clear();
    this.prefilling.length = 0;
    this.decoding.clear();
    this.prefixCache?.clear();
    this.kv.releaseAll();
    this.plan.clear();
    for (const seq of lost) {
      seq.phase = 'done';
      seq.blocks = 0;
      seq.held = null;
      seq.sharedBlocks = 0;
      seq.dead = true;
    }
    return lost;
  }

  /**
   * The client of `seq` hung up: a waiting request is skipped when it reaches the front, a running
   * one is stopped before the next step (vLLM aborts a request whose connection closed), its KV freed.
   */
  abort(seq: Sequence): void {
    if (seq.phase === 'waiting') {
      seq.dead = true;
      return;
    }
    if (seq.phase === 'prefill' || seq.phase === 'decode') this.aborts.push(seq);
  }

  /** Drops requests from the front of the queue whose clients are gone. */
  discardDeadFront(): void {
    while (this.waiting.length > 0 && this.waiting.peekFront()!.dead) this.dequeue();
  }

  private applyAborts(): void {
    for (const seq of this.aborts) {
      if (seq.phase === 'decode') {
        const held = this.decoding.blocksOf(seq);
        this.decoding.remove(seq);
        this.releaseBlocks(seq, held, 0);
      } else if (seq.phase === 'prefill') {
        const i = this.prefilling.indexOf(seq);
        if (i >= 0) this.prefilling.splice(i, 1);
        this.releaseBlocks(seq, seq.blocks, 0);
      } else {
        continue;
      }
      this.running.remove(seq);
      seq.blocks = 0;
      seq.phase = 'done';
      seq.dead = true;
      this.observer.onAborted?.(seq, this.kernel.now);
    }
    this.aborts.length = 0;
  }

  /** Back up after recovery: empty, ready for requests. */
  recover(): void {
    this.failed = false;
    this.speed = 1;
    this.refusals = 0;
  }

  /** Connection refused (it is down); enough in a row and the router's passive check ejects it. */
  private refuse(seq: Sequence, now: number): void {
    this.refusals++;
    if (this.ejectAfterRefusals > 0 && this.refusals >= this.ejectAfterRefusals) this.healthy = false;
    this.observer.onRefused?.(seq, now, this);
  }

  /**
   * Why the step just planned left requests waiting: every sequence slot taken, the token budget
   * spent, or (neither) KV blocks short of the admission watermark.
   */
  private blockedBy(): AdmissionBlock {
    const { maxNumSeqs, maxNumBatchedTokens, scheduler } = this.config;
    if (this.running.length >= maxNumSeqs || (scheduler === 'static' && this.running.length > 0)) return 'batchLimit';
    const b = this.plan.batch;
    const used = b.prefillTokens + b.decodeSeqs;
    // Chunked prefill admits any chunk that fits the budget left; without it a whole prompt must
    // fit a prefill step (a decode step with requests waiting means they could not be admitted).
    const budgetSpent = this.config.enableChunkedPrefill
      ? used >= maxNumBatchedTokens
      : b.prefillSeqs > 0 && used + this.waiting.peekFront()!.prefillTarget > maxNumBatchedTokens;
    return budgetSpent ? 'tokenBudget' : 'kvMemory';
  }

  private endStep(): void {
    const now = this.kernel.now;
    const start = this.stepStart;
    const plan = this.plan;
    this.steps++;
    this.busySeconds += now - start;
    const decodeTokens = plan.batch.decodeSeqs;
    if (plan.decodes) {
      const decoding = this.decoding;
      const rejoined = decoding.joinedSinceLastStep;
      let individually = 0;
      // Indexed, not for-of: most steps have no one rejoining, and an iterator is not free before
      // V8 has optimised this.
      for (let i = 0; i < rejoined.length; i++) {
        const seq = rejoined[i]!;
        if (seq.phase !== 'decode') continue;
        individually++;
        if (seq.firstTokenAt < 0) {
          // Its KV came from a prefill engine: this step made its first token.
          seq.firstTokenAt = now;
          seq.lastTokenAt = now;
          this.observer.onFirstToken(seq, now);
        } else {
          this.observer.onTokenGaps(now - seq.lastTokenAt, 1, now);
        }
      }
      this.observer.onTokenGaps(now - this.lastDecodeEnd, decodeTokens - individually, now);
      this.lastDecodeEnd = now;
      decoding.advance(this.onDecodeFinished);
    }
    let outputTokens = decodeTokens;
    for (let i = 0; i < plan.prefillSeqs.length; i++) {
      const seq = plan.prefillSeqs[i]!;
      seq.prefillDone += plan.prefillChunks[i]!;
      if (seq.held !== null) this.cacheComputed(seq);
      if (seq.prefillDone < seq.prefillTarget) continue;
      this.prefilling.splice(this.prefilling.indexOf(seq), 1);
      if (this.onPrefilled !== null && seq.firstTokenAt < 0) {
        // Disaggregated prefill: the decode engine makes the first token once the KV has moved.
        this.running.remove(seq);
        seq.phase = 'transferring';
        this.handingOff.add(seq);
        this.onPrefilled(seq, this, now);
        continue;
      }
      seq.generated++;
      outputTokens++;
      if (seq.firstTokenAt < 0) {
        seq.firstTokenAt = now;
        this.observer.onFirstToken(seq, now);
      } else {
        // Recompute after a preemption ends with a new token; its gap includes the stall.
        this.observer.onTokenGaps(now - seq.lastTokenAt, 1, now);
      }
      seq.lastTokenAt = now;
      if (seq.generated >= seq.outputTokens) this.finish(seq, now);
      else this.decoding.add(seq, seq.prefillTarget, seq.generated);
    }
    const prefillTokens = plan.batch.prefillTokens;
    this.afterStep?.(this, now, plan.batch);
    // Plan the next step now unless more happens at this instant (an arrival, a closed-loop client
    // sending again, another replica's step end): then plan after it, so the step sees it. Planning
    // first lets the observer see the levels the coming step runs with.
    if (this.kernel.moreAtThisInstant) {
      this.busy = false;
      this.planAtEndOfInstant();
    } else {
      this.startStep();
    }
    this.observer.onStepEnd(this, start, now, prefillTokens, decodeTokens, outputTokens);
  }

  /**
   * The whole blocks `seq`'s prefill has computed become its segments' cached blocks, segment by
   * segment in chain order (from the first it has not finished caching).
   */
  private cacheComputed(seq: Sequence): void {
    const chain = seq.prefix!;
    const cache = this.prefixCache!;
    const computed = Math.floor(seq.prefillDone / this.config.blockSize);
    const held = seq.held!;
    for (let i = seq.registeredSegments; i < chain.keys.length; i++) {
      seq.sharedBlocks += cache.register(chain, i, computed, held);
      if (segmentEndBlock(chain, i, this.config.blockSize) > computed) break;
      seq.registeredSegments = i + 1;
    }
  }

  /**
   * Releases the `total` KV blocks `seq` holds: its own blocks free, the prefix-cache entries it
   * holds become evictable once nobody holds them. `kvTokens` > 0 (a finished request): the whole
   * blocks of its remainder (prompt after the chain, and output) stay cached under its chain's
   * continuation, for the next turn of its conversation.
   */
  private releaseBlocks(seq: Sequence, total: number, kvTokens: number): void {
    const held = seq.held;
    if (held === null) {
      this.kv.release(total);
      return;
    }
    const chain = seq.prefix!;
    const bs = this.config.blockSize;
    const tail = kvTokens > 0 ? Math.max(0, Math.min(Math.floor(kvTokens / bs) - chainBlocks(chain, bs), total - seq.sharedBlocks)) : 0;
    this.kv.release(total - seq.sharedBlocks - tail);
    this.prefixCache!.release(held, chain.continuation, tail);
    seq.held = null;
    seq.sharedBlocks = 0;
  }

  /**
   * Releases a preempted sequence's `total` blocks; with a cache, the whole blocks of its first
   * `kvTokens` beyond its chain are cached under a key of its own, added to its chain. Not for a
   * conversation's turn (its remainder's key is the next turn's, from the chain's end: a split there
   * would misname blocks).
   */
  private releasePreempted(seq: Sequence, total: number, kvTokens: number): void {
    const cache = this.prefixCache;
    const chain = seq.prefix;
    if (cache === null || (chain !== null && chain.continuation !== -1)) {
      this.releaseBlocks(seq, total, 0);
      return;
    }
    const bs = this.config.blockSize;
    const own = Math.floor(kvTokens / bs) - (chain === null ? 0 : chainBlocks(chain, bs));
    if (own <= 0) {
      this.releaseBlocks(seq, total, 0);
      return;
    }
    const key = cache.ownKey();
    const keys = chain === null ? Int32Array.of(key) : Int32Array.from([...chain.keys, key]);
    const ends = chain === null ? Int32Array.of(own * bs) : Int32Array.from([...chain.ends, Math.floor(kvTokens / bs) * bs]);
    if (seq.held === null) {
      // It held nothing cached (no chain before): its blocks are all its own.
      seq.held = [];
      seq.sharedBlocks = 0;
    }
    seq.prefix = { keys, ends, continuation: -1 };
    const ownBlocks = Math.min(own, total - seq.sharedBlocks);
    this.kv.release(total - seq.sharedBlocks - ownBlocks);
    cache.release(seq.held, key, ownBlocks);
    seq.held = null;
    seq.sharedBlocks = 0;
  }

  private finish(seq: Sequence, now: number): void {
    const decoding = seq.phase === 'decode';
    const held = decoding ? this.decoding.blocksOf(seq) : seq.blocks;
    this.releaseBlocks(seq, held, decoding ? this.decoding.kvTokensOf(seq) : seq.prefillDone);
    this.running.remove(seq);
    seq.phase = 'done';
    this.completedCount++;
    this.observer.onCompleted(seq, now, this);
  }
}
