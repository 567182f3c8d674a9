import { EventQueue, PRIORITY } from '../kernel/event-queue.js';
import type { EventHandle, Kernel } from '../kernel/simulation-clock.js';
import { TimeSeries } from '../metrics/time-series.js';
import { MaxMinSolver } from './max-min-rates.js';

/**
 * The flow-level fabric: flows cross paths of links and share each link's bandwidth max-min fairly
 * (progressive filling, max-min-rates.ts), driven by the discrete-event kernel.
 *
 * - Rates change only when a flow starts or ends (or is cancelled), and only for the flows that
 *   share links with it, directly or through other flows (its connected group): max-min fairness
 *   splits over such groups, so nothing outside one can change.
 * - Progress is lazy: a flow's bytes left are brought up to date (bytes -= rate x elapsed) only when
 *   its group is recomputed. Cost is O(flow changes x flows in the changed group), never O(bytes).
 * - Exactly one live event waits on the kernel: the next time a flow drains or lands. When rates
 *   change it is cancelled and scheduled again.
 * - A flow lands `latencySeconds` after its last byte leaves (the latency is a tail: the link is
 *   free for others meanwhile); a flow on an empty path, or of zero bytes, lands after its latency only.
 * - Every flow carries a `tag` (the traffic it is: "tp-allreduce", "kv-transfer", ...) and an
 *   `owner` (a replica index), and each link counts the bytes it carried per tag and per owner,
 *   its busy bytes (the integral of its load), its peak and a bounded time profile of utilization.
 *
 * Flows that drain or land at the same instant are finished together, in start order, before the
 * callbacks run (each callback may start or cancel flows).
 */

export interface FlowSpec {
  /** Link indices the bytes cross (topology.route); [] for a flow that only waits its latency. */
  path: readonly number[];
  /** Bytes to move, >= 0. */
  bytes: number;
  /** Seconds from the last byte leaving to the flow landing (default 0). */
  latencySeconds?: number;
  /** What the traffic is, for per-link accounting ("tp-allreduce", "kv-transfer", "pp-activation", "all-to-all", ...). */
  tag: string;
  /** Who sent it (a replica index), for attributing shared-link time. */
  owner: number;
  /** Called once when the flow lands (never after cancel). */
  onDone: (flow: FlowHandle) => void;
}

export type FlowState = 'moving' | 'landing' | 'done' | 'cancelled';

export interface FlowHandle {
  readonly id: number;
  readonly tag: string;
  readonly owner: number;
  readonly bytes: number;
  readonly path: readonly number[];
  readonly startedAt: number;
  readonly state: FlowState;
  /** When the flow landed (done) or was cancelled; null before. */
  readonly endedAt: number | null;
}

export interface FlowNetworkOptions {
  /** Buckets of each link's utilization profile (0: no profile). Default 128. */
  seriesBuckets?: number;
  /** Initial bucket width in seconds; it doubles as the run outgrows the buckets. Default 1 ms. */
  seriesInitialSeconds?: number;
}

export interface LinkUsage {
  link: number;
  /** Bytes the link carried up to now (the integral of its load). */
  busyBytes: number;
  /** busyBytes / (capacity x now): the time-weighted mean utilization since time 0. */
  meanUtilization: number;
  /** The highest instantaneous utilization (load / capacity) reached. */
  peakUtilization: number;
  /** Bytes carried per traffic tag, by tag name. */
  byTag: { tag: string; bytes: number }[];
  /** Bytes carried per owner, by owner. */
  byOwner: { owner: number; bytes: number }[];
  /** Mean utilization per bucket, up to now; null when the network keeps no profile. */
  profile: { bucketSeconds: number; utilization: number[] } | null;
}

/** A flow's mutable state; callers see it as a FlowHandle. */
class Flow implements FlowHandle {
  state: FlowState = 'moving';
  endedAt: number | null = null;
  remaining: number;
  rate = 0;
  lastUpdate: number;
  /** Bumped whenever the flow's due time changes; heap entries of older versions are stale. */
  version = 0;
  /** Group-gathering mark (the generation that last visited the flow). */
  mark = 0;
  /** Set to the generation of a recompute that takes the flow off its links. */
  leaving = 0;

  constructor(
    readonly id: number,
    readonly path: readonly number[],
    readonly bytes: number,
    readonly latencySeconds: number,
    readonly tag: string,
    readonly owner: number,
    readonly onDone: (flow: FlowHandle) => void,
    readonly startedAt: number,
  ) {
    this.remaining = bytes;
    this.lastUpdate = startedAt;
  }
}

interface Due {
  readonly time: number;
  readonly priority: number;
  readonly sequence: number;
  readonly flow: Flow;
  readonly version: number;
}

/** Flows due within this fraction of the clock (plus a femtosecond) finish together. */
const SAME_INSTANT = 1e-12;

export class FlowNetwork {
  private readonly capacity: Float64Array;
  private readonly onLink: Set<Flow>[];
  private readonly load: Float64Array;
  private readonly area: Float64Array;
  private readonly since: Float64Array;
  private readonly peak: Float64Array;
  private readonly linkMark: Int32Array;
  private readonly tagBytes: Map<string, number>[];
  private readonly ownerBytes: Map<number, number>[];
  private readonly series: (TimeSeries | undefined)[];
  private readonly seriesBuckets: number;
  private readonly seriesInitialSeconds: number;
  private readonly solver: MaxMinSolver;
  private due = new EventQueue<Due>();
  private scheduled: EventHandle | null = null;
  private nextId = 0;
  private generation = 0;
  private live = 0;
  private recomputeCount = 0;
  private eventCount = 0;

  constructor(
    private readonly kernel: Kernel,
    links: readonly { readonly capacity: number }[],
    options: FlowNetworkOptions = {},
  ) {
    const n = links.length;
    this.capacity = new Float64Array(n);
    links.forEach((link, i) => {
      if (!(link.capacity > 0) || !Number.isFinite(link.capacity)) {
        throw new RangeError(`FlowNetwork: link ${i} has capacity ${link.capacity}; expected a finite number of bytes per second above 0`);
      }
      this.capacity[i] = link.capacity;
    });
    this.onLink = Array.from({ length: n }, () => new Set<Flow>());
    this.load = new Float64Array(n);
    this.area = new Float64Array(n);
    this.since = new Float64Array(n);
    this.peak = new Float64Array(n);
    this.linkMark = new Int32Array(n);
    this.tagBytes = Array.from({ length: n }, () => new Map<string, number>());
    this.ownerBytes = Array.from({ length: n }, () => new Map<number, number>());
    this.series = new Array<TimeSeries | undefined>(n);
    this.solver = new MaxMinSolver(n);
    this.seriesBuckets = options.seriesBuckets ?? 128;
    this.seriesInitialSeconds = options.seriesInitialSeconds ?? 1e-3;
    if (!(Number.isInteger(this.seriesBuckets) && this.seriesBuckets >= 0)) {
      throw new RangeError(`FlowNetwork: seriesBuckets: expected an integer >= 0, got ${this.seriesBuckets}`);
    }
    if (!(this.seriesInitialSeconds > 0)) {
      throw new RangeError(`FlowNetwork: seriesInitialSeconds: expected a duration above 0, got ${this.seriesInitialSeconds}`);
    }
  }

  /** Flows started and not yet landed or cancelled. */
  get activeFlows(): number {
    return this.live;
  }

  /** Times rates were recomputed (one per start batch, per end instant, per cancel). */
  get recomputations(): number {
    return this.recomputeCount;
  }

  /** Kernel events the network has handled (drains and landings). */
  get events(): number {
    return this.eventCount;
  }

  get linkCount(): number {
    return this.capacity.length;
  }

  /** Starts one flow now. */
  start(spec: FlowSpec): FlowHandle {
    return this.startAll([spec])[0]!;
  }

  /** Starts several flows now with one rate recomputation (a collective's phase). */
  startAll(specs: readonly FlowSpec[]): FlowHandle[] {
    const now = this.kernel.now;
    const flows = specs.map((spec) => this.makeFlow(spec, now));
    const moving: Flow[] = [];
    for (const flow of flows) {
      this.live++;
      if (flow.path.length === 0 || flow.bytes === 0) this.land(flow, now);
      else moving.push(flow);
    }
    if (moving.length > 0) {
      for (const flow of moving) for (const l of flow.path) this.onLink[l]!.add(flow);
      this.recompute(moving, [], now);
    }
    this.reschedule();
    return flows;
  }

  /** Stops a flow: it never lands and its callback never runs. Bytes it moved stay counted. Harmless twice. */
  cancel(handle: FlowHandle): void {
    const flow = handle as Flow;
    if (flow.state === 'done' || flow.state === 'cancelled') return;
    const now = this.kernel.now;
    if (flow.state === 'moving') this.recompute([flow], [flow], now);
    flow.state = 'cancelled';
    flow.endedAt = now;
    flow.version++;
    this.live--;
    this.reschedule();
  }

  /**
   * Changes a link's capacity now (a degraded or repaired NIC, bytes per second > 0): the flows
   * sharing it, directly or through others, get their rates again.
   */
  setCapacity(link: number, capacity: number): void {
    if (!(capacity > 0) || !Number.isFinite(capacity)) throw new RangeError(`FlowNetwork.setCapacity: expected a finite capacity above 0, got ${capacity}`);
    if (this.capacity[link] === undefined) throw new RangeError(`FlowNetwork.setCapacity: no link ${link}`);
    const now = this.kernel.now;
    const onIt = [...this.onLink[link]!].filter((f) => f.state === 'moving');
    if (onIt.length > 0) {
      // Utilization so far is measured against the old capacity: close it there.
      this.recompute(onIt, [], now);
    }
    this.capacity[link] = capacity;
    if (onIt.length > 0) this.recompute(onIt, [], now);
    this.reschedule();
  }

  /** A link's capacity now, bytes per second. */
  capacityOf(link: number): number {
    return this.capacity[link]!;
  }

  /** A moving flow's current rate in bytes per second (0 when it is not moving). */
  rateOf(handle: FlowHandle): number {
    const flow = handle as Flow;
    return flow.state === 'moving' ? flow.rate : 0;
  }

  /** Bytes a flow still has to move, as of now. */
  remainingBytes(handle: FlowHandle): number {
    const flow = handle as Flow;
    if (flow.state !== 'moving') return flow.state === 'cancelled' ? flow.remaining : 0;
    return Math.max(0, flow.remaining - flow.rate * (this.kernel.now - flow.lastUpdate));
  }

  /** What link `link` carried up to now (read it when the run ends: the kernel's clock is then the run's end). */
  usage(link: number): LinkUsage {
    const endTime = this.kernel.now;
    const cap = this.capacity[link];
    if (cap === undefined) throw new RangeError(`FlowNetwork.usage: no link ${link}`);
    const busyBytes = this.area[link]! + this.load[link]! * (endTime - this.since[link]!);
    const tags = new Map(this.tagBytes[link]!);
    const owners = new Map(this.ownerBytes[link]!);
    for (const flow of this.onLink[link]!) {
      const moved = flow.bytes - Math.max(0, flow.remaining - flow.rate * (endTime - flow.lastUpdate));
      tags.set(flow.tag, (tags.get(flow.tag) ?? 0) + moved);
      owners.set(flow.owner, (owners.get(flow.owner) ?? 0) + moved);
    }
    let profile: LinkUsage['profile'] = null;
    if (this.seriesBuckets > 0) {
      // A link that never carried anything reads as an idle profile of the same resolution.
      const series = this.series[link] ?? new TimeSeries(this.seriesBuckets, this.seriesInitialSeconds);
      series.advance(endTime);
      profile = { bucketSeconds: series.bucketSeconds, utilization: series.values(endTime) };
    }
    return {
      link,
      busyBytes,
      meanUtilization: endTime > 0 ? busyBytes / (cap * endTime) : 0,
      peakUtilization: this.peak[link]!,
      byTag: [...tags].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([tag, bytes]) => ({ tag, bytes })),
      byOwner: [...owners].sort(([a], [b]) => a - b).map(([owner, bytes]) => ({ owner, bytes })),
      profile,
    };
  }

  /** usage() of every link that has carried anything, in link order. */
  usages(): LinkUsage[] {
    const out: LinkUsage[] = [];
    for (let l = 0; l < this.capacity.length; l++) {
      if (this.peak[l]! > 0) out.push(this.usage(l));
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------

  private makeFlow(spec: FlowSpec, now: number): Flow {
    const latency = spec.latencySeconds ?? 0;
    if (!(spec.bytes >= 0) || !Number.isFinite(spec.bytes)) throw new RangeError(`FlowNetwork.start: bytes: expected a finite number >= 0, got ${spec.bytes}`);
    if (!(latency >= 0) || !Number.isFinite(latency)) throw new RangeError(`FlowNetwork.start: latencySeconds: expected a finite number >= 0, got ${latency}`);
    for (const l of spec.path) {
      if (!(Number.isInteger(l) && l >= 0 && l < this.capacity.length)) throw new RangeError(`FlowNetwork.start: path names link ${l}; the network has links 0..${this.capacity.length - 1}`);
    }
    for (let i = 1; i < spec.path.length; i++) {
      if (spec.path.indexOf(spec.path[i]!) < i) throw new RangeError(`FlowNetwork.start: path [${spec.path.join(', ')}] crosses a link twice`);
    }
    return new Flow(this.nextId++, spec.path, spec.bytes, latency, spec.tag, spec.owner, spec.onDone, now);
  }

  /** The flow's bytes are all out: it lands after its latency. */
  private land(flow: Flow, now: number): void {
    flow.state = 'landing';
    flow.remaining = 0;
    flow.rate = 0;
    flow.version++;
    this.due.push({ time: now + flow.latencySeconds, priority: 0, sequence: flow.id, flow, version: flow.version });
  }

  /**
   * Recomputes the rates of every flow grouped (through shared links) with `seeds`, after taking
   * `leaving` (moving flows, among the seeds) off their links. Progress up to `now` is settled first.
   */
  private recompute(seeds: readonly Flow[], leaving: readonly Flow[], now: number): void {
    this.recomputeCount++;
    const { flows, links } = this.group(seeds);
    const generation = this.generation;
    for (const flow of flows) this.settle(flow, now);
    for (const flow of leaving) {
      flow.leaving = generation;
      const moved = flow.bytes - flow.remaining;
      for (const l of flow.path) {
        this.onLink[l]!.delete(flow);
        const tags = this.tagBytes[l]!;
        tags.set(flow.tag, (tags.get(flow.tag) ?? 0) + moved);
        const owners = this.ownerBytes[l]!;
        owners.set(flow.owner, (owners.get(flow.owner) ?? 0) + moved);
      }
      flow.rate = 0;
    }
    const staying = leaving.length === 0 ? flows : flows.filter((f) => f.leaving !== generation);
    const rates = new Array<number>(staying.length);
    this.solver.solve(
      staying.map((f) => f.path),
      this.capacity,
      rates,
    );
    for (let i = 0; i < staying.length; i++) {
      const flow = staying[i]!;
      const rate = rates[i]!;
      if (rate === flow.rate) continue;
      flow.rate = rate;
      flow.version++;
      this.due.push({ time: now + flow.remaining / rate, priority: 0, sequence: flow.id, flow, version: flow.version });
    }
    for (const l of links) {
      let load = 0;
      for (const flow of this.onLink[l]!) load += flow.rate;
      if (load === this.load[l]) continue;
      this.area[l] = this.area[l]! + this.load[l]! * (now - this.since[l]!);
      this.since[l] = now;
      this.load[l] = load;
      const utilization = load / this.capacity[l]!;
      if (utilization > this.peak[l]!) this.peak[l] = utilization;
      if (this.seriesBuckets > 0) {
        let series = this.series[l];
        if (series === undefined) {
          series = new TimeSeries(this.seriesBuckets, this.seriesInitialSeconds);
          this.series[l] = series;
        }
        series.setLevel(now, utilization);
      }
    }
  }

  /** Brings a moving flow's bytes left up to `now`. */
  private settle(flow: Flow, now: number): void {
    if (now > flow.lastUpdate) {
      flow.remaining = Math.max(0, flow.remaining - flow.rate * (now - flow.lastUpdate));
      flow.lastUpdate = now;
    }
  }

  /** The moving flows and links reachable from the seeds' links through shared links. */
  private group(seeds: readonly Flow[]): { flows: Flow[]; links: number[] } {
    const generation = ++this.generation;
    const flows: Flow[] = [];
    const links: number[] = [];
    const visitFlow = (flow: Flow) => {
      if (flow.mark === generation) return;
      flow.mark = generation;
      flows.push(flow);
      for (const l of flow.path) {
        if (this.linkMark[l] === generation) continue;
        this.linkMark[l] = generation;
        links.push(l);
      }
    };
    for (const seed of seeds) visitFlow(seed);
    for (let i = 0; i < links.length; i++) for (const flow of this.onLink[links[i]!]!) visitFlow(flow);
    // Order does not matter: max-min rates and each link's arithmetic are the same in any order.
    return { flows, links };
  }

  /** The earliest heap entry that is still current (stale ones are dropped on the way). */
  private peekDue(): Due | undefined {
    for (;;) {
      const top = this.due.peek();
      if (top === undefined || (top.version === top.flow.version && (top.flow.state === 'moving' || top.flow.state === 'landing'))) return top;
      this.due.pop();
    }
  }

  /** Keeps exactly one live kernel event, at the next due time. */
  private reschedule(): void {
    this.compactDue();
    const next = this.peekDue();
    if (next === undefined) {
      if (this.scheduled !== null) this.kernel.cancel(this.scheduled);
      this.scheduled = null;
      return;
    }
    const time = Math.max(next.time, this.kernel.now);
    if (this.scheduled !== null) {
      if (this.scheduled.time === time) return;
      this.kernel.cancel(this.scheduled);
    }
    this.scheduled = this.kernel.at(time, 'fabric-flow', this.onDue, PRIORITY.COMPLETION);
  }

  /** Stale entries pile up when rates change often; rebuild the heap once they outnumber the live flows. */
  private compactDue(): void {
    if (this.due.size <= 4 * this.live + 64) return;
    const fresh = new EventQueue<Due>();
    for (let entry = this.due.pop(); entry !== undefined; entry = this.due.pop()) {
      if (entry.version === entry.flow.version && (entry.flow.state === 'moving' || entry.flow.state === 'landing')) fresh.push(entry);
    }
    this.due = fresh;
  }

  /** The kernel event: finish every flow due now, then run their callbacks in start order. */
  private readonly onDue = (): void => {
    this.scheduled = null;
    this.eventCount++;
    const now = this.kernel.now;
    const limit = now + now * SAME_INSTANT + 1e-15;
    const drained: Flow[] = [];
    const landed: Flow[] = [];
    for (let next = this.peekDue(); next !== undefined && next.time <= limit; next = this.peekDue()) {
      this.due.pop();
      (next.flow.state === 'moving' ? drained : landed).push(next.flow);
    }
    if (drained.length > 0) {
      drained.sort((a, b) => a.id - b.id);
      // Due now: whatever rounding left on them is moved now.
      for (const flow of drained) {
        this.settle(flow, now);
        flow.remaining = 0;
      }
      this.recompute(drained, drained, now);
      for (const flow of drained) {
        if (flow.latencySeconds > 0) this.land(flow, now);
        else landed.push(flow);
      }
    }
    landed.sort((a, b) => a.id - b.id);
    for (const flow of landed) {
      flow.state = 'done';
      flow.endedAt = now;
      flow.version++;
      this.live--;
    }
    for (const flow of landed) flow.onDone(flow);
    this.reschedule();
  };
}
