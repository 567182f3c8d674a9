import type { SchedulerKind } from '../scenario/scenario-types.js';
import { blocksFor } from './kv-block-manager.js';
import type { Replica, StepPlan } from './replica.js';

/** Picks the work of the next step: fills `plan` through the replica's mechanics. */
export type BatchPolicy = (replica: Replica, plan: StepPlan) => void;

/**
 * vLLM-style continuous batching with chunked prefill (vLLM V1, Sarathi-Serve): decode-first.
 * Every decoding sequence gets its token (preempting from the tail when KV runs out), then
 * unfinished prefills continue in admission order, then waiting requests are admitted first come
 * first served, each chunk cut to the token budget left.
 */
function continuousChunked(replica: Replica, plan: StepPlan): void {
  const { maxNumBatchedTokens, maxNumSeqs } = replica.config;
  replica.admitReady();
  replica.scheduleDecodes();
  let budget = maxNumBatchedTokens - plan.batch.decodeSeqs;
  for (let i = 0; i < replica.prefilling.length && budget > 0; i++) {
    const seq = replica.prefilling[i]!;
    const tokens = Math.min(seq.prefillTarget - seq.prefillDone, budget);
    const blocks = replica.blocksForChunk(seq, tokens);
    if (blocks > replica.kv.free) break;
    replica.schedulePrefill(seq, tokens, blocks);
    budget -= tokens;
  }
  replica.discardDeadFront();
  while (budget > 0 && replica.running.length < maxNumSeqs && replica.waiting.length > 0) {
    const next = replica.waiting.peekFront()!;
    // A request whose KV has landed waits for blocks to join the decodes, never to be prefilled.
    if (next.kvReady) break;
    // Cached prefix blocks are not computed again; holding the evictable ones takes them from the free pool.
    const hit = replica.cachedPrefix(next);
    const start = hit.blocks * replica.config.blockSize;
    const tokens = Math.min(next.prefillTarget - start, budget);
    const blocks = blocksFor(start + tokens, replica.config.blockSize) - hit.blocks;
    if (!replica.kv.canAdmit(blocks + hit.evictableBlocks)) break;
    const seq = replica.admitFront(hit);
    replica.schedulePrefill(seq, tokens, blocks);
    budget -= tokens;
  }
}

/**
 * vLLM V0 scheduling without chunked prefill: prefill-first. When waiting requests can be
 * admitted (whole prompts within the token budget, a free slot, KV above the watermark), the step
 * prefills them alone and running decodes wait; otherwise the step decodes every running sequence.
 */
function continuousWholePrefill(replica: Replica, plan: StepPlan): void {
  const { maxNumBatchedTokens, maxNumSeqs, blockSize } = replica.config;
  replica.admitReady();
  let budget = maxNumBatchedTokens;
  replica.discardDeadFront();
  while (replica.running.length < maxNumSeqs && replica.waiting.length > 0 && !replica.waiting.peekFront()!.kvReady) {
    const next = replica.waiting.peekFront()!;
    const hit = replica.cachedPrefix(next);
    const tokens = next.prefillTarget - hit.blocks * blockSize;
    const blocks = blocksFor(next.prefillTarget, blockSize) - hit.blocks;
    if (tokens > budget || !replica.kv.canAdmit(blocks + hit.evictableBlocks)) break;
    const seq = replica.admitFront(hit);
    replica.schedulePrefill(seq, tokens, blocks);
    budget -= tokens;
  }
  if (plan.batch.prefillSeqs === 0) replica.scheduleDecodes();
}

/**
 * Static batching, the baseline: a batch is admitted only when the replica is empty, each
 * request reserving KV for its whole prompt and output up front; the batch prefills (within the
 * token budget per step), then decodes until its longest member finishes. Finished members leave,
 * but nobody joins mid-batch.
 */
function staticBatching(replica: Replica, plan: StepPlan): void {
  const { maxNumBatchedTokens, maxNumSeqs, blockSize } = replica.config;
  if (replica.running.length === 0) {
    while (replica.running.length < maxNumSeqs && replica.waiting.length > 0) {
      const next = replica.waiting.peekFront()!;
      const reserve = blocksFor(next.promptTokens + next.outputTokens, blockSize);
      if (reserve > replica.kv.free) break;
      const seq = replica.admitFront();
      replica.kv.allocate(reserve);
      seq.blocks = reserve;
    }
  }
  let budget = maxNumBatchedTokens;
  for (let i = 0; i < replica.prefilling.length && budget > 0; i++) {
    const seq = replica.prefilling[i]!;
    const tokens = Math.min(seq.prefillTarget - seq.prefillDone, budget);
    replica.schedulePrefill(seq, tokens, 0);
    budget -= tokens;
  }
  if (plan.batch.prefillSeqs === 0) replica.scheduleDecodes();
}

/**
 * Continuous batching picks its prefill rule from enableChunkedPrefill. When KV is so full that
 * nothing at all can run (partial prefills each waiting for blocks), it preempts from the tail
 * until something can: a replica with work never idles.
 */
function continuous(replica: Replica, plan: StepPlan): void {
  const pick = replica.config.enableChunkedPrefill ? continuousChunked : continuousWholePrefill;
  pick(replica, plan);
  // The tail is read first, every step: an idle replica (nothing running) then leaves through a
  // test that has run before, instead of deoptimising the step loop the first time it empties.
  while (replica.running.tail !== null && plan.batch.prefillSeqs === 0 && plan.batch.decodeSeqs === 0) {
    replica.preempt(replica.running.tail);
    plan.clear();
    pick(replica, plan);
  }
}

export const BATCH_POLICIES: Record<SchedulerKind, BatchPolicy> = {
  continuous,
  static: staticBatching,
};
