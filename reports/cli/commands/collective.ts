import { DEFAULT_COLLECTIVE_COSTS, runCollective, type CollectiveKind, type CollectivePlan } from '../../../engine/fabric/collective-flows.js';
import { FlowNetwork } from '../../../engine/fabric/flow-network.js';
import { buildTopology, type Topology } from '../../../engine/fabric/topology.js';
import { Kernel } from '../../../engine/kernel/simulation-clock.js';
import { applyOverrides } from '../../../engine/scenario/apply-overrides.js';
import { describeValue, formatIssues } from '../../../engine/scenario/format-issues.js';
import { ScenarioError } from '../../../engine/scenario/scenario-issue.js';
import type { ClusterSpec } from '../../../engine/scenario/scenario-types.js';
import { validateScenario } from '../../../engine/scenario/validate-scenario.js';
import { EXIT, ExitError } from '../exit-codes.js';
import { emit } from '../output.js';

/** The collectives `headroom collective` runs, as nccl-tests names its binaries. */
export const COLLECTIVES = ['all-reduce', 'all-gather', 'reduce-scatter', 'all-to-all', 'sendrecv'] as const;
export type CollectiveName = (typeof COLLECTIVES)[number];

const NCCL_NAME: Record<CollectiveName, string> = {
  'all-reduce': 'all_reduce',
  'all-gather': 'all_gather',
  'reduce-scatter': 'reduce_scatter',
  'all-to-all': 'alltoall',
  sendrecv: 'sendrecv',
};
const REDOP: Record<CollectiveName, string> = {
  'all-reduce': 'sum',
  'all-gather': 'none',
  'reduce-scatter': 'sum',
  'all-to-all': 'none',
  sendrecv: 'sum',
};

/** nccl-tests' bus bandwidth factor: busbw = algbw x factor (its doc/PERFORMANCE.md conventions). */
export function busBandwidthFactor(kind: CollectiveName, ranks: number): number {
  if (ranks <= 1) return kind === 'sendrecv' ? 1 : 0;
  if (kind === 'all-reduce') return (2 * (ranks - 1)) / ranks;
  if (kind === 'sendrecv') return 1;
  return (ranks - 1) / ranks;
}

/** Collectives whose buffer nccl-tests splits evenly over the ranks (size rounded to ranks x 4 bytes, count per rank). */
function splitsOverRanks(kind: CollectiveName): boolean {
  return kind === 'all-gather' || kind === 'reduce-scatter' || kind === 'all-to-all';
}

export interface CollectiveCommandOptions {
  gpus: number;
  nodes?: number;
  gpu?: string;
  racks?: number;
  set: string[];
  sizes?: string;
  json?: boolean;
}

export const MAX_GPUS = 1024;
/** all-to-all is n(n-1) flows: at 256 GPUs that is 65,280 per size. */
export const MAX_ALL_TO_ALL_GPUS = 256;
const MAX_ROWS = 200;
const MAX_BYTES = 2 ** 40;
const UNITS: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/** "8", "64K", "8G" -> bytes (powers of 1024, as nccl-tests' -b/-e read them); null when malformed. */
function parseBytes(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)B?$/i.exec(text.trim());
  if (m === null) return null;
  const value = Number(m[1]) * UNITS[m[2]!.toUpperCase()]!;
  return Number.isFinite(value) ? Math.floor(value) : null;
}

/** --sizes from:to:factor -> the sizes, from `from` multiplying by `factor` while <= `to` (nccl-tests -b -e -f). */
export function parseSizes(text: string): number[] {
  const expected = `expected from:to:factor in bytes (K, M, G = 1024, 1024^2, 1024^3), such as 8:8G:2, with 1 <= from <= to <= 1T and an integer factor >= 2, got ${describeValue(text)}`;
  const parts = text.split(':');
  if (parts.length !== 3) throw new ExitError(EXIT.INVALID_INPUT, `--sizes: ${expected}`);
  const from = parseBytes(parts[0]!);
  const to = parseBytes(parts[1]!);
  const factor = Number(parts[2]);
  if (from === null || to === null || !(from >= 1) || !(to >= from) || !(to <= MAX_BYTES) || !Number.isInteger(factor) || factor < 2) {
    throw new ExitError(EXIT.INVALID_INPUT, `--sizes: ${expected}`);
  }
  const sizes: number[] = [];
  for (let size = from; size <= to; size *= factor) sizes.push(size);
  if (sizes.length > MAX_ROWS) throw new ExitError(EXIT.INVALID_INPUT, `--sizes: expected at most ${MAX_ROWS} sizes, got ${sizes.length} from ${describeValue(text)}`);
  return sizes;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The cluster the flags describe, through the scenario schema and rules (errors name the key path). */
export function collectiveCluster(options: CollectiveCommandOptions): ClusterSpec {
  for (const set of options.set) {
    const key = set.split('=', 1)[0]!.trim();
    if (!key.startsWith('cluster.')) {
      throw new ExitError(EXIT.INVALID_INPUT, `--set ${describeValue(set)}: collective takes cluster keys only (cluster.gpu, cluster.gpusPerNode, cluster.fabric.interNode.gbpsPerGpu, ...)`);
    }
  }
  const written: Record<string, unknown> = { gpu: options.gpu ?? 'h100-sxm', gpusPerNode: Math.min(options.gpus, 8) };
  if (options.nodes !== undefined) written.nodes = options.nodes;
  const applied = applyOverrides({ cluster: written }, options.set);
  if (!applied.ok) throw new ExitError(EXIT.INVALID_INPUT, applied.issues.map((i) => `--set: ${i.message}`).join('\n'));
  const root = applied.raw as Record<string, unknown>;
  const cluster: Record<string, unknown> = isMap(root.cluster) ? { ...root.cluster } : {};
  const perNode = cluster.gpusPerNode;
  if (cluster.nodes === undefined && Number.isInteger(perNode) && (perNode as number) >= 1) {
    cluster.nodes = Math.ceil(options.gpus / (perNode as number));
  }
  // A GPU's catalog entry names its scale-up fabric; nothing names a NIC, so a multi-node cluster
  // gets NDR InfiniBand at its catalog rate unless --set says otherwise (as `steptime` does).
  const nodes = cluster.nodes;
  const fabric: Record<string, unknown> = isMap(cluster.fabric) ? { ...cluster.fabric } : {};
  if (typeof nodes === 'number' && nodes > 1) {
    if (fabric.interNode === undefined) fabric.interNode = { kind: 'infiniband-ndr' };
    else if (isMap(fabric.interNode) && fabric.interNode.kind === undefined) fabric.interNode = { kind: 'infiniband-ndr', ...fabric.interNode };
    cluster.fabric = fabric;
  }
  const scenario = {
    name: 'collective',
    stop: { requests: 1 },
    // The smallest model there is: only the cluster is wanted, and it must pass the same rules.
    model: { layers: 1, hidden: 64, heads: 1, ffn: 64, vocab: 64 },
    cluster,
    serving: { tensorParallelSize: 1, replicas: 1 },
    workload: { arrival: { process: 'poisson', rate: 1 }, inputTokens: { dist: 'fixed', value: 1 }, outputTokens: { dist: 'fixed', value: 1 } },
  };
  const validated = validateScenario(scenario, { file: 'collective', baseDir: process.cwd() });
  if (!validated.ok) {
    if (validated.issues.some((i) => i.internal)) throw new ScenarioError(validated.issues);
    throw new ExitError(EXIT.INVALID_INPUT, `invalid cluster\n${formatIssues(validated.issues)}`);
  }
  const spec = validated.scenario.cluster;
  const total = spec.nodes * spec.gpusPerNode;
  if (options.gpus > total) {
    throw new ExitError(
      EXIT.INVALID_INPUT,
      `--gpus ${options.gpus}: the cluster has ${spec.nodes} node${spec.nodes === 1 ? '' : 's'} x ${spec.gpusPerNode} GPUs = ${total}; give more --nodes or fewer --gpus`,
    );
  }
  return spec;
}

/** The N GPUs a run uses: the same number on each node when N divides evenly (as mpirun -npernode places ranks), else node by node. */
export function collectiveGpus(topology: Topology, gpus: number): number[] {
  const usedNodes = Math.ceil(gpus / topology.gpusPerNode);
  const perNode = gpus % usedNodes === 0 ? gpus / usedNodes : topology.gpusPerNode;
  const out: number[] = [];
  for (let node = 0; out.length < gpus; node++) {
    for (let local = 0; local < perNode && out.length < gpus; local++) out.push(node * topology.gpusPerNode + local);
  }
  return out;
}

export interface CollectiveRow {
  bytes: number;
  count: number;
  type: 'float';
  redop: string;
  root: number;
  seconds: number;
  algbwGBps: number;
  busbwGBps: number;
  /** What the model ran at this size ('auto' takes the fastest on an idle fabric, so it may change with size). */
  algorithm: CollectivePlan['algorithm'];
}

export interface CollectivePrediction {
  kind: 'collective';
  version: 1;
  collective: CollectiveName;
  ncclTest: string;
  gpus: number;
  nodes: number;
  gpusPerNode: number;
  racks: number;
  cluster: {
    gpu: string;
    intraNode: { fabric: string; GBpsPerGpu: number; allReduceBandwidthEfficiency: number | null; nvls: { bandwidthEfficiency: number; latencyUs: number } | null };
    interNode: { fabric: string; gbpsPerGpu: number; oversubscription: number; allReduceBandwidthEfficiency: number | null } | null;
  };
  /** The algorithm of the largest size (each row names its own). */
  algorithm: CollectivePlan['algorithm'];
  costs: { fixedSeconds: number; stepLatency: 'per link (catalog latencyUs)'; pipelineFill: boolean };
  rows: CollectiveRow[];
  averageBusbwGBps: number;
}

/** Runs one collective of `bytes` on a fresh, otherwise idle flow network: its time in seconds. */
function runOnce(topology: Topology, kind: CollectiveKind, gpus: readonly number[], bytes: number): { seconds: number; plan: CollectivePlan } {
  const kernel = new Kernel();
  const network = new FlowNetwork(kernel, topology.links, { seriesBuckets: 0 });
  let seconds: number | null = null;
  const run = runCollective(network, topology, { kind, gpus, bytes, costs: DEFAULT_COLLECTIVE_COSTS }, (result) => {
    seconds = result.seconds;
  });
  kernel.run();
  if (seconds === null) throw new Error(`collective ${kind} of ${bytes} bytes never finished`);
  return { seconds, plan: run.plan };
}

/** `headroom collective`: the model's prediction of an nccl-tests run. */
export function predictCollective(kind: CollectiveName, options: CollectiveCommandOptions): CollectivePrediction {
  if (kind === 'all-to-all' && options.gpus > MAX_ALL_TO_ALL_GPUS) {
    throw new ExitError(EXIT.INVALID_INPUT, `--gpus ${options.gpus}: all-to-all runs one flow per GPU pair; expected at most ${MAX_ALL_TO_ALL_GPUS} GPUs`);
  }
  if (kind === 'sendrecv' && options.gpus < 2) throw new ExitError(EXIT.INVALID_INPUT, '--gpus 1: sendrecv needs at least 2 GPUs');
  const sizes = parseSizes(options.sizes ?? '8:8G:2');
  const cluster = collectiveCluster(options);
  let topology: Topology;
  try {
    topology = buildTopology(cluster, options.racks === undefined ? {} : { racks: options.racks });
  } catch (error) {
    if (error instanceof RangeError) throw new ExitError(EXIT.INVALID_INPUT, `--racks ${options.racks}: ${error.message.replace(/^topology[^:]*: /, '')}`);
    throw error;
  }
  const gpus = collectiveGpus(topology, options.gpus);
  const n = gpus.length;
  let algorithm: CollectivePlan['algorithm'] = 'none';
  const rows: CollectiveRow[] = sizes.map((requested) => {
    const align = 4 * (splitsOverRanks(kind) ? n : 1);
    const bytes = Math.floor(requested / align) * align;
    const { seconds, plan } = runOnce(topology, kind, gpus, bytes);
    if (plan.algorithm !== 'none') algorithm = plan.algorithm;
    const algbwGBps = seconds > 0 ? bytes / seconds / 1e9 : 0;
    return {
      bytes,
      count: splitsOverRanks(kind) ? bytes / 4 / n : bytes / 4,
      type: 'float',
      redop: REDOP[kind],
      root: -1,
      seconds,
      algbwGBps,
      busbwGBps: algbwGBps * busBandwidthFactor(kind, n),
      algorithm: plan.algorithm,
    };
  });
  const intra = cluster.fabric.intraNode;
  const inter = cluster.fabric.interNode;
  return {
    kind: 'collective',
    version: 1,
    collective: kind,
    ncclTest: `${NCCL_NAME[kind]}_perf`,
    gpus: n,
    nodes: cluster.nodes,
    gpusPerNode: cluster.gpusPerNode,
    racks: topology.racks,
    cluster: {
      gpu: cluster.gpu.id,
      intraNode: { fabric: intra.id, GBpsPerGpu: intra.GBpsPerGpu, allReduceBandwidthEfficiency: intra.allReduceBandwidthEfficiency ?? null, nvls: intra.nvls ?? null },
      interNode:
        inter === null
          ? null
          : {
              fabric: inter.fabric.id,
              gbpsPerGpu: inter.gbpsPerGpu,
              oversubscription: topology.oversubscription,
              allReduceBandwidthEfficiency: inter.fabric.allReduceBandwidthEfficiency ?? null,
            },
    },
    algorithm,
    costs: { fixedSeconds: DEFAULT_COLLECTIVE_COSTS.fixedSeconds, stepLatency: 'per link (catalog latencyUs)', pipelineFill: DEFAULT_COLLECTIVE_COSTS.pipelineFill ?? false },
    rows,
    averageBusbwGBps: rows.length === 0 ? 0 : rows.reduce((sum, r) => sum + r.busbwGBps, 0) / rows.length,
  };
}

/** What the header says of an algorithm beyond its name. */
const ALGORITHM_NOTE: Partial<Record<CollectivePlan['algorithm'], string>> = {
  hierarchical: ' (intra-node ring, inter-node rails, phases overlapped)',
  nvls: ' (NVLink SHARP: the switch reduces, S + S/g per port; across nodes the rails beside it, overlapped)',
};

/** nccl-tests' time column: 2 decimals below 100 us, 1 below 10 ms, none above. */
function formatMicros(seconds: number): string {
  const us = seconds * 1e6;
  return us >= 10000 ? us.toFixed(0) : us >= 100 ? us.toFixed(1) : us.toFixed(2);
}

/** The prediction as nccl-tests prints a run (out-of-place columns), with a few '#' lines on the model first. */
export function formatCollectiveTable(p: CollectivePrediction): string {
  const { cluster } = p;
  const efficiency = (e: number | null) => (e === null ? 'line rate' : `efficiency ${e}`);
  const lines = [
    `# headroom collective: the flow model's ${p.ncclTest} over ${p.gpus} GPU${p.gpus === 1 ? '' : 's'}, in nccl-tests' layout (out-of-place columns)`,
    `# cluster: ${p.nodes} node${p.nodes === 1 ? '' : 's'} x ${p.gpusPerNode} ${cluster.gpu}; ${cluster.intraNode.fabric} ${cluster.intraNode.GBpsPerGpu} GB/s per GPU (${cluster.intraNode.nvls === null ? '' : 'ring at '}${efficiency(cluster.intraNode.allReduceBandwidthEfficiency)}` +
      `${cluster.intraNode.nvls === null ? '' : `; NVLS efficiency ${cluster.intraNode.nvls.bandwidthEfficiency}, ${cluster.intraNode.nvls.latencyUs} us per call`})` +
      (cluster.interNode === null
        ? ''
        : `; ${cluster.interNode.fabric} ${cluster.interNode.gbpsPerGpu} Gb/s per GPU (${efficiency(cluster.interNode.allReduceBandwidthEfficiency)}), ` +
          (p.racks === 1
            ? `one leaf${cluster.interNode.oversubscription > 1 ? ` (oversubscription ${cluster.interNode.oversubscription} applies at the spine; give --racks to use one)` : ''}`
            : `${p.racks} racks, spine oversubscription ${cluster.interNode.oversubscription}`)),
    `# model: ${p.algorithm}${ALGORITHM_NOTE[p.algorithm] ?? ''}; fixed ${(p.costs.fixedSeconds * 1e6).toFixed(1)} us per call, step latency per link from the catalog${p.costs.pipelineFill ? ', chunk-pipelining fill' : ''}`,
    '#',
    '#                                                              out-of-place',
    '#       size         count      type   redop    root     time   algbw   busbw',
    '#        (B)    (elements)                               (us)  (GB/s)  (GB/s)',
  ];
  for (const r of p.rows) {
    lines.push(
      `${String(r.bytes).padStart(12)}  ${String(r.count).padStart(12)}  ${r.type.padStart(8)}  ${r.redop.padStart(6)}  ${String(r.root).padStart(6)}  ` +
        `${formatMicros(r.seconds).padStart(7)}  ${r.algbwGBps.toFixed(2).padStart(6)}  ${r.busbwGBps.toFixed(2).padStart(6)}`,
    );
  }
  lines.push(`# Avg bus bandwidth    : ${p.averageBusbwGBps.toFixed(3)}`, '#');
  return `${lines.join('\n')}\n`;
}

export function collectiveCommand(kind: CollectiveName, options: CollectiveCommandOptions): void {
  const prediction = predictCollective(kind, options);
  emit(prediction, () => formatCollectiveTable(prediction), { json: options.json ?? false });
}
