import type { Sequence } from './sequence.js';

/**
 * The decoding sequences of one replica, kept in aggregate so that a decode step costs O(1)
 * however many sequences it advances (cost grows with steps and requests, never tokens x requests).
 *
 * Every decode step advances every decoding sequence by one token, so a sequence that joined at
 * step S0 with L0 KV tokens holds L0 + (D - S0) tokens at step D. From that:
 * - the KV tokens all of them attend over is sumBase + count * D, with sumBase = sum(L0 - S0);
 * - a sequence needs a fresh KV block at step D exactly when its KV length is a multiple of the
 *   block size, i.e. when D = S0 - L0 (mod blockSize), so a count per residue class tells how many
 *   blocks the next step needs;
 * - it finishes at step S0 + (outputTokens - generatedAtJoin), kept in a min-heap.
 */
export class DecodeSet {
  /** Decode steps completed so far on this replica. */
  step = 0;
  private n = 0;
  private sumBase = 0;
  private readonly dueByResidue: Int32Array;
  private readonly heapKeys: number[] = [];
  private readonly heapSeqs: Sequence[] = [];
  private readonly heapEpochs: number[] = [];
  /** Sequences that joined since the last decode step (their previous token time differs). */
  readonly joinedSinceLastStep: Sequence[] = [];

  constructor(
    readonly blockSize: number,
    /** False under static batching, where each sequence reserved its blocks at admission. */
    readonly growsBlocks: boolean,
  ) {
    this.dueByResidue = new Int32Array(blockSize);
  }

  get count(): number {
    return this.n;
  }

  /** KV tokens the decoding sequences hold right now. */
  get kvTokens(): number {
    return this.sumBase + this.n * this.step;
  }

  /** Fresh blocks the next decode step must allocate. */
  blocksDueNextStep(): number {
    return this.growsBlocks ? this.dueByResidue[this.step % this.blockSize]! : 0;
  }

  /** KV tokens `seq` holds now (it must be decoding). */
  kvTokensOf(seq: Sequence): number {
    return seq.kvAtJoin + this.step - seq.joinedAtStep;
  }

  generatedOf(seq: Sequence): number {
    return seq.generatedAtJoin + this.step - seq.joinedAtStep;
  }

  /** Blocks `seq` holds now. */
  blocksOf(seq: Sequence): number {
    return this.growsBlocks ? Math.ceil(this.kvTokensOf(seq) / this.blockSize) : seq.blocks;
  }

  add(seq: Sequence, kvTokens: number, generated: number): void {
    seq.phase = 'decode';
    seq.epoch++;
    seq.joinedAtStep = this.step;
    seq.kvAtJoin = kvTokens;
    seq.generatedAtJoin = generated;
    this.n++;
    this.sumBase += kvTokens - this.step;
    this.dueByResidue[this.residueOf(seq)]!++;
    this.pushFinish(this.step + seq.outputTokens - generated, seq);
    this.joinedSinceLastStep.push(seq);
  }

  /** Empties the set (the engine failed): its sequences are gone, the step count keeps going. */
  clear(): void {
    this.n = 0;
    this.sumBase = 0;
    this.dueByResidue.fill(0);
    this.heapKeys.length = 0;
    this.heapSeqs.length = 0;
    this.heapEpochs.length = 0;
    this.joinedSinceLastStep.length = 0;
  }

  /** Takes `seq` out (preemption); returns its generated count. Its heap entry goes stale. */
  remove(seq: Sequence): number {
    const generated = this.generatedOf(seq);
    this.n--;
    this.sumBase -= seq.kvAtJoin - seq.joinedAtStep;
    this.dueByResidue[this.residueOf(seq)]!--;
    seq.epoch++;
    return generated;
  }

  /** Completes one decode step; calls `onFinished` for each sequence that produced its last token. */
  advance(onFinished: (seq: Sequence) => void): void {
    this.step++;
    if (this.joinedSinceLastStep.length > 0) this.joinedSinceLastStep.length = 0;
    const keys = this.heapKeys;
    while (keys.length > 0 && keys[0]! <= this.step) {
      const seq = this.heapSeqs[0]!;
      const epoch = this.heapEpochs[0]!;
      this.popFinish();
      if (seq.epoch !== epoch || seq.phase !== 'decode') continue;
      this.remove(seq);
      onFinished(seq);
    }
  }

  private residueOf(seq: Sequence): number {
    const b = this.blockSize;
    return (((seq.joinedAtStep - seq.kvAtJoin) % b) + b) % b;
  }

  private pushFinish(key: number, seq: Sequence): void {
    const keys = this.heapKeys;
    const seqs = this.heapSeqs;
    const epochs = this.heapEpochs;
    let i = keys.length;
    keys.push(key);
    seqs.push(seq);
    epochs.push(seq.epoch);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p]! <= key) break;
      keys[i] = keys[p]!;
      seqs[i] = seqs[p]!;
      epochs[i] = epochs[p]!;
      i = p;
    }
    keys[i] = key;
    seqs[i] = seq;
    epochs[i] = seq.epoch;
  }

  private popFinish(): void {
    const keys = this.heapKeys;
    const seqs = this.heapSeqs;
    const epochs = this.heapEpochs;
    const lastKey = keys.pop()!;
    const lastSeq = seqs.pop()!;
    const lastEpoch = epochs.pop()!;
    const n = keys.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && keys[r]! < keys[l]! ? r : l;
      if (keys[c]! >= lastKey) break;
      keys[i] = keys[c]!;
      seqs[i] = seqs[c]!;
      epochs[i] = epochs[c]!;
      i = c;
    }
    keys[i] = lastKey;
    seqs[i] = lastSeq;
    epochs[i] = lastEpoch;
  }
}
