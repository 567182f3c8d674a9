import type { PrefixChain } from '../replica/prefix-cache.js';
import type { RouterKind, RoutingSpec } from '../scenario/scenario-types.js';

/** What a router may look at: how much work each replica holds. */
export interface RoutableReplica {
  readonly outstanding: number;
  /** False while health checks say it is down: the router skips it (unless every replica is). */
  readonly routable: boolean;
  /** KV blocks in use plus those its queued prompts need (Dynamo's "active blocks"); 0 when unknown. */
  readonly activeBlocks?: number;
  /** Blocks of this prompt its prefix cache holds (0 without one). */
  cachedBlocksOf?(request: RouteRequest): number;
}

/** The request being routed, as a router that reads it sees it. */
export interface RouteRequest {
  readonly promptTokens: number;
  readonly prefix: PrefixChain | null;
  /** Its conversation, or -1. */
  readonly session: number;
}

/** Picks the replica index for the next request. May keep state (round-robin's cursor). */
export interface Router {
  /** `request` and `now` matter to the routers that read the request or act on stale load. */
  pick(replicas: readonly RoutableReplica[], request?: RouteRequest, now?: number): number;
  /**
   * Why `chosen` was picked, in words, for traces: called (before the request is enqueued) only
   * when someone records them, so it may look at every replica.
   */
  explain(replicas: readonly RoutableReplica[], chosen: number, request?: RouteRequest): string;
}


/** Live routing: the router sees every replica's load as it is. */
export const LIVE_ROUTING: RoutingSpec = { refreshSeconds: 0, overlapWeight: 1, prefixTokens: 1024, fallbackOutstanding: Infinity };

/**
 * The load a router acts on: live, or (refreshSeconds > 0) a snapshot taken at most that long ago
 * plus what the router itself sent since, as real routers poll metrics (Dynamo's load publisher,
 * llm-d's scrapes) and count their own decisions in between. The snapshot refreshes lazily, at
 * the first pick after it expires: no event of its own.
 */
class LoadView {
  private taken = -Infinity;
  private outstanding: Float64Array = new Float64Array(0);
  private active: Float64Array = new Float64Array(0);

  constructor(
    private readonly refreshSeconds: number,
    private readonly blockTokens: number,
  ) {}

  refresh(replicas: readonly RoutableReplica[], now: number): void {
    if (this.refreshSeconds <= 0) return;
    if (this.outstanding.length !== replicas.length) {
      this.outstanding = new Float64Array(replicas.length);
      this.active = new Float64Array(replicas.length);
      this.taken = -Infinity;
    }
    if (now - this.taken < this.refreshSeconds) return;
    this.taken = now;
    replicas.forEach((r, i) => {
      this.outstanding[i] = r.outstanding;
      this.active[i] = r.activeBlocks ?? 0;
    });
  }

  outstandingOf(replicas: readonly RoutableReplica[], i: number): number {
    return this.refreshSeconds > 0 ? this.outstanding[i]! : replicas[i]!.outstanding;
  }

  activeOf(replicas: readonly RoutableReplica[], i: number): number {
    return this.refreshSeconds > 0 ? this.active[i]! : (replicas[i]!.activeBlocks ?? 0);
  }

  /** The router sent `request` to replica i (counted until the next snapshot). */
  sent(i: number, request: RouteRequest | undefined): void {
    if (this.refreshSeconds <= 0) return;
    this.outstanding[i]! += 1;
    if (request !== undefined) this.active[i]! += Math.ceil(request.promptTokens / this.blockTokens);
  }
}

/** The routable replica with the fewest requests (as `view` sees them); ties go to the lowest index; -1 when none is routable. */
function leastLoaded(replicas: readonly RoutableReplica[], view: LoadView): number {
  let best = -1;
  let bestLoad = Infinity;
  for (let i = 0; i < replicas.length; i++) {
    if (!replicas[i]!.routable) continue;
    const load = view.outstandingOf(replicas, i);
    if (load < bestLoad) {
      best = i;
      bestLoad = load;
      // Nothing beats an idle replica: a lightly loaded large cluster routes in O(1).
      if (load === 0) break;
    }
  }
  return best;
}

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
function leastOutstanding(routing: RoutingSpec, blockTokens: number): Router {
  const view = new LoadView(routing.refreshSeconds, blockTokens);
  return {
    pick(replicas, request, now = 0) {
      view.refresh(replicas, now);
      const i = Math.max(0, leastLoaded(replicas, view));
      view.sent(i, request);
      return i;
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

/**
 * KV-aware, as Dynamo's KV router scores workers (docs.nvidia.com/dynamo, "Router Design", cost
 * function): cost = overlapWeight x (prompt blocks to prefill there) + (blocks active there,
 * this prompt's included); the lowest cost wins (router temperature 0: deterministic), ties to
 * fewer requests, then the lowest index. The overlap is the replica's own prefix cache as it is
 * now (KV events arrive within milliseconds); the load may be stale (routing.refreshSeconds).
 */
function kvAware(routing: RoutingSpec, blockTokens: number): Router {
  const view = new LoadView(routing.refreshSeconds, blockTokens);
  const w = routing.overlapWeight;
  const costOf = (replicas: readonly RoutableReplica[], i: number, request: RouteRequest): { cost: number; overlap: number; active: number } => {
    const blocks = Math.ceil(request.promptTokens / blockTokens);
    const overlap = replicas[i]!.cachedBlocksOf?.(request) ?? 0;
    const active = view.activeOf(replicas, i);
    return { cost: w * (blocks - overlap) + active + blocks, overlap, active };
  };
  return {
    pick(replicas, request, now = 0) {
      view.refresh(replicas, now);
      if (request === undefined) return Math.max(0, leastLoaded(replicas, view));
      let best = -1;
      let bestCost = Infinity;
      let bestLoad = Infinity;
      for (let i = 0; i < replicas.length; i++) {
        if (!replicas[i]!.routable) continue;
        const { cost } = costOf(replicas, i, request);
        const load = view.outstandingOf(replicas, i);
        if (cost < bestCost || (cost === bestCost && load < bestLoad)) {
          best = i;
          bestCost = cost;
          bestLoad = load;
        }
      }
      const i = Math.max(0, best);
      view.sent(i, request);
      return i;
    },
    explain(replicas, chosen, request) {
      if (request === undefined) return `kv-aware: replica ${chosen} (no request to score: least outstanding)`;
      const { cost, overlap, active } = costOf(replicas, chosen, request);
      return `kv-aware: replica ${chosen} costs ${cost.toFixed(0)} (${overlap} of the prompt's blocks cached there, ${active} blocks active), the lowest`;
    },
  };
}

/** A 32-bit mix of a key (murmur3's finalizer): sticky targets spread evenly over the replicas. */
function mix(key: number): number {
  let h = key | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The chain key of the prompt's first `tokens` tokens (its segment holding the last of them), or -1. */
export function headKey(prefix: PrefixChain | null, tokens: number): number {
  if (prefix === null || prefix.keys.length === 0) return -1;
  let i = 0;
  while (i < prefix.keys.length - 1 && prefix.ends[i]! < tokens) i++;
  return prefix.keys[i]!;
}

/**
 * Sticky routing by a key (hashed onto the replicas, as a ring-hash load balancer does), passed
 * over for the least loaded replica when the target holds routing.fallbackOutstanding requests or
 * more, or is down; requests without a key go to the least loaded.
 */
function sticky(name: string, keyOf: (request: RouteRequest, routing: RoutingSpec) => number) {
  return (routing: RoutingSpec, blockTokens: number): Router => {
    const view = new LoadView(routing.refreshSeconds, blockTokens);
    const target = (replicas: readonly RoutableReplica[], request: RouteRequest | undefined): number => {
      const key = request === undefined ? -1 : keyOf(request, routing);
      return key < 0 ? -1 : mix(key) % replicas.length;
    };
    return {
      pick(replicas, request, now = 0) {
        view.refresh(replicas, now);
        const t = target(replicas, request);
        const ok = t >= 0 && replicas[t]!.routable && view.outstandingOf(replicas, t) < routing.fallbackOutstanding;
        const i = ok ? t : Math.max(0, leastLoaded(replicas, view));
        view.sent(i, request);
        return i;
      },
      explain(replicas, chosen, request) {
        const t = target(replicas, request);
        if (t < 0) return `${name}: no key to stick to; replica ${chosen} holds the fewest requests`;
        if (t === chosen) return `${name}: replica ${chosen} is this key's (it holds ${replicas[chosen]!.outstanding})`;
        return `${name}: this key's replica ${t} is down or holds ${replicas[t]!.outstanding} (>= ${routing.fallbackOutstanding}); replica ${chosen} holds the fewest`;
      },
    };
  };
}

/** By the prompt's head (routing.prefixTokens tokens): requests that share it share a replica's cache. */
const prefixHash = sticky('prefix-hash', (request, routing) => headKey(request.prefix, routing.prefixTokens));

/** By conversation: every turn of one goes where the first went (its earlier turns are cached there); else as prefix-hash. */
const sessionAffinity = sticky('session-affinity', (request, routing) => (request.session >= 0 ? request.session : headKey(request.prefix, routing.prefixTokens)));

export type RouterFactory = (routing?: RoutingSpec, blockTokens?: number) => Router;

/** Every router kind a scenario may name has a factory here; a missing one fails to compile. */
export const ROUTERS: Record<RouterKind, RouterFactory> = {
  'round-robin': roundRobin,
  'least-outstanding': (routing = LIVE_ROUTING, blockTokens = 16) => leastOutstanding(routing, blockTokens),
  'kv-aware': (routing = LIVE_ROUTING, blockTokens = 16) => kvAware(routing, blockTokens),
  'prefix-hash': (routing = LIVE_ROUTING, blockTokens = 16) => prefixHash(routing, blockTokens),
  'session-affinity': (routing = LIVE_ROUTING, blockTokens = 16) => sessionAffinity(routing, blockTokens),
};
