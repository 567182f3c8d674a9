import { PrefixCacheSeries } from './prefix-cache-summary.js';
import type { Scenario } from '../scenario/scenario-types.js';
import { enginesPerReplica } from '../scenario/deployment.js';
import type { DropReason, Replica, ReplicaObserver } from '../replica/replica.js';
import type { Sequence } from '../replica/sequence.js';
import { LatencySummary } from './latency-summary.js';
import { perRequestTargets, type PerRequestTargets } from './slo-targets.js';
import { TimeSeries } from './time-series.js';
import type { IntervalHistograms } from './interval-histograms.js';

/** What per-interval histograms can observe (seconds, or tokens for the two lengths). */
export type RequestHistogramMetric = 'ttft' | 'itl' | 'tpot' | 'e2e' | 'queueWait' | 'prefill' | 'decode' | 'promptTokens' | 'outputTokens';

/** Bounded resolution of every time series in a result. */
export const TIME_SERIES_BUCKETS = 240;

/**
 * Engines past which series are kept for the whole cluster only: per-engine series would make
 * memory and the result grow with the cluster (200,000 replicas held 1.5 GB of them).
 */
export const PER_ENGINE_DETAIL_LIMIT = 1024;

/** The series kept per replica. */
export interface ReplicaSeries {
  queueDepth: TimeSeries;
  running: TimeSeries;
  kvOccupancy: TimeSeries;
  tokens: TimeSeries;
  outputTokens: TimeSeries;
  completions: TimeSeries;
}

function newReplicaSeries(): ReplicaSeries {
  const make = () => new TimeSeries(TIME_SERIES_BUCKETS, 0.25);
  return { queueDepth: make(), running: make(), kvOccupancy: make(), tokens: make(), outputTokens: make(), completions: make() };
}

/**
 * Everything a run measures, as streaming summaries: memory depends on the number of replicas
 * and the series resolution, never on the number of requests.
 */
export class RunMetrics implements ReplicaObserver {
  arrived = 0;
  completed = 0;
  preempted = 0;
  readonly droppedByReason: Record<DropReason, number> = { 'exceeds-max-model-len': 0, 'exceeds-kv-capacity': 0 };
  inputTokensCompleted = 0;
  outputTokensCompleted = 0;
  attained = 0;
  lastCompletion = 0;
  readonly ttft = new LatencySummary();
  readonly tpot = new LatencySummary();
  readonly itl = new LatencySummary();
  readonly e2e = new LatencySummary();
  readonly queueWait = new LatencySummary();
  /** Arrival to first token and to last token at the engine, before the API server's share. */
  readonly engineTtft = new LatencySummary();
  readonly engineE2e = new LatencySummary();
  /**
   * First scheduling to last token at the engine: how long a stable system takes to finish what it
   * admits, which sets how far its completions trail its arrivals after a cold start.
   */
  readonly service = new LatencySummary();
  /** Disaggregation: each prompt's KV hand-off, prefill done to KV landed, and the bytes moved. */
  readonly kvTransfer = new LatencySummary();
  kvTransferBytes = 0;
  /** The API server's share of what a client measures (scenario serving.frontendOverhead). */
  private readonly perRequest: number;
  private readonly perToken: number;
  /**
   * One set per engine, or (past PER_ENGINE_DETAIL_LIMIT engines) a single set for the cluster:
   * queue and running summed, KV occupancy averaged over the engines.
   */
  readonly series: ReplicaSeries[];
  /** Whether `series` holds one set per engine. */
  readonly detailed: boolean;
  /** Cluster mode: each engine's last levels and its time-weighted KV area (for its mean). */
  private readonly levels: { queue: Float64Array; running: Float64Array; kv: Float64Array; kvArea: Float64Array; since: Float64Array } | null;
  private readonly sums = { queue: 0, running: 0, kv: 0 };
  private readonly engines: number;
  /**
   * Cluster-wide amounts, bucketed like the series: what the steady-window throughput and goodput
   * are read from beside the replicas' completion and output-token series (prompt tokens completed,
   * the requests that attained the SLO), and what was offered inside the same window (arrivals, and the
   * accepted ones, not dropped, with their prompt and output tokens: what a deployment that keeps
   * up carries).
   */
  readonly offeredAndDone = {
    arrivals: new TimeSeries(TIME_SERIES_BUCKETS, 0.25),
    inputTokens: new TimeSeries(TIME_SERIES_BUCKETS, 0.25),
    attained: new TimeSeries(TIME_SERIES_BUCKETS, 0.25),
    accepted: new TimeSeries(TIME_SERIES_BUCKETS, 0.25),
    acceptedInputTokens: new TimeSeries(TIME_SERIES_BUCKETS, 0.25),
    acceptedOutputTokens: new TimeSeries(TIME_SERIES_BUCKETS, 0.25),
  };
  readonly completedByReplica: number[];
  private readonly targets: PerRequestTargets | null;
  /**
   * Called when a request leaves the system (completed or dropped), with the time its client has
   * the whole answer (or the error): the closed loop listens.
   */
  onRequestDone: ((seq: Sequence, clientTime: number) => void) | null = null;
  /**
   * Per-interval histograms, when a caller asked for them (Prometheus export): off by default, so
   * a plain run pays nothing for them.
   */
  histograms: IntervalHistograms<RequestHistogramMetric> | null = null;
  /** Called when a request completes (with its replica) or is dropped (with why): traces listen. */
  onRequestEnd: ((seq: Sequence, time: number, replica: Replica | null, dropped: DropReason | null) => void) | null = null;

  constructor(scenario: Scenario) {
    const n = scenario.serving.replicas * enginesPerReplica(scenario);
    this.engines = n;
    this.detailed = n <= PER_ENGINE_DETAIL_LIMIT;
    this.series = Array.from({ length: this.detailed ? n : 1 }, newReplicaSeries);
    const zeros = () => new Float64Array(this.detailed ? 0 : n);
    this.levels = this.detailed ? null : { queue: zeros(), running: zeros(), kv: zeros(), kvArea: zeros(), since: zeros() };
    this.completedByReplica = new Array<number>(n).fill(0);
    this.targets = scenario.slo === null ? null : perRequestTargets(scenario.slo);
    this.perRequest = scenario.serving.frontendOverhead.perRequest;
    this.perToken = scenario.serving.frontendOverhead.perOutputToken;
  }

  /** When the client has the whole response of `seq`, which the engine finished at `time`. */
  clientDoneAt(seq: Sequence, time: number): number {
    return time + this.perRequest + this.perToken * Math.max(0, seq.outputTokens - 1);
  }

  /** Where an attempt's error goes (the clients, when attempts can fail), and its completion. */
  onAttemptError: ((seq: Sequence) => void) | null = null;
  onAttemptDone: ((seq: Sequence) => void) | null = null;

  /** Requests shed by admission control for good (no client to retry, or its retries spent). */
  shed = 0;
  /** Shed attempts, retried or not. */
  shedAttempts = 0;

  /** Admission control turned it away: its client retries (when attempts can fail), else it is dropped. */
  onShed(seq: Sequence, time: number): void {
    this.shedAttempts++;
    if (this.onAttemptError !== null) {
      this.onAttemptError(seq);
      return;
    }
    this.shed++;
    this.onRequestDone?.(seq, time + this.perRequest);
    this.onRequestEnd?.(seq, time, null, null);
  }

  /** Sent to a failed engine before the health check noticed: connection refused. */
  onRefused(seq: Sequence): void {
    this.failureWork.refused++;
    this.onAttemptError?.(seq);
  }

  /** Lost in flight with an engine that failed. */
  onLost(seq: Sequence): void {
    this.failureWork.lostInFlight++;
    this.onAttemptError?.(seq);
  }

  /** Requests whose client gave up (clients with failures): errors past their retries, or timed out. */
  readonly clientEnds = { 'failed-after-retries': 0, 'timed-out': 0 };
  /** Failure accounting (survivability): attempts lost in flight, refused, retried; work done twice or for nothing. */
  readonly failureWork = { lostInFlight: 0, refused: 0, retried: 0, reprefillTokens: 0, abandonedCompleted: 0, abandonedOutputTokens: 0, aborted: 0 };

  /** An abandoned attempt the engine stopped. */
  onAborted(): void {
    this.failureWork.aborted++;
  }

  get dropped(): number {
    return this.droppedByReason['exceeds-max-model-len'] + this.droppedByReason['exceeds-kv-capacity'] + this.clientEnds['failed-after-retries'] + this.clientEnds['timed-out'] + this.shed;
  }

  /** A client gave up on its request for good. */
  onClientGaveUp(seq: Sequence, time: number, why: 'failed-after-retries' | 'timed-out'): void {
    this.clientEnds[why]++;
    this.onRequestDone?.(seq, time);
    this.onRequestEnd?.(seq, time, null, null);
  }

  lastArrival = 0;

  /** After a request was routed to `replica` (and possibly admitted at once), or dropped there (not accepted). */
  onArrival(replica: Replica, time: number, seq: Sequence, accepted: boolean): void {
    if (seq.attempt > 1) {
      // A retry: the request arrived once already; it only adds load.
      this.failureWork.retried++;
      // Its prompt is prefilled again from scratch: the amplification a retry costs.
      this.failureWork.reprefillTokens += seq.promptTokens;
      this.setLevels(replica, time, null);
      return;
    }
    this.arrived++;
    this.lastArrival = time;
    const c = this.offeredAndDone;
    c.arrivals.addAmount(time, 1);
    if (accepted) {
      c.accepted.addAmount(time, 1);
      c.acceptedInputTokens.addAmount(time, seq.promptTokens);
      c.acceptedOutputTokens.addAmount(time, seq.outputTokens);
    }
    this.setLevels(replica, time, null);
  }

  /** The series set `replica` adds to. */
  private seriesOf(replica: Replica): ReplicaSeries {
    return this.series[this.detailed ? replica.index : 0]!;
  }

  /** Records a replica's queue and running levels (and its KV occupancy, when given) at `time`. */
  private setLevels(replica: Replica, time: number, kv: number | null): void {
    const s = this.seriesOf(replica);
    const L = this.levels;
    if (L === null) {
      s.queueDepth.setLevel(time, replica.waiting.length);
      s.running.setLevel(time, replica.running.length);
      if (kv !== null) s.kvOccupancy.setLevel(time, kv);
      return;
    }
    const i = replica.index;
    const sums = this.sums;
    sums.queue += replica.waiting.length - L.queue[i]!;
    L.queue[i] = replica.waiting.length;
    sums.running += replica.running.length - L.running[i]!;
    L.running[i] = replica.running.length;
    s.queueDepth.setLevel(time, sums.queue);
    s.running.setLevel(time, sums.running);
    if (kv !== null) {
      L.kvArea[i] = L.kvArea[i]! + L.kv[i]! * (time - L.since[i]!);
      L.since[i] = time;
      sums.kv += kv - L.kv[i]!;
      L.kv[i] = kv;
      s.kvOccupancy.setLevel(time, sums.kv / this.engines);
    }
  }

  /** An engine's mean KV occupancy over [0, end], in cluster mode (detailed mode reads its series). */
  kvOccupancyMeanOf(index: number, end: number): number {
    const L = this.levels;
    if (L === null || end <= 0) return 0;
    return (L.kvArea[index]! + L.kv[index]! * (end - L.since[index]!)) / end;
  }

  /** Queue wait as the client sees it: the API server's intake (perRequest) plus the engine's queue. */
  /**
   * With failures an attempt can be lost after its first token, and its retry scheduled again: the
   * request's queue wait and TTFT are then its completing attempt's, recorded at completion.
   */
  attemptsCanFail = false;

  onScheduled(seq: Sequence, time: number): void {
    if (!this.attemptsCanFail) this.queueWait.record(time - seq.arrivalTime + this.perRequest);
    this.histograms?.record('queueWait', time, time - seq.arrivalTime + this.perRequest);
  }

  onFirstToken(seq: Sequence, time: number): void {
    if (!this.attemptsCanFail) {
      this.engineTtft.record(time - seq.arrivalTime);
      this.ttft.record(time - seq.arrivalTime + this.perRequest);
    }
    const h = this.histograms;
    if (h !== null) {
      h.record('ttft', time, time - seq.arrivalTime + this.perRequest);
      h.record('prefill', time, time - seq.scheduledAt);
    }
  }

  onCompleted(seq: Sequence, time: number, replica: Replica): void {
    this.onAttemptDone?.(seq);
    if (seq.abandoned) {
      // Its client timed out and moved on: the server finished it for nobody.
      this.failureWork.abandonedCompleted++;
      this.failureWork.abandonedOutputTokens += seq.outputTokens;
      return;
    }
    this.completed++;
    if (this.attemptsCanFail) {
      this.queueWait.record(seq.scheduledAt - seq.arrivalTime + this.perRequest);
      this.engineTtft.record(seq.firstTokenAt - seq.arrivalTime);
      this.ttft.record(seq.firstTokenAt - seq.arrivalTime + this.perRequest);
    }
    this.seriesOf(replica).completions.addAmount(time, 1);
    this.lastCompletion = time;
    this.inputTokensCompleted += seq.promptTokens;
    this.outputTokensCompleted += seq.outputTokens;
    // As the client sees them: the API server's per-request share on the first token, its
    // per-token share on every later one.
    const engineE2e = time - seq.arrivalTime;
    const e2e = this.clientDoneAt(seq, time) - seq.arrivalTime;
    const ttft = seq.firstTokenAt - seq.arrivalTime + this.perRequest;
    const tpot = seq.outputTokens > 1 ? (e2e - ttft) / (seq.outputTokens - 1) : null;
    this.engineE2e.record(engineE2e);
    this.service.record(time - seq.scheduledAt);
    this.e2e.record(e2e);
    if (tpot !== null) this.tpot.record(tpot);
    const h = this.histograms;
    if (h !== null) {
      h.record('e2e', time, e2e);
      if (tpot !== null) h.record('tpot', time, tpot);
      h.record('decode', time, time - seq.firstTokenAt);
      h.record('promptTokens', time, seq.promptTokens);
      h.record('outputTokens', time, seq.outputTokens);
    }
    const c = this.offeredAndDone;
    c.inputTokens.addAmount(time, seq.promptTokens);
    if (this.targets !== null && this.meets(ttft, tpot, e2e, seq.scheduledAt - seq.arrivalTime + this.perRequest)) {
      this.attained++;
      c.attained.addAmount(time, 1);
    }
    this.onRequestDone?.(seq, seq.arrivalTime + e2e);
    this.onRequestEnd?.(seq, time, replica, null);
  }

  onDropped(seq: Sequence, time: number, reason: DropReason): void {
    this.droppedByReason[reason]++;
    this.onRequestDone?.(seq, time + this.perRequest);
    this.onRequestEnd?.(seq, time, null, reason);
  }

  onKvTransfer(_seq: Sequence, seconds: number, bytes: number): void {
    this.kvTransfer.record(seconds);
    this.kvTransferBytes += bytes;
  }

  onPreempted(): void {
    this.preempted++;
  }

  onTokenGaps(gapSeconds: number, count: number, time: number): void {
    this.itl.record(gapSeconds + this.perToken, count);
    this.histograms?.record('itl', time, gapSeconds + this.perToken, count);
  }

  /** Hit and queried prompt tokens over time (prefix caching), made at the first lookup. */
  prefixSeries: PrefixCacheSeries | null = null;

  onPrefixLookup(_seq: Sequence, time: number, queriedTokens: number, hitTokens: number): void {
    (this.prefixSeries ??= new PrefixCacheSeries()).record(time, queriedTokens, hitTokens);
  }

  onStepEnd(replica: Replica, _start: number, end: number, prefillTokens: number, decodeTokens: number, outputTokens: number): void {
    const s = this.seriesOf(replica);
    s.tokens.addAmount(end, prefillTokens + decodeTokens);
    s.outputTokens.addAmount(end, outputTokens);
    this.setLevels(replica, end, replica.kv.used / replica.kv.capacity);
  }

  /** Closes every series at the end of the run so they share one bucket width. */
  closeSeries(end: number): void {
    this.histograms?.close(end);
    for (const s of Object.values(this.offeredAndDone)) s.advance(end);
    for (const s of this.series) {
      s.queueDepth.advance(end);
      s.running.advance(end);
      s.kvOccupancy.advance(end);
      s.tokens.advance(end);
      s.outputTokens.advance(end);
      s.completions.advance(end);
    }
  }

  private meets(ttft: number, tpot: number | null, e2e: number, queueWait: number): boolean {
    const t = this.targets!;
    if (t.ttft !== undefined && ttft > t.ttft) return false;
    if (t.tpot !== undefined && tpot !== null && tpot > t.tpot) return false;
    if (t.e2e !== undefined && e2e > t.e2e) return false;
    if (t.queueWait !== undefined && queueWait > t.queueWait) return false;
    return true;
  }
}
