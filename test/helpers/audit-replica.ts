import type { Replica } from '../../engine/replica/replica.js';

/**
 * Recounts a replica's KV blocks from scratch (walking every running sequence) and returns the
 * problems found: the incremental counters the simulator keeps must agree with this slow count.
 */
export function auditReplica(replica: Replica): string[] {
  const problems: string[] = [];
  let blocks = 0;
  let running = 0;
  for (let seq = replica.running.head; seq !== null; seq = seq.next) {
    running++;
    blocks += seq.phase === 'decode' ? replica.decoding.blocksOf(seq) : seq.blocks;
    if (seq.phase !== 'decode' && seq.phase !== 'prefill') problems.push(`running sequence ${seq.id} in phase ${seq.phase}`);
  }
  const { kv } = replica;
  if (running !== replica.running.length) problems.push(`running list holds ${running}, length says ${replica.running.length}`);
  if (running > replica.config.maxNumSeqs) problems.push(`${running} running > maxNumSeqs ${replica.config.maxNumSeqs}`);
  if (blocks !== kv.used) problems.push(`KV blocks recounted ${blocks}, counter says ${kv.used}`);
  if (kv.used < 0 || kv.used > kv.capacity) problems.push(`KV used ${kv.used} outside [0, ${kv.capacity}]`);
  return problems;
}
