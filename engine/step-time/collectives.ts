/**
 * Times of the collectives a replica issues, as closed-form alpha-beta models: a fixed launch
 * cost, a per-step link latency, and the bytes each link carries over its effective bandwidth.
 *
 * Conventions for every function here:
 * - `bytes` is the logical message (what `torch.distributed` is handed), not what a link carries.
 * - `linkGBps` is one direction of one GPU's link, GB/s (1e9 bytes/s), as catalog fabrics give it.
 * - `bandwidthEfficiency` is the fraction of `linkGBps` the collective achieves on large messages.
 * - `fixedSeconds` is a per-call cost independent of the ring length: kernel launch and
 *   synchronisation. Vidur's single-node all-reduce profiles show a floor of 28-40 us that does not
 *   grow with the number of GPUs (see step-time-calibration.ts), so it is not a per-hop latency.
 * - A collective over one GPU, or of zero bytes, costs 0: nothing is sent.
 * These run on every simulated step, so they check their arguments with comparisons only.
 */

function checkArguments(name: string, bytes: number, n: number, linkGBps: number): void {
  if (!(bytes >= 0) || !(n >= 1) || !(linkGBps > 0)) {
    throw new RangeError(
      `${name}: expected bytes >= 0, n >= 1 and linkGBps > 0, got bytes=${bytes}, n=${n}, linkGBps=${linkGBps}`,
    );
  }
}

/**
 * Ring all-reduce of `bytes` over `n` GPUs: reduce-scatter then all-gather, 2(n-1) steps, each
 * moving bytes/n over every link, so 2(n-1)/n of the message crosses each link.
 */
export function ringAllReduceSeconds(
  bytes: number,
  n: number,
  linkGBps: number,
  latencySeconds: number,
  bandwidthEfficiency = 1,
  fixedSeconds = 0,
): number {
  checkArguments('ringAllReduceSeconds', bytes, n, linkGBps);
  return stepped(2 * (n - 1), bytes, n, linkGBps, latencySeconds, bandwidthEfficiency, fixedSeconds);
}

/**
 * A collective run as `steps` rounds over n GPUs, each round paying the link latency and moving
 * 1/n of `bytes` over every link: fixed + steps x latency + (steps / n) x bytes / bandwidth.
 */
function stepped(
  steps: number,
  bytes: number,
  n: number,
  linkGBps: number,
  latencySeconds: number,
  bandwidthEfficiency: number,
  fixedSeconds: number,
): number {
  if (n === 1 || bytes === 0) return 0;
  return fixedSeconds + steps * latencySeconds + ((steps / n) * bytes) / (linkGBps * 1e9 * bandwidthEfficiency);
}

/**
 * Ring all-gather (or reduce-scatter) whose *gathered* result is `bytes`: n-1 steps, (n-1)/n of the
 * result crosses each link. Half an all-reduce.
 */
export function allGatherSeconds(
  bytes: number,
  n: number,
  linkGBps: number,
  latencySeconds: number,
  bandwidthEfficiency = 1,
  fixedSeconds = 0,
): number {
  checkArguments('allGatherSeconds', bytes, n, linkGBps);
  return stepped(n - 1, bytes, n, linkGBps, latencySeconds, bandwidthEfficiency, fixedSeconds);
}

/**
 * All-to-all where each GPU holds `bytes` to scatter evenly over all `n` GPUs (expert-parallel
 * dispatch or combine): (n-1)/n of it leaves over the GPU's link; pairwise exchanges run as n-1
 * steps, each paying the link latency. Assumes a switched fabric (NVSwitch, a non-blocking
 * spine): every GPU sends at its full link rate at once.
 */
export function allToAllSeconds(
  bytes: number,
  n: number,
  linkGBps: number,
  latencySeconds: number,
  bandwidthEfficiency = 1,
  fixedSeconds = 0,
): number {
  checkArguments('allToAllSeconds', bytes, n, linkGBps);
  return stepped(n - 1, bytes, n, linkGBps, latencySeconds, bandwidthEfficiency, fixedSeconds);
}

/** Point-to-point send of `bytes` from one GPU to another (pipeline activations, KV transfer). */
export function sendRecvSeconds(
  bytes: number,
  linkGBps: number,
  latencySeconds: number,
  bandwidthEfficiency = 1,
): number {
  checkArguments('sendRecvSeconds', bytes, 2, linkGBps);
  if (bytes === 0) return 0;
  return latencySeconds + bytes / (linkGBps * 1e9 * bandwidthEfficiency);
}

/**
 * All-reduce of a group spanning `nodes` nodes of `gpusPerNode` GPUs each, as NCCL runs it across
 * nodes (hierarchically): reduce-scatter inside each node over the scale-up link, an all-reduce of
 * each GPU's 1/gpusPerNode share across nodes over its own NIC (one ring per rail), then an
 * all-gather inside the node. The phases' latencies add; their bandwidth terms overlap (NCCL
 * pipelines chunks through them), so the busier link sets the bandwidth time: the scale-up link
 * carries the reduce-scatter and the all-gather, 2(g-1)/g of the message; the NIC 2(k-1)/k of its
 * 1/g share. On one node this is the ring all-reduce exactly.
 */
export function hierarchicalAllReduceSeconds(
  bytes: number,
  gpusPerNode: number,
  nodes: number,
  intra: { GBps: number; latencySeconds: number },
  inter: { GBps: number; latencySeconds: number },
  bandwidthEfficiency = 1,
  fixedSeconds = 0,
): number {
  checkArguments('hierarchicalAllReduceSeconds', bytes, gpusPerNode * nodes, Math.min(intra.GBps, inter.GBps));
  if (bytes === 0 || gpusPerNode * nodes === 1) return 0;
  const g = gpusPerNode;
  const k = nodes;
  const latency = 2 * (g - 1) * intra.latencySeconds + 2 * (k - 1) * inter.latencySeconds;
  const intraSeconds = (((2 * (g - 1)) / g) * bytes) / (intra.GBps * 1e9 * bandwidthEfficiency);
  const interSeconds = (((2 * (k - 1)) / k) * (bytes / g)) / (inter.GBps * 1e9 * bandwidthEfficiency);
  return fixedSeconds + latency + Math.max(intraSeconds, interSeconds);
}
