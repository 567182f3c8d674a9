import type { RouterKind } from '../scenario/scenario-types.js';

/** What a router may look at: how much work each replica holds. */
export interface RoutableReplica {
  readonly outstanding: number;
  /** False while health checks say it is down: the router skips it (unless every replica is). */
  readonly routable: boolean;
}

/** Picks the replica index for the next request. May keep state (round-robin's cursor). */
export interface Router {
  pick(replicas: readonly RoutableReplica[]): number;
  /**
   * Why `chosen` was picked, in words, for traces: called (before the request is enqueued) only
   * when someone records them, so it may look at every replica.
   */
  explain(replicas: readonly RoutableReplica[], chosen: number): string;
}

export type RouterFactory = () => Router;

/** Replicas in turn, whatever their load. */
function roundRobin(): Router {
  let next = 0;
  return {
    pick(replicas) {
      for (let tried = 0; tried < replicas.length; tried++) {
        const i = (next + tried) % replicas.length;
        if (replicas[i]!.routable) {
          next = i + 1;
          return i;
        }
      }
      // Every replica is marked down: send anyway (the request is refused and its client retries).
      const i = next % replicas.length;
      next = i + 1;
      return i;
    },
    explain(replicas, chosen) {
      return `round-robin: replica ${chosen} is next in turn (it holds ${replicas[chosen]!.outstanding}, whatever the others hold)`;
    },
  };
}

/** The replica with the fewest requests queued or running; ties go to the lowest index. */
function leastOutstanding(): Router {
  return {
    pick(replicas) {
      let best = 0;
      let bestLoad = Infinity;
      for (let i = 0; i < replicas.length; i++) {
        if (!replicas[i]!.routable) continue;
        const load = replicas[i]!.outstanding;
        if (load < bestLoad) {
          best = i;
          bestLoad = load;
          // Nothing beats an idle replica: a lightly loaded large cluster routes in O(1).
          if (load === 0) break;
        }
      }
      return best;
    },
    explain(replicas, chosen) {
      const load = replicas[chosen]!.outstanding;
      if (replicas.length === 1) return `least-outstanding: replica ${chosen} is the only one (it holds ${load})`;
      if (load === 0) return `least-outstanding: replica ${chosen} is idle`;
      let second = Infinity;
      for (let i = 0; i < replicas.length; i++) if (i !== chosen) second = Math.min(second, replicas[i]!.outstanding);
      const tie = second === load ? ', tied, lowest index wins' : '';
      return `least-outstanding: replica ${chosen} holds ${load} (next fewest ${second}${tie})`;
    },
  };
}

/** Every router kind a scenario may name has a factory here; a missing one fails to compile. */
export const ROUTERS: Record<RouterKind, RouterFactory> = {
  'round-robin': roundRobin,
  'least-outstanding': leastOutstanding,
};
