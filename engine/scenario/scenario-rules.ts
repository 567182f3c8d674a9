import { GIB } from '../replica/memory-plan.js';
import { replicaMemoryPlan } from '../replica/replica-shape.js';
import type { ScenarioIssue } from './scenario-issue.js';
import type { LengthSpec, Scenario } from './scenario-types.js';
import { gpusInUse, gpusPerReplica as gpusPerReplicaOf, poolScenario } from './deployment.js';
import { buildTopology } from '../fabric/topology.js';
import { componentCount } from '../failures/failure-driver.js';

/**
 * Cross-field rules on a normalized Scenario. Each is one named function that returns the issues
 * it finds (never throws); `checkScenarioRules` runs them all so that every problem is reported at
 * once. Where vLLM refuses a configuration at startup, the rule follows vLLM and says so.
 */
export type ScenarioRule = (scenario: Scenario, file: string) => ScenarioIssue[];

/** Every GPU count a replica shape may use: the divisors of n. */
function divisors(n: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= n; d++) if (n % d === 0) out.push(d);
  return out;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * A TP group tiles a node (TP divides gpusPerNode) or spans whole nodes (a multiple of it): vLLM
 * runs TP across nodes with Ray; legitimate, and costly, since its all-reduces cross the NICs.
 */
function tensorParallelFits(s: Scenario): boolean {
  const tp = s.serving.tensorParallelSize;
  const perNode = s.cluster.gpusPerNode;
  return tp <= perNode ? perNode % tp === 0 : tp % perNode === 0;
}

function totalGpus(s: Scenario): number {
  return s.cluster.nodes * s.cluster.gpusPerNode;
}

function gpusPerReplica(s: Scenario): number {
  return gpusPerReplicaOf(s);
}

/** A bounded workload: stop.requests or stop.duration, unless a trace ends by itself. */
export function stopIsReachable(s: Scenario, file: string): ScenarioIssue[] {
  if (s.stop.requests !== null || s.stop.duration !== null) return [];
  const process = s.workload.arrival.process;
  if (process === 'trace') return [];
  const why =
    process === 'closed'
      ? "a closed workload's clients keep sending forever"
      : `a ${process} arrival process never ends by itself`;
  return [{ file, path: ['stop'], message: `expected requests or duration (${why}), got neither` }];
}

/** Most arrivals a run may imply: stop.requests' own cap (SCENARIO_BOUNDS.maxStopRequests). */
const MAX_IMPLIED_ARRIVALS = 1e8;
/**
 * Longest simulated span: a double resolves a time T to about T x 2.2e-16, so at 1e9 s a clock
 * still sees 0.2 us; far later, `arrival + step == arrival` and every latency reads 0.
 */
export const MAX_SIMULATED_SECONDS = 1e9;

/**
 * The arrivals a run implies are bounded before it starts: an open process at `rate` for
 * stop.duration offers rate x duration requests (when stop.requests does not end it sooner), and
 * every request costs at least two events (its arrival and its completion). A run that cannot
 * finish inside its budgets is refused with the estimate, instead of running for minutes first.
 */
export function impliedWorkFitsBudgets(s: Scenario, file: string): ScenarioIssue[] {
  const a = s.workload.arrival;
  const rate = a.process === 'poisson' || a.process === 'gamma' ? a.rate : null;
  const byDuration = rate !== null && s.stop.duration !== null ? rate * s.stop.duration : Infinity;
  const requests = Math.min(s.stop.requests ?? Infinity, byDuration);
  const round = (n: number) => (Math.abs(n) >= 1e12 ? n.toExponential(2) : Number(n.toPrecision(3)).toLocaleString('en-US'));
  if (!Number.isFinite(requests)) return [];
  if (requests > MAX_IMPLIED_ARRIVALS) {
    return [
      {
        file,
        path: ['stop', 'duration'],
        message:
          `expected a run of at most ${round(MAX_IMPLIED_ARRIVALS)} arrivals, got about ${round(requests)} ` +
          `(${round(rate!)} req/s for ${round(s.stop.duration!)} s); shorten stop.duration or set stop.requests`,
      },
    ];
  }
  // stop.duration itself is capped at 1e9 s by its parser; a rate implies the span of its requests.
  const span = s.stop.duration ?? (rate === null ? 0 : requests / rate);
  if (span > MAX_SIMULATED_SECONDS) {
    return [
      {
        file,
        path: ['workload', 'arrival', 'rate'],
        message:
          `expected a run of at most ${round(MAX_SIMULATED_SECONDS)} simulated seconds (~31 years; later times lose the ` +
          `microseconds a step is made of to rounding), got about ${round(span)} s (${round(requests)} requests at ${rate} req/s)`,
      },
    ];
  }
  if (2 * requests > s.limits.eventBudget) {
    return [
      {
        file,
        path: ['limits', 'eventBudget'],
        message:
          `expected a budget for at least ${round(2 * requests)} events (about ${round(requests)} requests, ` +
          `two events each at the least), got ${round(s.limits.eventBudget)}; raise limits.eventBudget or shorten the run`,
      },
    ];
  }
  return [];
}

/** Tensor parallelism tiles a node, or spans whole nodes: TP divides gpusPerNode or is a multiple of it. */
export function tensorParallelFitsInNode(s: Scenario, file: string): ScenarioIssue[] {
  if (tensorParallelFits(s)) return [];
  const tp = s.serving.tensorParallelSize;
  const perNode = s.cluster.gpusPerNode;
  return [
    {
      file,
      path: ['serving', 'tensorParallelSize'],
      message:
        `expected a divisor of the ${perNode} GPUs per node (${divisors(perNode).join(', ')}) or a multiple of it ` +
        `(a TP group spanning whole nodes, e.g. ${2 * perNode}), got ${tp}`,
    },
  ];
}

/** Replicas of TP x PP GPUs tile the cluster: TP x PP divides nodes x gpusPerNode. */
export function replicaShapeTilesCluster(s: Scenario, file: string): ScenarioIssue[] {
  const total = totalGpus(s);
  const shape = gpusPerReplica(s);
  // A TP that does not tile a node is reported by tensorParallelFitsInNode; this would repeat it.
  if (total % shape === 0 || !tensorParallelFits(s)) return [];
  const { tensorParallelSize: tp, pipelineParallelSize: pp } = s.serving;
  return [
    {
      file,
      path: ['serving', 'pipelineParallelSize'],
      message:
        `expected TP x PP to divide the cluster's ${total} GPUs (${plural(s.cluster.nodes, 'node')} x ${s.cluster.gpusPerNode}), ` +
        `got TP ${tp} x PP ${pp} = ${shape} GPUs per replica`,
    },
  ];
}

/** replicas x TP x PP <= total GPUs. */
export function replicasFitCluster(s: Scenario, file: string): ScenarioIssue[] {
  const total = totalGpus(s);
  const shape = gpusPerReplica(s);
  if (shape > total) return []; // replicaShapeTilesCluster already names the shape
  const most = Math.floor(total / shape);
  if (s.serving.replicas <= most) return [];
  return [
    {
      file,
      path: ['serving', 'replicas'],
      message: `expected at most ${most} (${total} GPUs / ${shape} GPUs per replica), got ${s.serving.replicas}`,
    },
  ];
}

/** vLLM: attention heads divide over TP ranks; KV heads divide over them or are replicated. */
export function headsSplitAcrossTensorParallel(s: Scenario, file: string): ScenarioIssue[] {
  const m = s.model;
  const tp = s.serving.tensorParallelSize;
  const issues: ScenarioIssue[] = [];
  if (!tensorParallelFits(s)) return issues; // tensorParallelFitsInNode names TP already
  if (m.heads % tp !== 0) {
    issues.push({
      file,
      path: ['serving', 'tensorParallelSize'],
      message: `expected a divisor of ${m.id}'s ${m.heads} attention heads (vLLM shards heads evenly), got ${tp}`,
    });
  } else if (m.attention.kind === 'gqa' && m.kvHeads % tp !== 0 && tp % m.kvHeads !== 0) {
    issues.push({
      file,
      path: ['serving', 'tensorParallelSize'],
      message: `expected a divisor or multiple of ${m.id}'s ${m.kvHeads} KV heads, got ${tp}`,
    });
  }
  return issues;
}

/** Every pipeline stage holds at least one layer. */
export function layersSplitAcrossPipeline(s: Scenario, file: string): ScenarioIssue[] {
  const pp = s.serving.pipelineParallelSize;
  if (pp <= s.model.layers) return [];
  return [
    {
      file,
      path: ['serving', 'pipelineParallelSize'],
      message: `expected at most ${s.model.id}'s ${s.model.layers} layers (one per stage at least), got ${pp}`,
    },
  ];
}

/** A replica spread over several nodes needs an inter-node fabric to talk over. */
export function multiNodeReplicaHasFabric(s: Scenario, file: string): ScenarioIssue[] {
  const shape = gpusPerReplica(s);
  if (shape <= s.cluster.gpusPerNode || s.cluster.fabric.interNode !== null) return [];
  if (shape > totalGpus(s)) return [];
  return [
    {
      file,
      path: ['cluster', 'fabric', 'interNode'],
      message:
        `expected an inter-node fabric such as { kind: infiniband-ndr } (a replica of ${shape} GPUs spans ` +
        `nodes of ${s.cluster.gpusPerNode}), got nothing`,
    },
  ];
}

/** vLLM: max_model_len may not exceed the model's context length. */
export function maxModelLenWithinContext(s: Scenario, file: string): ScenarioIssue[] {
  if (s.serving.maxModelLen <= s.model.maxContext) return [];
  return [
    {
      file,
      path: ['serving', 'maxModelLen'],
      message: `expected at most ${s.model.id}'s context of ${s.model.maxContext} tokens, got ${s.serving.maxModelLen}`,
    },
  ];
}

function gib(bytes: number): string {
  const v = bytes / GIB;
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1);
}

/** What would make weights fit: more TP (inside a node), more PP, a narrower dtype, more HBM. */
function fitSuggestions(s: Scenario, activationsToo: boolean): string {
  const { tensorParallelSize: tp, pipelineParallelSize: pp, quantization, gpuMemoryUtilization } = s.serving;
  const out: string[] = [];
  // TP first (stays in a node, no pipeline bubbles); PP only when TP cannot grow in this cluster.
  if (tp * 2 <= s.cluster.gpusPerNode) out.push('raise serving.tensorParallelSize');
  else if (tp * pp * 2 <= totalGpus(s)) out.push('raise serving.pipelineParallelSize');
  if (quantization === 'bf16') out.push('use quantization fp8');
  else if (quantization === 'fp8') out.push('use quantization int4');
  if (activationsToo) out.push('lower serving.maxNumBatchedTokens');
  if (activationsToo && gpuMemoryUtilization < 0.95) out.push('raise serving.gpuMemoryUtilization');
  if (out.length === 0) out.push('use a GPU with more memory');
  return out.join(' or ');
}

/**
 * The model fits: weights and the activation reserve leave room in HBM x gpuMemoryUtilization
 * for the KV cache of at least one maxModelLen sequence. vLLM refuses to start otherwise
 * ("No available memory for the cache blocks" / "The model's max seq len is larger than the
 * maximum number of tokens that can be stored in KV cache").
 */
export function modelFitsInMemory(s: Scenario, file: string): ScenarioIssue[] {
  const plan = replicaMemoryPlan(s);
  const { model, cluster, serving } = s;
  const gpu = cluster.gpu;
  const shape = `TP${serving.tensorParallelSize} PP${serving.pipelineParallelSize}`;
  const usable = `${gib(plan.budgetBytesPerGpu)} GiB usable (${serving.gpuMemoryUtilization} x ${gib(gpu.hbmGiB * GIB)} GiB)`;
  if (!plan.fits) {
    const total = plan.weightBytesPerGpu * serving.tensorParallelSize * serving.pipelineParallelSize;
    const weightsAlone = plan.weightBytesPerGpu >= plan.budgetBytesPerGpu;
    const needs =
      `${model.id} needs ${gib(total)} GiB of ${serving.quantization} weights = ` +
      `${gib(plan.weightBytesPerGpu)} GiB per GPU at ${shape}` +
      (weightsAlone ? '' : ` plus ${gib(plan.activationBytesPerGpu)} GiB of activations and runtime reserve`);
    const leaves = weightsAlone ? '' : ', leaving no room for the KV cache';
    return [
      {
        file,
        path: ['model'],
        message: `${needs}, but ${gpu.id} has ${usable}${leaves}; ${fitSuggestions(s, !weightsAlone)}`,
      },
    ];
  }
  if (plan.kvTokens < serving.maxModelLen) {
    return [
      {
        file,
        path: ['serving', 'maxModelLen'],
        message:
          `expected at most ${plan.kvTokens} tokens, the KV cache one replica holds ` +
          `(${gib(plan.kvBytesPerGpu)} GiB per GPU left of ${usable} after ${gib(plan.weightBytesPerGpu)} GiB of weights ` +
          `and ${gib(plan.activationBytesPerGpu)} GiB of activations at ${shape}), got ${serving.maxModelLen}; ` +
          `lower serving.maxModelLen or ${fitSuggestions(s, false)}`,
      },
    ];
  }
  return [];
}

/** uniform { min, max } has min <= max. */
export function uniformRangesOrdered(s: Scenario, file: string): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  for (const key of ['inputTokens', 'outputTokens'] as const) {
    const spec = s.workload[key];
    if (spec.dist === 'uniform' && spec.min > spec.max) {
      issues.push({
        file,
        path: ['workload', key, 'min'],
        message: `expected at most max (${spec.max}), got ${spec.min}`,
      });
    }
  }
  return issues;
}

/**
 * vLLM (SchedulerConfig): without chunked prefill a whole prompt must fit one step, so
 * max_num_batched_tokens >= max_model_len.
 */
export function batchedTokensCoverModelLen(s: Scenario, file: string): ScenarioIssue[] {
  const { enableChunkedPrefill, maxNumBatchedTokens, maxModelLen } = s.serving;
  if (enableChunkedPrefill || maxNumBatchedTokens >= maxModelLen) return [];
  return [
    {
      file,
      path: ['serving', 'maxNumBatchedTokens'],
      message:
        `expected at least serving.maxModelLen (${maxModelLen}) when serving.enableChunkedPrefill is false ` +
        `(a prompt must fit one step), got ${maxNumBatchedTokens}; raise serving.maxNumBatchedTokens, ` +
        `lower serving.maxModelLen or enable chunked prefill`,
    },
  ];
}

/** vLLM (SchedulerConfig): max_num_batched_tokens >= max_num_seqs (each sequence needs a token slot). */
export function batchedTokensCoverSeqs(s: Scenario, file: string): ScenarioIssue[] {
  const { maxNumBatchedTokens, maxNumSeqs } = s.serving;
  if (maxNumBatchedTokens >= maxNumSeqs) return [];
  return [
    {
      file,
      path: ['serving', 'maxNumBatchedTokens'],
      message: `expected at least serving.maxNumSeqs (${maxNumSeqs}), got ${maxNumBatchedTokens}`,
    },
  ];
}

function shortest(spec: LengthSpec): number | null {
  if (spec.dist === 'fixed') return spec.value;
  if (spec.dist === 'uniform') return spec.min;
  return null;
}

/** Some request must fit maxModelLen: a workload whose every request is longer would drop them all. */
export function shortestRequestFitsModelLen(s: Scenario, file: string): ScenarioIssue[] {
  if (s.workload.arrival.process === 'trace') return [];
  const input = shortest(s.workload.inputTokens);
  const output = shortest(s.workload.outputTokens);
  if (input === null || output === null || input + output <= s.serving.maxModelLen) return [];
  return [
    {
      file,
      path: ['workload', 'inputTokens'],
      message:
        `expected requests that fit serving.maxModelLen (${s.serving.maxModelLen} tokens), got at least ` +
        `${input} input + ${output} output tokens each; every request would be dropped`,
    },
  ];
}

/** cluster.topology lays the nodes out in racks that exist: none empty, none missing. */
export function topologyHoldsNodes(s: Scenario, file: string): ScenarioIssue[] {
  if (s.cluster.topology === null) return [];
  try {
    buildTopology(s.cluster, s.cluster.topology);
    return [];
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return [{ file, path: ['cluster', 'topology'], message: `expected racks that hold the ${s.cluster.nodes} nodes: ${error.message.replace(/^topology[.:]?\s*/, '')}` }];
  }
}

/** A scheduled failure hits a component that exists: a GPU, node, rack or replica of the cluster. */
export function failureTargetsExist(s: Scenario, file: string): ScenarioIssue[] {
  return s.failures.flatMap((f, i) => {
    if (f.at === null) return [];
    const n = componentCount(s, f.kind);
    if (f.target < n) return [];
    const what = f.kind === 'straggler' || f.kind === 'gpu' ? 'GPU' : f.kind === 'engine' ? 'replica' : f.kind;
    return [{ file, path: ['failures', i, 'target'], message: `expected a ${what} index from 0 to ${n - 1} (the cluster has ${n}), got ${f.target}` }];
  });
}

/**
 * Expert parallelism fits the model and the shape: an MoE model whose experts divide over the EP
 * GPUs; without data-parallel attention EP is the TP group (vLLM: EP = TP x DP); with it, EP is a
 * multiple of TP (the data-parallel ranks), PP 1 and no disaggregation.
 */
export function expertParallelFits(s: Scenario, file: string): ScenarioIssue[] {
  const { expertParallelSize: ep, dataParallelAttention: dp, tensorParallelSize: tp } = s.serving;
  const at = (key: string, message: string): ScenarioIssue[] => [{ file, path: ['serving', key], message }];
  if (ep === 1 && !dp) return [];
  if (dp && ep === 1) return at('dataParallelAttention', 'expected serving.expertParallelSize above 1 with data-parallel attention (its ranks share the experts), got 1');
  if (s.model.experts === 0) return at('expertParallelSize', `expected 1 for ${s.model.id}, a dense model (no experts to spread), got ${ep}`);
  if (s.model.experts % ep !== 0) return at('expertParallelSize', `expected a divisor of ${s.model.id}'s ${s.model.experts} experts, got ${ep}`);
  if (!dp && ep !== tp) return at('expertParallelSize', `expected ${tp}, the tensor-parallel size (without data-parallel attention the experts spread over the TP group, as vLLM's --enable-expert-parallel does), got ${ep}`);
  if (dp && ep % tp !== 0) return at('expertParallelSize', `expected a multiple of tensorParallelSize ${tp} (data-parallel ranks of TP GPUs each), got ${ep}`);
  if (dp && s.serving.pipelineParallelSize > 1) return at('pipelineParallelSize', `expected 1 with data-parallel attention, got ${s.serving.pipelineParallelSize}`);
  if (dp && s.serving.disaggregation !== null) return at('dataParallelAttention', 'expected no data-parallel attention with serving.disaggregation (not modelled)');
  return [];
}

/** Every rule, in the order their issues are reported. */
export const SCENARIO_RULES: readonly ScenarioRule[] = [
  stopIsReachable,
  impliedWorkFitsBudgets,
  tensorParallelFitsInNode,
  replicaShapeTilesCluster,
  replicasFitCluster,
  headsSplitAcrossTensorParallel,
  layersSplitAcrossPipeline,
  multiNodeReplicaHasFabric,
  maxModelLenWithinContext,
  modelFitsInMemory,
  uniformRangesOrdered,
  batchedTokensCoverModelLen,
  batchedTokensCoverSeqs,
  shortestRequestFitsModelLen,
  topologyHoldsNodes,
  failureTargetsExist,
  expertParallelFits,
];

/** The rules about one replica's shape: with disaggregation they hold for each pool. */
const SHAPE_RULES: readonly ScenarioRule[] = [tensorParallelFitsInNode, headsSplitAcrossTensorParallel, multiNodeReplicaHasFabric, modelFitsInMemory];

/** Both pools together fit the cluster: prefill x TP + decode x TP <= nodes x gpusPerNode. */
export function poolsFitCluster(s: Scenario, file: string): ScenarioIssue[] {
  const d = s.serving.disaggregation;
  if (d === null) return [];
  const used = gpusInUse(s);
  if (used <= totalGpus(s)) {
    if (used <= s.cluster.gpusPerNode || s.cluster.fabric.interNode !== null) return [];
    return [
      {
        file,
        path: ['cluster', 'fabric', 'interNode'],
        message: `expected an inter-node fabric such as { kind: infiniband-ndr } (the pools' ${used} GPUs span nodes of ${s.cluster.gpusPerNode}: KV moves between them), got nothing`,
      },
    ];
  }
  return [
    {
      file,
      path: ['serving', 'disaggregation'],
      message:
        `expected the pools to fit the cluster's ${totalGpus(s)} GPUs, got ${d.prefill.replicas} prefill x TP${d.prefill.tensorParallelSize} + ` +
        `${d.decode.replicas} decode x TP${d.decode.tensorParallelSize} = ${used} GPUs`,
    },
  ];
}

/** checkScenarioRules(scenario, file) -> every rule's issues, in SCENARIO_RULES order. */
export function checkScenarioRules(scenario: Scenario, file: string): ScenarioIssue[] {
  if (scenario.serving.disaggregation === null) return SCENARIO_RULES.flatMap((rule) => rule(scenario, file));
  // Disaggregated: the shape rules run on each pool, their issues pointing into that pool's keys.
  const poolIssues = (pool: 'prefill' | 'decode') =>
    SHAPE_RULES.flatMap((rule) => rule(poolScenario(scenario, pool), file)).map((issue) => {
      const [first, key] = issue.path;
      const moved = first === 'serving' && (key === 'tensorParallelSize' || key === 'replicas') ? ['serving', 'disaggregation', pool, key] : issue.path;
      return { ...issue, path: moved, message: `${pool} pool: ${issue.message}` };
    });
  const others = SCENARIO_RULES.filter((rule) => !SHAPE_RULES.includes(rule) && rule !== replicaShapeTilesCluster && rule !== replicasFitCluster);
  return [...others.flatMap((rule) => rule(scenario, file)), poolsFitCluster(scenario, file), poolIssues('prefill'), poolIssues('decode')].flat();
}
