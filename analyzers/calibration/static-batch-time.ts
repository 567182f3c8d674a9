import type { StepTimeModel } from '../../engine/step-time/step-time-model.js';

/** One static batch: `batch` prompts of `inputTokens`, each generating `outputTokens`. */
export interface StaticBatch {
  batch: number;
  inputTokens: number;
  outputTokens: number;
  /** Token budget of a step (the engine's max_num_batched_tokens). */
  maxNumBatchedTokens: number;
}

/** Decode steps are summed by the midpoint rule over this many segments (step time is near-linear in context). */
const DECODE_SEGMENTS = 32;

/**
 * Wall time of a static batch as the step-time model prices it: the prompts prefill in chunks of
 * the token budget (whole prompts packed while they fit, a long prompt split over steps), the first
 * token comes with the last chunk, then outputTokens - 1 decode steps of `batch` sequences over
 * contexts inputTokens + 1 ... inputTokens + outputTokens - 1.
 *
 * This is what `simulate()` runs for the same batch when its KV cache holds the whole batch (a
 * test checks the two agree); it is closed-form so that a fit can evaluate it thousands of times.
 */
export function staticBatchSeconds(model: StepTimeModel, b: StaticBatch): number {
  const { batch, inputTokens: I, outputTokens: O, maxNumBatchedTokens: T } = b;
  let seconds = 0;
  // Prefill: walk the prompts in order, `done` tokens of the current prompt already cached.
  let prompt = 0;
  let done = 0;
  while (prompt < batch) {
    let budget = T;
    let tokens = 0;
    let seqs = 0;
    let pairs = 0;
    let context = 0;
    while (budget > 0 && prompt < batch) {
      const c = Math.min(I - done, budget);
      tokens += c;
      seqs++;
      pairs += c * done + (c * (c + 1)) / 2;
      context += done;
      budget -= c;
      done += c;
      if (done === I) {
        prompt++;
        done = 0;
      }
    }
    seconds += model.stepTime({
      prefillTokens: tokens,
      prefillSeqs: seqs,
      prefillAttentionPairs: pairs,
      prefillContextTokens: context,
      decodeSeqs: 0,
      decodeContextTokens: 0,
    }).stepSeconds;
  }
  // Decode: steps k = 1 .. O - 1, each attending over I + k tokens per sequence.
  const steps = O - 1;
  if (steps <= 0) return seconds;
  const segments = Math.min(DECODE_SEGMENTS, steps);
  for (let s = 0; s < segments; s++) {
    const from = Math.floor((s * steps) / segments);
    const to = Math.floor(((s + 1) * steps) / segments);
    const k = 1 + (from + to - 1) / 2;
    seconds +=
      (to - from) *
      model.stepTime({
        prefillTokens: 0,
        prefillSeqs: 0,
        prefillAttentionPairs: 0,
        prefillContextTokens: 0,
        decodeSeqs: batch,
        decodeContextTokens: batch * (I + k),
      }).stepSeconds;
  }
  return seconds;
}
