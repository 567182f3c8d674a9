import type { EnginePlacement } from '../cluster/cluster.js';
import type { RandomSource } from '../kernel/random-streams.js';
import type { EventHandle, Kernel } from '../kernel/simulation-clock.js';
import type { Replica } from '../replica/replica.js';
import type { Sequence } from '../replica/sequence.js';
import type { Scenario } from '../scenario/scenario-types.js';
import { rackLayout } from '../fabric/topology.js';
import { enginesPerReplica } from '../scenario/deployment.js';
import type { FailureKind, FailureSpec } from './failure-types.js';

/**
 * Plays a scenario's failures on its engines: scheduled ones at their time, random ones as a
 * Poisson process per failure line (rate per component-hour x components), while arrivals last.
 *
 * A hit engine fails at once (its requests are lost: the caller's clients retry them), the router
 * keeps sending to it until detection (recovery.detection later), and it comes back after
 * restart + startup + weight loading: an engine crash right after detection, a hardware failure
 * once a spare takes over (recovery.spares) or its repair is done (`duration`), else not within
 * the run. A straggler slows its replica's steps to `factor` for `duration`.
 */
export interface FailureEvent {
  kind: FailureKind;
  /** The GPU, node, rack or replica it hit. */
  component: number;
  at: number;
  /** Engines it took down (or slowed), by index. */
  engines: number[];
  /** Requests in flight on them that were lost. */
  lost: number;
  /** When the router stopped sending to them (null for a straggler). */
  detectedAt: number | null;
  /** When they served again; null: not within the run. */
  recoveredAt: number | null;
  /** What brought them back: a restart, a spare, the repair; or why nothing did. */
  recovery: string;
}

/**
 * The next failure of a random line: the gap (exponential at the line's rate x its components)
 * and the component it hits, drawn in this order from the failures stream. The survivability
 * analysis draws the first ones the same way to know which trials see no failure at all.
 */
export function nextRandomFailure(s: Scenario, spec: FailureSpec, random: RandomSource): { gap: number; component: number } {
  const components = componentCount(s, spec.kind);
  const perSecond = (spec.ratePerHour! * components) / 3600;
  const gap = -Math.log(1 - random()) / perSecond;
  const component = Math.floor(random() * components);
  return { gap, component };
}

/** A scheduled failure's target must exist: the components of each kind in a scenario. */
export function componentCount(s: Scenario, kind: FailureKind): number {
  const gpus = s.cluster.nodes * s.cluster.gpusPerNode;
  switch (kind) {
    case 'gpu':
    case 'straggler':
    case 'link':
      return gpus;
    case 'node':
      return s.cluster.nodes;
    case 'rack':
      return rackLayout(s.cluster.nodes, s.cluster.topology ?? {}).racks;
    case 'engine':
      return s.serving.replicas;
  }
}

export class FailureDriver {
  readonly events: FailureEvent[] = [];
  private sparesLeft: number;
  private readonly perRack: number;

  constructor(
    private readonly kernel: Kernel,
    private readonly scenario: Scenario,
    private readonly engines: readonly Replica[],
    private readonly placement: readonly EnginePlacement[],
    /** Seconds to load an engine's weights (per replica, its nodes loading in parallel). */
    private readonly weightLoadSeconds: number,
    private readonly random: RandomSource,
    /** Requests lost with a failed engine: the clients retry or give up. */
    private readonly onLost: (lost: Sequence[]) => void,
    /** Whether arrivals are still coming (random failures stop with them, so a run can end). */
    private readonly arrivalsOpen: () => boolean,
  ) {
    this.sparesLeft = scenario.recovery.spares;
    this.perRack = rackLayout(scenario.cluster.nodes, scenario.cluster.topology ?? {}).nodesPerRack;
  }

  start(): void {
    for (const engine of this.engines) engine.ejectAfterRefusals = this.scenario.recovery.passiveEjection;
    if (this.scenario.serving.coldStart) this.coldStart();
    for (const spec of this.scenario.failures) {
      if (spec.at !== null) this.kernel.at(spec.at, 'failure', () => this.strike(spec, spec.target));
      else this.scheduleRandom(spec);
    }
  }

  /** The next random failure of each line, pending on the kernel. */
  private readonly pending = new Set<EventHandle>();

  private scheduleRandom(spec: FailureSpec): void {
    const { gap, component } = nextRandomFailure(this.scenario, spec, this.random);
    const handle = this.kernel.after(gap, 'failure', () => {
      this.pending.delete(handle);
      if (!this.arrivalsOpen()) return;
      this.strike(spec, component);
      this.scheduleRandom(spec);
    });
    this.pending.add(handle);
  }

  /**
   * Arrivals are over: random failures stop (the run must end, and a failure drawn for a distant
   * future must not stretch its clock).
   */
  stopRandom(): void {
    for (const handle of this.pending) this.kernel.cancel(handle);
    this.pending.clear();
  }

  /** Engines with a GPU on the component. */
  private enginesOn(kind: FailureKind, component: number): number[] {
    const perNode = this.scenario.cluster.gpusPerNode;
    const hit = (gpu: number): boolean => {
      switch (kind) {
        case 'gpu':
        case 'straggler':
        case 'link':
          return gpu === component;
        case 'node':
          return Math.floor(gpu / perNode) === component;
        case 'rack':
          return Math.floor(Math.floor(gpu / perNode) / this.perRack) === component;
        case 'engine':
          return false;
      }
    };
    if (kind === 'engine') {
      // A replica's engines (its PP stages' virtual engines) crash together.
      const per = enginesPerReplica(this.scenario);
      return Array.from({ length: per }, (_, k) => component * per + k).filter((i) => i < this.placement.length);
    }
    const direct = this.placement.flatMap((p, i) => (p.gpus.some(hit) ? [i] : []));
    if (!this.scenario.serving.dataParallelAttention || kind === 'straggler' || kind === 'link') return direct;
    // Data-parallel ranks share their experts: one rank's GPU down takes its whole EP group down.
    const per = enginesPerReplica(this.scenario);
    const replicas = new Set(direct.map((i) => Math.floor(i / per)));
    return [...replicas].flatMap((r) => Array.from({ length: per }, (_, k) => r * per + k));
  }

  /** Every engine starts up and loads its weights before it serves; until then it refuses requests. */
  private coldStart(): void {
    const r = this.scenario.recovery;
    // Every replica on a node loads at once: they share its storage bandwidth.
    const perNode = this.scenario.cluster.gpusPerNode;
    // Placement lists a PP replica's GPUs once per virtual engine: count each GPU once.
    const distinct = new Map<number, Set<number>>();
    for (const p of this.placement) for (const g of p.gpus) {
      const node = Math.floor(g / perNode);
      if (!distinct.has(node)) distinct.set(node, new Set());
      distinct.get(node)!.add(g);
    }
    const busiestNode = Math.max(...[...distinct.values()].map((gs) => gs.size));
    const perGpuLoad = this.weightLoadSeconds / Math.max(1, Math.min(this.placement[0]?.gpus.length ?? 1, perNode));
    const weights = perGpuLoad * busiestNode;
    const upAt = r.startupSeconds + weights;
    for (const engine of this.engines) {
      engine.fail();
      engine.healthy = false;
    }
    this.events.push({
      kind: 'engine',
      component: -1,
      at: 0,
      engines: this.engines.map((_, i) => i),
      lost: 0,
      detectedAt: 0,
      recoveredAt: upAt,
      recovery: `cold start: ${r.startupSeconds} s startup, then ${weights.toFixed(1)} s of weights at ${r.storageGBpsPerNode} GB/s per node (${busiestNode} GPUs' worth on the busiest node)`,
    });
    this.kernel.at(upAt, 'cold-start-done', () => {
      for (const engine of this.engines) {
        engine.recover();
        engine.healthy = true;
      }
    });
  }

  /** The shared fabric, when the run has one (link failures act on it). */
  fabric: { network: { setCapacity(link: number, c: number): void; capacityOf(link: number): number }; topology: { route(a: number, b: number): readonly number[] } } | null = null;

  /** A link failure: the GPU's NIC, both ways, at `factor` of its bandwidth for `duration`. */
  private degradeNic(spec: FailureSpec, gpu: number): void {
    const now = this.kernel.now;
    const event: FailureEvent = { kind: 'link', component: gpu, at: now, engines: [], lost: 0, detectedAt: null, recoveredAt: now + spec.duration!, recovery: `ran at ${spec.factor} of its bandwidth for ${spec.duration} s` };
    this.events.push(event);
    const f = this.fabric;
    const gpus = this.scenario.cluster.nodes * this.scenario.cluster.gpusPerNode;
    const other = (gpu + this.scenario.cluster.gpusPerNode) % gpus;
    if (f === null || other === gpu) {
      event.recovery = 'no shared fabric carries traffic over this NIC in this run: nothing slowed';
      return;
    }
    const nicOut = f.topology.route(gpu, other)[0]!;
    const nicIn = f.topology.route(other, gpu).at(-1)!;
    const before = [f.network.capacityOf(nicOut), f.network.capacityOf(nicIn)] as const;
    f.network.setCapacity(nicOut, before[0] * spec.factor);
    f.network.setCapacity(nicIn, before[1] * spec.factor);
    this.kernel.at(now + spec.duration!, 'link-repaired', () => {
      f.network.setCapacity(nicOut, before[0]);
      f.network.setCapacity(nicIn, before[1]);
    });
  }

  /**
   * A NIC lost outright (factor 0): the replicas whose traffic needs it (a TP group or pipeline
   * spanning nodes, a disaggregated engine moving KV) fail as their collectives error (NCCL does),
   * and come back once it is repaired (`duration`) and they have restarted; the others notice nothing.
   */
  private loseNic(spec: FailureSpec, gpu: number): void {
    const perNode = this.scenario.cluster.gpusPerNode;
    const needsNic = (i: number) => {
      const p = this.placement[i]!;
      return this.scenario.serving.disaggregation !== null || Math.floor(p.gpus[0]! / perNode) !== Math.floor(p.gpus.at(-1)! / perNode);
    };
    const users = this.enginesOn('link', gpu).filter(needsNic);
    this.strikeEngines({ ...spec, kind: 'link' }, gpu, users, spec.duration);
  }

  private strike(spec: FailureSpec, component: number): void {
    if (spec.kind === 'link') {
      if (spec.factor === 0) this.loseNic(spec, component);
      else this.degradeNic(spec, component);
      return;
    }
    const now = this.kernel.now;
    const indices = this.enginesOn(spec.kind, component).filter((i) => !this.engines[i]!.failed);
    if (spec.kind === 'straggler') {
      for (const i of indices) this.engines[i]!.speed = Math.min(this.engines[i]!.speed, spec.factor);
      const until = now + spec.duration!;
      this.kernel.at(until, 'straggler-end', () => {
        for (const i of indices) if (!this.engines[i]!.failed) this.engines[i]!.speed = 1;
      });
      this.events.push({ kind: spec.kind, component, at: now, engines: indices, lost: 0, detectedAt: null, recoveredAt: until, recovery: `ran at ${spec.factor} of its speed for ${spec.duration} s` });
      return;
    }
    this.strikeEngines(spec, component, indices, spec.duration);
  }

  /** Takes `indices` down now, then detection, and recovery as the failure's kind allows. */
  private strikeEngines(spec: FailureSpec, component: number, indices: number[], repairSeconds: number | null): void {
    const now = this.kernel.now;
    let lost = 0;
    for (const i of indices) {
      const gone = this.engines[i]!.fail();
      lost += gone.length;
      this.onLost(gone);
    }
    const detectedAt = now + this.scenario.recovery.detectionSeconds;
    const event: FailureEvent = { kind: spec.kind, component, at: now, engines: indices, lost, detectedAt, recoveredAt: null, recovery: '' };
    this.events.push(event);
    if (indices.length === 0) {
      event.recovery = 'nothing ran there';
      return;
    }
    for (const i of indices) this.engines[i]!.healthy = true;
    this.kernel.at(detectedAt, 'failure-detected', () => {
      for (const i of indices) this.engines[i]!.healthy = false;
    });
    const r = this.scenario.recovery;
    const bringUp = r.restartSeconds + r.startupSeconds + this.weightLoadSeconds;
    let restartAt: number | null;
    if (spec.kind === 'engine') {
      restartAt = detectedAt;
      event.recovery = `restarted after detection: ${r.restartSeconds} s restart, ${r.startupSeconds} s startup, ${this.weightLoadSeconds.toFixed(1)} s weights`;
    } else if (this.sparesLeft >= indices.length) {
      this.sparesLeft -= indices.length;
      restartAt = detectedAt;
      event.recovery = `moved to ${indices.length} spare${indices.length === 1 ? '' : 's'} after detection, then restart, startup and weights`;
    } else if (repairSeconds !== null) {
      restartAt = Math.max(now + repairSeconds, detectedAt);
      event.recovery = `repaired after ${repairSeconds} s, then restart, startup and weights`;
    } else {
      restartAt = null;
      event.recovery = 'no spare and no repair within the run (give recovery.spares or the failure a duration)';
    }
    if (restartAt === null) return;
    const upAt = restartAt + bringUp;
    event.recoveredAt = upAt;
    this.kernel.at(upAt, 'recovered', () => {
      for (const i of indices) {
        const engine = this.engines[i]!;
        engine.recover();
        engine.healthy = true;
      }
    });
  }
}
