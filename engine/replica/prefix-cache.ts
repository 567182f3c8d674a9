import type { KvBlockManager } from './kv-block-manager.js';

/**
 * Automatic prefix caching of one replica, as vLLM's works (docs/design/prefix_caching.md and
 * vllm/v1/core/block_pool.py, kv_cache_manager.py at v0.11):
 * - only full blocks are cached; a block's identity is its hash chained with its parent's, so a
 *   block is reused only behind the same prefix;
 * - a cached block no running request holds stays in memory but is free for allocation: it is
 *   evicted, least recently freed first, when a new block is needed;
 * - a finished request frees its blocks tail first, so its last blocks are evicted before its first;
 * - a request whose whole prompt is cached still computes its last token (for the logits): the
 *   hit stops at the last full block before it.
 *
 * Identity is kept per segment, not per block, so decode steps stay O(1): a request's prompt is a
 * chain of segments (a shared system prompt, a conversation's earlier turns, one Mooncake 512-token
 * hash id), each with an interned key that stands for it and everything before it. An entry caches
 * a leading run of its segment's blocks (eviction takes blocks from an entry's tail) and counts the
 * running requests that hold it. What a request computes itself stays a private counter until a
 * prefill chunk completes whole blocks of a segment, which then become the entry's (shared) blocks.
 *
 * A block belongs to the segment holding its last token, so a block straddling two segments is the
 * later one's (its content depends on both).
 */

/** A request's prompt as chained segments: keys[i] covers tokens [ends[i-1], ends[i]). */
export interface PrefixChain {
  /** Interned chain keys (see PrefixKeys), one per segment. */
  readonly keys: Int32Array;
  /** Token end (exclusive) of each segment, ascending, at most the prompt's length. */
  readonly ends: Int32Array;
  /**
   * Key its remainder (the prompt after the last segment, and its output) is cached under when it
   * finishes: the segment the next turn of its conversation starts with; -1 when nothing reuses it.
   */
  readonly continuation: number;
}

/** Blocks wholly inside the chain's first i + 1 segments (a block belongs to the segment holding its last token); 0 for i = -1. */
export function segmentEndBlock(chain: PrefixChain, i: number, blockSize: number): number {
  return i < 0 ? 0 : Math.floor(chain.ends[i]! / blockSize);
}

/** Blocks segment i spans. */
export function segmentBlocks(chain: PrefixChain, i: number, blockSize: number): number {
  return segmentEndBlock(chain, i, blockSize) - segmentEndBlock(chain, i - 1, blockSize);
}

/** Blocks the whole chain spans (those of a prompt's remainder come after). */
export function chainBlocks(chain: PrefixChain, blockSize: number): number {
  return segmentEndBlock(chain, chain.ends.length - 1, blockSize);
}

/**
 * Whether the chain begins with a key the cache made up (ownKey, or a freed remainder's: below -1)
 * rather than one the workload names: a preempted request's chain of its own, not a shared prompt.
 */
export function startsWithOwnKey(chain: PrefixChain): boolean {
  return chain.keys.length > 0 && chain.keys[0]! < -1;
}

/** One cached segment. */
export interface PrefixEntry {
  readonly key: number;
  /** Cached blocks: the segment's first `blocks` blocks. */
  blocks: number;
  /** Running requests holding it; 0: its blocks are evictable. */
  refs: number;
}

/** What a request finds cached for its prompt (before it is admitted). */
export interface PrefixLookup {
  /** Blocks of its prompt served from the cache. */
  blocks: number;
  /** Of the entries it would hold, blocks now evictable (holding them takes them from the free pool). */
  evictableBlocks: number;
  /** Entries it would hold, in chain order. */
  entries: PrefixEntry[];
}

/** Interns chain keys: the same (parent, id) pair anywhere in a workload gets the same key. */
export class PrefixKeys {
  private readonly byPair = new Map<string, number>();
  /** Keys handed out so far. */
  get size(): number {
    return this.byPair.size;
  }

  /** The key of segment `id` behind `parent` (-1: the first segment of a prompt). */
  key(parent: number, id: string | number): number {
    const pair = `${parent}:${id}`;
    let k = this.byPair.get(pair);
    if (k === undefined) {
      k = this.byPair.size;
      this.byPair.set(pair, k);
    }
    return k;
  }
}

/** Counters a run reports (see engine/metrics/prefix-cache-metrics.ts). */
export interface PrefixCacheCounters {
  /** Prompt tokens looked up at admission (every admission, re-admission after preemption included). */
  queriedTokens: number;
  /** Of them, tokens served from the cache (prefill skipped). */
  hitTokens: number;
  queriedBlocks: number;
  hitBlocks: number;
  evictedBlocks: number;
  /** Requests admitted at least once, and the prompt tokens the cache served at their first admission. */
  requests: number;
  requestCachedTokens: number;
}

const EMPTY_LOOKUP: PrefixLookup = { blocks: 0, evictableBlocks: 0, entries: [] };

export class PrefixCache {
  private readonly entries = new Map<number, PrefixEntry>();
  /** Entries no request holds, least recently freed first (Map iteration is insertion order). */
  private readonly evictable = new Map<number, PrefixEntry>();
  /** Keys the cache makes up count down from -2 (-1 names "no key"; the workload's are >= 0): see startsWithOwnKey. */
  private nextAnonymous = -2;
  readonly counters: PrefixCacheCounters = { queriedTokens: 0, hitTokens: 0, queriedBlocks: 0, hitBlocks: 0, evictedBlocks: 0, requests: 0, requestCachedTokens: 0 };

  constructor(
    private readonly kv: KvBlockManager,
    readonly blockSize: number,
  ) {
    kv.evictor = (blocks) => this.evict(blocks);
  }

  /** Cached entries (held or evictable). */
  get size(): number {
    return this.entries.size;
  }

  /** The entry cached for `key`, if any (tests, the router's overlap). */
  entry(key: number): PrefixEntry | undefined {
    return this.entries.get(key);
  }

  /**
   * What `chain` finds cached for a prefill of `target` tokens: the longest run of cached leading
   * blocks, stopping at the last full block before the target's last token. Pure.
   */
  lookup(chain: PrefixChain, target: number): PrefixLookup {
    const maxBlocks = Math.floor((target - 1) / this.blockSize);
    if (maxBlocks <= 0) return EMPTY_LOOKUP;
    let blocks = 0;
    let evictableBlocks = 0;
    let entries: PrefixEntry[] | null = null;
    for (let i = 0; i < chain.keys.length && blocks < maxBlocks; i++) {
      const entry = this.entries.get(chain.keys[i]!);
      if (entry === undefined || entry.blocks === 0) break;
      const span = segmentBlocks(chain, i, this.blockSize);
      const take = Math.min(entry.blocks, span, maxBlocks - blocks);
      blocks += take;
      if (entry.refs === 0) evictableBlocks += entry.blocks;
      (entries ??= []).push(entry);
      if (take < span) break;
    }
    return entries === null ? EMPTY_LOOKUP : { blocks, evictableBlocks, entries };
  }

  /** Blocks of `chain`'s prompt (first `target` tokens) cached, for a router's overlap score. Pure. */
  overlapBlocks(chain: PrefixChain, target: number): number {
    return this.lookup(chain, target).blocks;
  }

  /** Counts a lookup at admission (hit or not) for the run's hit rate. */
  count(targetTokens: number, hitBlocks: number): void {
    const c = this.counters;
    c.queriedTokens += targetTokens;
    c.hitTokens += hitBlocks * this.blockSize;
    c.queriedBlocks += Math.floor(targetTokens / this.blockSize);
    c.hitBlocks += hitBlocks;
  }

  /** A request takes the entries a lookup found: held ones are shared, evictable ones leave the free pool. */
  hold(entries: readonly PrefixEntry[]): void {
    for (const entry of entries) this.ref(entry);
  }

  private ref(entry: PrefixEntry): void {
    if (entry.refs++ === 0) {
      this.evictable.delete(entry.key);
      this.kv.evictable -= entry.blocks;
      this.kv.allocate(entry.blocks);
    }
  }

  /**
   * A request computed whole blocks of segment `i` (through its block `computedBlocks`): they
   * become the segment's cached blocks, held by the request. Returns the blocks that moved from
   * the request's private count to the entry (0 when another request cached them first: its own
   * copies stay private, as vLLM keeps the first block cached under a hash).
   * `held`: the entries the request holds, appended to when it starts holding a new one.
   */
  register(chain: PrefixChain, i: number, computedBlocks: number, held: PrefixEntry[]): number {
    const key = chain.keys[i]!;
    const first = segmentEndBlock(chain, i - 1, this.blockSize);
    const upTo = Math.min(segmentEndBlock(chain, i, this.blockSize), computedBlocks);
    if (upTo <= first) return 0;
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = { key, blocks: 0, refs: 1 };
      this.entries.set(key, entry);
      held.push(entry);
    } else if (held[held.length - 1] !== entry) {
      // Cached by someone else (unreachable behind an evicted parent, or computed alongside):
      // this request's copies stay its own.
      return 0;
    }
    const moved = upTo - first - entry.blocks;
    if (moved <= 0) return 0;
    entry.blocks += moved;
    return moved;
  }

  /**
   * A request lets go of its entries, last segment first (so its tail is evicted first), after
   * caching `tailBlocks` full blocks of its remainder under `continuation` (-1: a key no prompt
   * names, kept only as evictable memory, as vLLM keeps every full block hashed; an ownKey: what
   * its own recompute will look for). Its other
   * private blocks are the caller's to release.
   */
  release(held: readonly PrefixEntry[], continuation: number, tailBlocks: number): void {
    if (tailBlocks > 0) this.cacheFreed(continuation, tailBlocks);
    for (let i = held.length - 1; i >= 0; i--) {
      const entry = held[i]!;
      if (--entry.refs > 0) continue;
      if (entry.refs < 0) throw new Error(`prefix cache: entry ${entry.key} released more often than held`);
      if (entry.blocks === 0) {
        this.entries.delete(entry.key);
        continue;
      }
      this.kv.release(entry.blocks);
      this.kv.evictable += entry.blocks;
      this.evictable.set(entry.key, entry);
    }
  }

  /** `blocks` used blocks freed into the cache as evictable under `key`. */
  private cacheFreed(key: number, blocks: number): void {
    const k = key === -1 ? this.nextAnonymous-- : key;
    const existing = this.entries.get(k);
    this.kv.release(blocks);
    if (existing !== undefined) {
      // Already cached (by a turn that ran alongside): the freed copies just free.
      return;
    }
    const entry = { key: k, blocks, refs: 0 };
    this.entries.set(k, entry);
    this.evictable.set(k, entry);
    this.kv.evictable += blocks;
  }

  /** Frees `blocks` evictable blocks, least recently freed entries first, each from its tail. */
  private evict(blocks: number): void {
    let left = blocks;
    for (const entry of this.evictable.values()) {
      if (left <= 0) break;
      const take = Math.min(entry.blocks, left);
      entry.blocks -= take;
      left -= take;
      this.kv.evictable -= take;
      this.counters.evictedBlocks += take;
      if (entry.blocks === 0) {
        this.evictable.delete(entry.key);
        this.entries.delete(entry.key);
      }
    }
    if (left > 0) throw new Error(`prefix cache: asked to evict ${blocks} blocks, ${left} more than are evictable`);
  }

  /** A key for blocks only their own request will look for again (its recompute after a preemption). */
  ownKey(): number {
    return this.nextAnonymous--;
  }

  /** Blocks of held and of evictable entries, and the lowest refcount: what audits check the counters against. */
  totals(): { heldBlocks: number; evictableBlocks: number; minRefs: number } {
    let heldBlocks = 0;
    let evictableBlocks = 0;
    let minRefs = Infinity;
    for (const e of this.entries.values()) {
      if (e.refs > 0) heldBlocks += e.blocks;
      else evictableBlocks += e.blocks;
      minRefs = Math.min(minRefs, e.refs);
    }
    return { heldBlocks, evictableBlocks, minRefs: minRefs === Infinity ? 0 : minRefs };
  }

  /** Everything gone (the engine failed). */
  clear(): void {
    this.entries.clear();
    this.evictable.clear();
    this.kv.evictable = 0;
  }
}
