import type { RouterKind } from '../scenario/scenario-types.js';

/** What a router may look at: how much work each replica holds. */
export interface RoutableReplica {
  readonly outstanding: number;
}

/** Picks the replica index for the next request. May keep state (round-robin's cursor). */
export interface Router {
  pick(replicas: readonly RoutableReplica[]): number;
}

export type RouterFactory = () => Router;

/** Replicas in turn, whatever their load. */
function roundRobin(): Router {
  let next = 0;
  return {
    pick(replicas) {
      const i = next % replicas.length;
      next = i + 1;
      return i;
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
  };
}

/** Every router kind a scenario may name has a factory here; a missing one fails to compile. */
export const ROUTERS: Record<RouterKind, RouterFactory> = {
  'round-robin': roundRobin,
  'least-outstanding': leastOutstanding,
};
