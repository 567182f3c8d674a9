import type { PrefixChain } from '../replica/prefix-cache.js';
import { PrefixKeys } from '../replica/prefix-cache.js';
import type { TraceData } from './trace-file.js';

/**
 * Where prompts share tokens, as prefix chains (engine/replica/prefix-cache.ts):
 * - a trace's prefix block ids (Mooncake `hash_ids`, 512 tokens each), replayed as identities;
 * - shared prefixes (`workload.prefix`: a system prompt or RAG corpus in front of a share of the
 *   prompts, one of `groups` distinct ones);
 * - conversations (`workload.sessions`): each turn's prompt is the previous turn's prompt and
 *   output plus a new message, so its chain is the previous chain plus one segment for the
 *   previous turn's remainder, the key the previous turn cached itself under when it finished.
 */

const NO_KEYS = new Int32Array(0);

/** A prompt that shares nothing (its blocks are still cached as evictable memory when it finishes). */
export const UNSHARED_CHAIN: PrefixChain = { keys: NO_KEYS, ends: NO_KEYS, continuation: -1 };

export class PrefixChains {
  private readonly keys = new PrefixKeys();
  /** Keys for conversation turns (unique by construction, never interned: no map grows with them). */
  private nextFresh = -1;

  /** Row `i` of a trace with prefix block ids: one segment per id, the last one cut at the prompt's end. */
  traceChain(trace: TraceData, i: number): PrefixChain {
    const blocks = trace.prefixBlocks!;
    const from = blocks.offsets[i]!;
    const to = blocks.offsets[i + 1]!;
    if (to === from) return UNSHARED_CHAIN;
    const prompt = trace.inputTokens[i]!;
    const keys = new Int32Array(to - from);
    const ends = new Int32Array(to - from);
    let parent = -1;
    for (let j = 0; j < keys.length; j++) {
      parent = this.keys.key(parent, blocks.ids[from + j]!);
      keys[j] = parent;
      ends[j] = Math.min((j + 1) * blocks.blockTokens, prompt);
    }
    return { keys, ends, continuation: -1 };
  }

  /** The chain of prefix group `group`'s `tokens` shared tokens; `continuation` as PrefixChain's. */
  groupChain(group: number, tokens: number, continuation = -1): PrefixChain {
    return { keys: Int32Array.of(this.groupKey(group)), ends: Int32Array.of(tokens), continuation };
  }

  groupKey(group: number): number {
    return this.keys.key(-1, `group ${group}`);
  }

  /** A key no other segment has: what one conversation turn caches itself under. */
  freshKey(): number {
    // Interned keys count up from 0; fresh ones sit above every one of them.
    return 0x40000000 + ++this.nextFresh;
  }
}

/** One conversation in flight: what its next turn's prompt holds. */
export interface Conversation {
  readonly id: number;
  /** Closed-loop client running it, or -1. */
  readonly client: number;
  /** Turns sent so far. */
  turns: number;
  /** Segments every later turn starts with (the shared prefix, then each earlier turn). */
  readonly keys: number[];
  readonly ends: number[];
  /** Key the turn in flight caches itself under, and the context it ends with (prompt + output). */
  pendingKey: number;
  pendingEnd: number;
}

/** The chain of a conversation's next turn (its earlier turns and shared prefix), caching itself under `continuation`. */
export function turnChain(c: Conversation, continuation: number): PrefixChain {
  return { keys: Int32Array.from(c.keys), ends: Int32Array.from(c.ends), continuation };
}
