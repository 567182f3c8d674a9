import type { Kernel } from '../kernel/simulation-clock.js';
import type { Replica } from '../replica/replica.js';
import { TimeSeries } from '../metrics/time-series.js';
import type { AutoscalingSpec } from './failure-types.js';

/**
 * Kubernetes-HPA-style scaling of a deployment's replicas. The cluster holds `max` replicas; the
 * first `min` serve from the start, the rest are out of service. Every interval the autoscaler
 * reads the metric over the replicas in service and wants ceil(inService x metric / target),
 * clamped to [min, max]. Up: replicas are provisioned and serve `delay` later (counted as in
 * service from the decision, as an HPA counts pods it created). Down: only when every wish over the
 * stabilization window was lower; the highest-numbered replicas stop receiving requests and drain.
 * Scaling stops with the arrivals, so a run ends.
 */
export interface ScalingEvent {
  at: number;
  from: number;
  to: number;
  /** When the added replicas serve (scale-up), or null (scale-down: at once). */
  servesAt: number | null;
}

export class Autoscaler {
  readonly events: ScalingEvent[] = [];
  /** Replicas in service over time (levels), as a series aligned with the run's. */
  readonly inServiceSeries: TimeSeries;
  private target: number;
  private readonly wishes: { at: number; want: number }[] = [];
  private stopped = false;

  constructor(
    private readonly kernel: Kernel,
    private readonly spec: AutoscalingSpec,
    /** Engines of each replica (PP stages' virtual engines together). */
    private readonly replicas: readonly (readonly Replica[])[],
    private readonly arrivalsOpen: () => boolean,
    seriesBuckets: number,
  ) {
    this.target = spec.min;
    this.inServiceSeries = new TimeSeries(seriesBuckets, 0.25);
    replicas.forEach((engines, r) => {
      for (const e of engines) e.inService = r < spec.min;
    });
    this.inServiceSeries.setLevel(0, spec.min);
  }

  start(): void {
    this.kernel.after(this.spec.intervalSeconds, 'autoscale', this.tick);
  }

  stop(): void {
    this.stopped = true;
  }

  private metricOf(engine: Replica): number {
    switch (this.spec.metric) {
      case 'waiting':
        return engine.waiting.length;
      case 'running':
        return engine.running.length;
      case 'kvUsage':
        return engine.kv.used / engine.kv.capacity;
    }
  }

  private readonly tick = (): void => {
    if (this.stopped || !this.arrivalsOpen()) return;
    const now = this.kernel.now;
    const serving = this.replicas.slice(0, this.target).filter((engines) => engines.every((e) => e.inService));
    let sum = 0;
    let n = 0;
    for (const engines of serving) {
      for (const e of engines) {
        sum += this.metricOf(e);
        n++;
      }
    }
    const metric = n === 0 ? 0 : sum / n;
    // The HPA's tolerance: within 10% of the target it changes nothing (kube-controller-manager
    // --horizontal-pod-autoscaler-tolerance, default 0.1).
    const ratio = metric / this.spec.target;
    const raw = Math.abs(ratio - 1) <= 0.1 ? this.target : Math.ceil(this.target * ratio);
    const want = Math.min(this.spec.max, Math.max(this.spec.min, raw));
    this.wishes.push({ at: now, want });
    while (this.wishes.length > 0 && this.wishes[0]!.at < now - this.spec.stabilizationSeconds) this.wishes.shift();
    if (want > this.target) this.scaleTo(want, now);
    else if (want < this.target) {
      const highest = Math.max(...this.wishes.map((w) => w.want));
      if (highest < this.target) this.scaleTo(highest, now);
    }
    this.kernel.after(this.spec.intervalSeconds, 'autoscale', this.tick);
  };

  private scaleTo(to: number, now: number): void {
    const from = this.target;
    this.target = to;
    if (to > from) {
      const servesAt = now + this.spec.delaySeconds;
      this.events.push({ at: now, from, to, servesAt });
      this.kernel.at(servesAt, 'scaled-up', () => {
        // A later scale-down may have taken some of them back before they served.
        for (let r = from; r < Math.min(to, this.target); r++) for (const e of this.replicas[r]!) e.inService = true;
        this.inServiceSeries.setLevel(this.kernel.now, this.servingCount());
      });
      return;
    }
    this.events.push({ at: now, from, to, servesAt: null });
    for (let r = to; r < from; r++) for (const e of this.replicas[r]!) e.inService = false;
    this.inServiceSeries.setLevel(now, this.servingCount());
  }

  private servingCount(): number {
    return this.replicas.filter((engines) => engines.every((e) => e.inService)).length;
  }
}
