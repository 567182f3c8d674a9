import { isAbsolute, resolve } from 'node:path';
import * as z from 'zod';
import type { Dtype, FabricSpec, GpuSpec, ModelSpec } from '../catalog/catalog-types.js';
import { fabricIds, findFabric, findGpu, findModel, gpuIds, modelIds } from '../catalog/lookup.js';
import { CATALOG_FAILURE_RATES, DEFAULT_AUTOSCALING_TIMING, DEFAULT_CLIENTS, DEFAULT_RECOVERY } from '../failures/failure-catalog.js';
import { FAILURE_KINDS, type AutoscalingSpec, type FailureSpec } from '../failures/failure-types.js';
import { totalParams } from '../catalog/model-arithmetic.js';
import { parseDuration } from './duration.js';
import { closestName } from './closest-name.js';
import { describeValue } from './format-issues.js';
import { hasControls } from '../input/terminal-text.js';
import { parseThreshold } from './threshold-expression.js';
import {
  ROUTER_KINDS,
  SCHEDULER_KINDS,
  SLO_METRICS,
  SLO_STATS,
  type Scenario,
  type SloKey,
  type SloSpec,
} from './scenario-types.js';

/**
 * The scenario file format as a zod schema. `z.input` of it is what a user writes
 * (`WrittenScenario`: durations as "250ms", catalog ids as strings, defaults left out); `z.output`
 * is the normalized `Scenario` (seconds, catalog specs, absolute file paths, every default filled).
 *
 * Shape: z.strictObject everywhere (an unknown key is an error), discriminated unions for the
 * arrival process and the length distributions. Field-level transforms resolve catalog ids and
 * parse durations, so an unknown id is reported together with every other field error; one final
 * transform fills the defaults that depend on other fields (replicas, maxModelLen,
 * maxNumBatchedTokens, quantization, the intra-node fabric). Cross-field *checks* are not here:
 * they live in scenario-rules.ts and run on the normalized Scenario.
 *
 * Messages set here read "expected X, got Y"; validate-scenario.ts words every other zod issue the
 * same way and never shows zod's own text.
 */

/** Upper (and lower) bounds that turn absurd values into errors naming the bound. */
export const SCENARIO_BOUNDS = {
  maxNameLength: 200,
  maxDescriptionLength: 10_000,
  maxSeed: 2 ** 32 - 1,
  maxStopRequests: 1e8,
  maxRate: 1e5,
  minCv: 0.01,
  maxCv: 100,
  maxConcurrency: 1e6,
  minTimeScale: 1e-6,
  maxTimeScale: 1e6,
  maxTokens: 10_000_000,
  maxParallelSize: 64,
  maxGpusPerNode: 72,
  maxNodes: 100_000,
  maxReplicas: 1_000_000,
  maxNumSeqs: 65_536,
  maxEventBudget: 1e12,
  maxInSystem: 1e8,
  maxPathLength: 4096,
  maxChecks: 1000,
} as const;

/**
 * Requests a run may hold at once before it stops: a request costs a few hundred bytes, so a
 * million is a few hundred MB, well inside a default Node heap (an overloaded 20M-request run used
 * to abort the process at 4.5 GB).
 */
export const DEFAULT_MAX_IN_SYSTEM = 1_000_000;

/** Default stop rule when a scenario states none. */
export const DEFAULT_STOP = { requests: 10_000 } as const;
/**
 * vLLM V1's defaults for `vllm serve` (the OpenAI API server usage context), which depend on the
 * GPU: vllm-project/vllm@99d7eb5d6a512cfcc5a2b104f24ebf2d6cda772b, vllm/engine/arg_utils.py,
 * EngineArgs._set_default_args: on a device with >= 70 GiB of memory that is not an A100,
 * max_num_batched_tokens 8192 and max_num_seqs 1024; otherwise 2048 and 256 (A100s are excluded
 * because a large token budget lowered their throughput, vLLM PR #17885). max_num_seqs never
 * exceeds max_num_batched_tokens.
 */
export function vllmServeDefaults(gpu: GpuSpec): { maxNumBatchedTokens: number; maxNumSeqs: number } {
  const large = gpu.hbmGiB >= 70 && !gpu.id.startsWith('a100') && !/a100/i.test(gpu.name);
  return large ? { maxNumBatchedTokens: 8192, maxNumSeqs: 1024 } : { maxNumBatchedTokens: 2048, maxNumSeqs: 256 };
}
/**
 * The API server's share of client-measured latency (see ServingSpec.frontendOverhead), fitted by
 * analyzers/calibration/frontend-fit.ts on DataCrunch's SGLang bench_serving run of Llama-3.3-70B on
 * 4 x H200 at 1 request/s (shared/data/telemetry/vllm_bench): the client's median TTFT was 85.7 ms
 * against 52.7 ms of engine time, so 33 ms per request; the engine's own ITL already covers the
 * client's (14.0 vs 13.6 ms), so 0 per token. Checked on the same deployment at 2 and 4 requests/s:
 * median TTFT +1.2% and -11.2%, ITL +2.8% and -3.9%, e2e +2.0% and -13.6%.
 */
export const DEFAULT_FRONTEND_OVERHEAD = { perRequest: 0.033, perOutputToken: 0 } as const;
/** Cap on the default maxModelLen (a model's full context is rarely what a deployment serves). */
export const DEFAULT_MAX_MODEL_LEN_CAP = 131_072;
/** Context length assumed for an inline architecture that states none. */
export const DEFAULT_INLINE_MAX_CONTEXT = 8192;
/** Scale-up fabric assumed for an inline GPU that states none (the conservative choice). */
export const DEFAULT_INLINE_INTRA_NODE_FABRIC = 'pcie5';

export const BLOCK_SIZES = [8, 16, 32, 64, 128] as const;
export const DTYPES = ['bf16', 'fp8', 'int4'] as const satisfies readonly Dtype[];
export const KV_CACHE_DTYPES = ['auto', 'bf16', 'fp8'] as const;
export const SLO_KEYS: readonly SloKey[] = SLO_METRICS.flatMap((metric) =>
  SLO_STATS.map((stat) => `${metric}${stat}` as SloKey),
);

/** An error option whose message is "expected <text>, got <what was there>". */
function expecting(text: string) {
  return { error: (issue: { input?: unknown }) => `expected ${text}, got ${describeValue(issue.input)}` };
}

/** An integer in [min, max]. */
function count(min: number, max: number) {
  return z.int().min(min).max(max);
}

/** How a duration reads, also the marker scenarioJsonSchema() finds durations by. */
export const DURATION_DESCRIPTION = 'a duration: "250ms", "2s", "10m", "1h" or a number of seconds';

/** A duration ("250ms", "2s", "10m", "1h" or seconds) -> seconds. */
function duration() {
  return z.custom<string | number>().meta({ description: DURATION_DESCRIPTION }).transform((value, ctx) => {
    const parsed = parseDuration(value);
    if (parsed.ok) return parsed.seconds;
    ctx.addIssue({ code: 'custom', message: `expected ${parsed.expected}, got ${describeValue(value)}`, input: value });
    return z.NEVER;
  });
}

function positiveDuration() {
  return duration().pipe(z.number().gt(0, expecting('a duration longer than 0 seconds')));
}

/** A catalog id resolved to its spec; an unknown id lists the valid ones. */
function catalogRef<T>(kind: string, find: (id: string) => T | undefined, ids: () => string[]) {
  return z.string().transform((id, ctx): T => {
    const found = find(id);
    if (found !== undefined) return found;
    // A catalog id that the name begins (h100 -> h100-sxm) beats a near spelling (h200).
    const known = ids();
    const near = known.find((k) => k.startsWith(`${id.toLowerCase()}-`)) ?? closestName(id, known, 3);
    ctx.addIssue({
      code: 'custom',
      message: `unknown ${kind} ${describeValue(id)}${near === null ? '' : ` (did you mean ${near}?)`}; expected one of ${known.join(', ')}`,
      input: id,
    });
    return z.NEVER;
  });
}

function fabricIdsOfScope(scope: FabricSpec['scope']): string[] {
  return fabricIds().filter((id) => findFabric(id)?.scope === scope);
}

/** A fabric id of the given scope (intra-node or inter-node), resolved to its spec. */
function fabricRef(scope: FabricSpec['scope']) {
  return z.string().transform((id, ctx): FabricSpec => {
    const fabric = findFabric(id);
    if (fabric !== undefined && fabric.scope === scope) return fabric;
    const valid = fabricIdsOfScope(scope).join(', ');
    const message =
      fabric === undefined
        ? `unknown fabric ${describeValue(id)}; expected one of ${valid}`
        : `expected an ${scope} fabric, one of ${valid}; got ${describeValue(id)}, an ${fabric.scope} fabric`;
    ctx.addIssue({ code: 'custom', message, input: id });
    return z.NEVER;
  });
}

/** A file path, made absolute against the scenario file's directory (existence is not checked). */
function filePath(baseDir: string) {
  return z
    .string()
    .min(1)
    .max(SCENARIO_BOUNDS.maxPathLength)
    .transform((path) => (isAbsolute(path) ? path : resolve(baseDir, path)));
}

const positiveTokens = () => count(1, SCENARIO_BOUNDS.maxTokens);

// ---------------------------------------------------------------------------------------------
// Catalog entries written inline

const inlineGpuSchema = z
  .strictObject({
    name: z.string().min(1).max(SCENARIO_BOUNDS.maxNameLength).optional(),
    hbmGiB: z.number().gt(0).max(10_000),
    hbmTBps: z.number().gt(0).max(1000),
    bf16Tflops: z.number().gt(0).max(1e6),
    fp8Tflops: z.number().min(0).max(1e6).optional(),
    intraNodeFabric: fabricRef('intra-node').optional(),
    intraNodeGBps: z.number().gt(0).max(1e5).optional(),
    /** A rental price for `cost: { gpuHourUsd: catalog }`, cited like a catalog entry's. */
    rentalPrice: z
      .strictObject({
        usdPerGpuHour: z.number().gt(0).max(1e4),
        rangeUsd: z.tuple([z.number().gt(0), z.number().gt(0)]),
        asOf: z.string().max(20),
        source: z.string().min(1).max(2000),
      })
      .optional(),
  })
  .transform((g, ctx): GpuSpec => {
    const fabric = g.intraNodeFabric ?? findFabric(DEFAULT_INLINE_INTRA_NODE_FABRIC);
    if (fabric === undefined) {
      ctx.addIssue({ code: 'custom', path: ['intraNodeFabric'], message: 'expected an intra-node fabric id, got nothing' });
      return z.NEVER;
    }
    return {
      id: 'custom',
      name: g.name ?? 'custom',
      vendor: 'nvidia',
      hbmGiB: g.hbmGiB,
      hbmTBps: g.hbmTBps,
      bf16Tflops: g.bf16Tflops,
      fp8Tflops: g.fp8Tflops ?? 0,
      intraNodeFabric: fabric.id,
      intraNodeGBps: g.intraNodeGBps ?? fabric.GBpsPerGpu,
      source: 'inline GPU in the scenario file',
      rentalPrice: g.rentalPrice === undefined ? null : { ...g.rentalPrice, rangeUsd: [g.rentalPrice.rangeUsd[0], g.rentalPrice.rangeUsd[1]] },
    };
  });

const attentionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('gqa') }),
  z.strictObject({
    kind: z.literal('mla'),
    qLoraRank: count(0, 1e6),
    kvLoraRank: count(1, 1e6),
    qkNopeHeadDim: count(0, 1e5),
    qkRopeHeadDim: count(0, 1e5),
    vHeadDim: count(1, 1e5),
  }),
]);

const inlineModelSchema = z
  .strictObject({
    layers: count(1, 10_000),
    hidden: count(1, 1e6),
    heads: count(1, 100_000),
    kvHeads: count(1, 100_000).optional(),
    headDim: count(1, 100_000).optional(),
    ffn: count(1, 1e7),
    vocab: count(1, 1e7),
    experts: count(0, 100_000).default(0),
    activeExperts: count(0, 100_000).default(0),
    sharedExperts: count(0, 100_000).default(0),
    expertFfn: count(1, 1e7).optional(),
    denseLayers: count(0, 10_000).default(0),
    gatedMlp: z.boolean().default(true),
    tiedEmbeddings: z.boolean().default(false),
    attention: attentionSchema.default({ kind: 'gqa' }),
    weightDtype: z.enum(DTYPES).default('bf16'),
    maxContext: count(1, SCENARIO_BOUNDS.maxTokens).default(DEFAULT_INLINE_MAX_CONTEXT),
  })
  .transform((m, ctx): ModelSpec => {
    const kvHeads = m.kvHeads ?? m.heads;
    if (kvHeads > m.heads || m.heads % kvHeads !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['kvHeads'],
        message: `expected a divisor of heads (${m.heads}), got ${kvHeads}`,
      });
    }
    let headDim = m.headDim;
    if (headDim === undefined) {
      if (m.hidden % m.heads === 0) headDim = m.hidden / m.heads;
      else {
        ctx.addIssue({
          code: 'custom',
          path: ['headDim'],
          message: `expected a head width (required: hidden ${m.hidden} is not a multiple of heads ${m.heads}), got nothing`,
        });
        headDim = 1;
      }
    }
    if (m.experts > 0 && (m.activeExperts < 1 || m.activeExperts > m.experts)) {
      ctx.addIssue({
        code: 'custom',
        path: ['activeExperts'],
        message: `expected 1 to ${m.experts} (the experts each token is routed to), got ${m.activeExperts}`,
      });
    }
    if (m.experts === 0 && (m.activeExperts > 0 || m.sharedExperts > 0)) {
      const key = m.activeExperts > 0 ? 'activeExperts' : 'sharedExperts';
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `expected 0 for a dense model (experts is 0), got ${m[key]}`,
      });
    }
    if (m.denseLayers > m.layers) {
      ctx.addIssue({
        code: 'custom',
        path: ['denseLayers'],
        message: `expected at most layers (${m.layers}), got ${m.denseLayers}`,
      });
    }
    const spec: ModelSpec = {
      id: 'custom',
      name: 'custom',
      layers: m.layers,
      hidden: m.hidden,
      heads: m.heads,
      kvHeads,
      headDim,
      ffn: m.ffn,
      vocab: m.vocab,
      experts: m.experts,
      activeExperts: m.activeExperts,
      sharedExperts: m.sharedExperts,
      expertFfn: m.expertFfn ?? (m.experts > 0 ? m.ffn : 0),
      denseLayers: m.experts > 0 ? m.denseLayers : 0,
      gatedMlp: m.gatedMlp,
      tiedEmbeddings: m.tiedEmbeddings,
      attention: m.attention,
      weightDtype: m.weightDtype,
      maxContext: m.maxContext,
      publishedParamsB: 0,
      source: 'inline architecture in the scenario file; publishedParamsB computed from it',
    };
    spec.publishedParamsB = totalParams(spec) / 1e9;
    return spec;
  });

// ---------------------------------------------------------------------------------------------
// Workload

function arrivalSchema(baseDir: string) {
  const rate = () =>
    z
      .number()
      .gt(0, expecting('a rate above 0 requests per second'))
      .max(SCENARIO_BOUNDS.maxRate, expecting(`at most ${SCENARIO_BOUNDS.maxRate} requests per second`));
  return z.discriminatedUnion('process', [
    z.strictObject({ process: z.literal('poisson'), rate: rate() }),
    z.strictObject({
      process: z.literal('gamma'),
      rate: rate(),
      // Below 0.01 the gamma shape (1 / cv^2) passes 10,000 and its sampler's arithmetic cancels
      // out: a draw never ends. A cv that small is a constant rate in practice.
      cv: z
        .number(expecting(`a coefficient of variation from ${SCENARIO_BOUNDS.minCv} to ${SCENARIO_BOUNDS.maxCv}`))
        .min(SCENARIO_BOUNDS.minCv, expecting(`a coefficient of variation of at least ${SCENARIO_BOUNDS.minCv} (smaller is a constant rate in practice)`))
        .max(SCENARIO_BOUNDS.maxCv, expecting(`a coefficient of variation of at most ${SCENARIO_BOUNDS.maxCv}`)),
    }),
    z.strictObject({
      process: z.literal('trace'),
      file: filePath(baseDir),
      timeScale: z
        .number(expecting(`a time scale from ${SCENARIO_BOUNDS.minTimeScale} to ${SCENARIO_BOUNDS.maxTimeScale}`))
        .min(SCENARIO_BOUNDS.minTimeScale, expecting(`a time scale of at least ${SCENARIO_BOUNDS.minTimeScale}`))
        .max(SCENARIO_BOUNDS.maxTimeScale, expecting(`a time scale of at most ${SCENARIO_BOUNDS.maxTimeScale}`))
        .default(1),
    }),
    z.strictObject({
      process: z.literal('closed'),
      concurrency: count(1, SCENARIO_BOUNDS.maxConcurrency),
      thinkTime: duration().default(0),
    }),
  ]);
}

function lengthSchema(baseDir: string) {
  return z.discriminatedUnion('dist', [
    z.strictObject({ dist: z.literal('fixed'), value: positiveTokens() }),
    z.strictObject({ dist: z.literal('uniform'), min: positiveTokens(), max: positiveTokens() }),
    z.strictObject({
      dist: z.literal('lognormal'),
      mean: z.number().min(1).max(SCENARIO_BOUNDS.maxTokens),
      sd: z.number().min(0).max(SCENARIO_BOUNDS.maxTokens),
    }),
    z.strictObject({ dist: z.literal('empirical'), file: filePath(baseDir) }),
  ]);
}

function workloadSchema(baseDir: string) {
  return z
    .strictObject({
      arrival: arrivalSchema(baseDir),
      inputTokens: lengthSchema(baseDir).optional(),
      outputTokens: lengthSchema(baseDir).optional(),
      prefix: z
        .strictObject({
          groups: count(1, 1e6),
          tokens: count(1, SCENARIO_BOUNDS.maxTokens),
          share: z.number().min(0).max(1).default(1),
        })
        .optional(),
      sessions: z
        .strictObject({
          turns: count(1, 10000),
          thinkTime: duration().pipe(z.number().max(86400, expecting('at most 24h'))),
        })
        .optional(),
    })
    .transform((w, ctx) => {
      const isTrace = w.arrival.process === 'trace';
      for (const key of ['prefix', 'sessions'] as const) {
        if (w[key] !== undefined && isTrace) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `expected no ${key} with a trace (a trace's prompts are what it recorded; Mooncake traces carry their prefix blocks as hash_ids), got one`,
          });
        }
      }
      for (const key of ['inputTokens', 'outputTokens'] as const) {
        if (w[key] === undefined && !isTrace) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: 'expected a length distribution such as { dist: fixed, value: 512 } (required unless arrival is a trace), got nothing',
          });
        }
      }
      // A trace carries its own lengths; the placeholders are never sampled.
      const unused = { dist: 'fixed', value: 1 } as const;
      return {
        arrival: w.arrival,
        inputTokens: w.inputTokens ?? unused,
        outputTokens: w.outputTokens ?? unused,
        prefix: w.prefix === undefined ? null : { ...w.prefix },
        sessions: w.sessions === undefined ? null : { turns: w.sessions.turns, thinkTimeSeconds: w.sessions.thinkTime },
      };
    });
}

// ---------------------------------------------------------------------------------------------
// SLO

type SloShape = { [K in SloKey]: z.ZodOptional<ReturnType<typeof duration>> };

function sloSchema() {
  const shape = Object.fromEntries(SLO_KEYS.map((key) => [key, duration().optional()])) as SloShape;
  // An SLO with no bound is met by every run: a gate that gates nothing is an input error.
  return z.strictObject(shape).refine((slo) => Object.values(slo).some((v) => v !== undefined), {
    message: 'expected at least one bound (e.g. { ttftP99: 2s, tpotP99: 100ms }), got none; remove slo to run without one',
    // Only for an slo that parsed: an unknown or malformed key already has its own message.
    when: (payload) => payload.issues.length === 0,
  });
}

// ---------------------------------------------------------------------------------------------
// Checks (`headroom check`)

/** A threshold expression, kept as written once it parses; the parse message names the column. */
function thresholdText() {
  return z.string().superRefine((text, ctx) => {
    const parsed = parseThreshold(text);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message, input: text });
  });
}

// ---------------------------------------------------------------------------------------------
// The whole file

function writtenScenarioSchema(baseDir: string) {
  const union = <A extends z.ZodType, B extends z.ZodType>(a: A, b: B, text: string) =>
    z.union([a, b], expecting(text));
  return z.strictObject({
    // A name labels every summary, table and log line: no control characters (ESC, CR, line breaks).
    name: z
      .string()
      .min(1)
      .max(SCENARIO_BOUNDS.maxNameLength)
      .refine((name) => !hasControls(name), { message: 'expected a name without control characters (line breaks, escapes)' }),
    description: z.string().max(SCENARIO_BOUNDS.maxDescriptionLength).default(''),
    seed: count(0, SCENARIO_BOUNDS.maxSeed).default(0),
    stop: z
      .strictObject({
        requests: count(1, SCENARIO_BOUNDS.maxStopRequests).optional(),
        duration: positiveDuration().optional(),
      })
      .prefault({ ...DEFAULT_STOP }),
    model: union(
      catalogRef('model', findModel, modelIds),
      inlineModelSchema,
      'a catalog model id (e.g. llama-3.1-8b) or an inline architecture map { layers, hidden, heads, ffn, vocab, ... }',
    ),
    cluster: z.strictObject({
      gpu: union(
        catalogRef('GPU', findGpu, gpuIds),
        inlineGpuSchema,
        'a catalog GPU id (e.g. h100-sxm) or an inline GPU map { hbmGiB, hbmTBps, bf16Tflops, ... }',
      ),
      nodes: count(1, SCENARIO_BOUNDS.maxNodes).default(1),
      gpusPerNode: count(1, SCENARIO_BOUNDS.maxGpusPerNode).default(8),
      fabric: z
        .strictObject({
          intraNode: fabricRef('intra-node').optional(),
          interNode: z
            .strictObject({
              kind: fabricRef('inter-node'),
              /** Gigabits per second per GPU (a NIC's line rate, e.g. 400 for NDR). */
              gbpsPerGpu: z.number().gt(0).max(1e5).optional(),
              oversubscription: z.number().min(1).max(1000).default(1),
            })
            .optional(),
        })
        .optional(),
      topology: z
        .strictObject({
          racks: count(1, SCENARIO_BOUNDS.maxNodes).optional(),
          nodesPerRack: count(1, SCENARIO_BOUNDS.maxNodes).optional(),
          spine: z.strictObject({ oversubscription: z.number().min(1).max(1000).optional() }).optional(),
        })
        .optional(),
    }),
    serving: z
      .strictObject({
        tensorParallelSize: count(1, SCENARIO_BOUNDS.maxParallelSize).optional(),
        pipelineParallelSize: count(1, SCENARIO_BOUNDS.maxParallelSize).default(1),
        replicas: count(1, SCENARIO_BOUNDS.maxReplicas).optional(),
        scheduler: z.enum(SCHEDULER_KINDS).default('continuous'),
        maxNumSeqs: count(1, SCENARIO_BOUNDS.maxNumSeqs).optional(),
        maxNumBatchedTokens: count(1, SCENARIO_BOUNDS.maxTokens).optional(),
        enableChunkedPrefill: z.boolean().default(true),
        blockSize: z.literal(BLOCK_SIZES).default(16),
        gpuMemoryUtilization: z.number().gt(0).max(1).default(0.9),
        quantization: z.enum(DTYPES).optional(),
        kvCacheDtype: z.enum(KV_CACHE_DTYPES).default('auto'),
        router: z.enum(ROUTER_KINDS).default('least-outstanding'),
        routing: z
          .strictObject({
            refresh: duration().pipe(z.number().max(3600, expecting('at most 1h'))).default(0),
            overlapWeight: z.number().min(0).max(1000).default(1),
            prefixTokens: count(1, SCENARIO_BOUNDS.maxTokens).default(1024),
            fallbackOutstanding: count(1, SCENARIO_BOUNDS.maxInSystem).optional(),
          })
          .prefault({}),
        enablePrefixCaching: z.boolean().default(true),
        maxModelLen: count(1, SCENARIO_BOUNDS.maxTokens).optional(),
        maxQueuedRequests: count(0, SCENARIO_BOUNDS.maxInSystem).optional(),
        expertParallelSize: count(1, 1024).default(1),
        dataParallelAttention: z.boolean().default(false),
        expertSkew: z.number().min(0).max(4).default(0),
        coldStart: z.boolean().default(false),
        disaggregation: z
          .strictObject({
            prefill: z.strictObject({ replicas: count(1, SCENARIO_BOUNDS.maxReplicas), tensorParallelSize: count(1, SCENARIO_BOUNDS.maxParallelSize).default(1) }),
            decode: z.strictObject({ replicas: count(1, SCENARIO_BOUNDS.maxReplicas), tensorParallelSize: count(1, SCENARIO_BOUNDS.maxParallelSize).default(1) }),
          })
          .optional(),
        frontendOverhead: z
          .strictObject({
            perRequest: duration().pipe(z.number().max(3600, expecting('at most 1h'))).default(DEFAULT_FRONTEND_OVERHEAD.perRequest),
            perOutputToken: duration().pipe(z.number().max(60, expecting('at most 1m'))).default(DEFAULT_FRONTEND_OVERHEAD.perOutputToken),
          })
          .prefault({}),
      })
      .prefault({}),
    workload: workloadSchema(baseDir),
    slo: sloSchema().optional(),
    checks: z.array(thresholdText()).max(SCENARIO_BOUNDS.maxChecks).default([]),
    limits: z
      .strictObject({
        eventBudget: count(1, SCENARIO_BOUNDS.maxEventBudget).default(2e8),
        maxInSystem: count(1, SCENARIO_BOUNDS.maxInSystem).default(DEFAULT_MAX_IN_SYSTEM),
      })
      .prefault({}),
    /**
     * Price of one GPU-hour in US dollars (what the deployment pays, reserved or on demand), or
     * `catalog` for the GPU's cited typical rental price.
     */
    /** A profile `headroom calibrate` wrote from this deployment's telemetry. */
    calibration: z.strictObject({ profile: filePath(baseDir) }).optional(),
    failures: z
      .array(
        z.strictObject({
          kind: z.enum(FAILURE_KINDS),
          at: duration().optional(),
          /** Per component-hour, or `catalog` for the cited rate (GPUs). */
          rate: z.union([z.number(expecting('failures per component-hour (e.g. 0.001) or "catalog"')).gt(0).max(1e6), z.literal('catalog', expecting('failures per component-hour (e.g. 0.001) or "catalog"'))]).optional(),
          target: count(0, 1e9).optional(),
          duration: positiveDuration().optional(),
          factor: z.number().min(0).max(1).optional(),
        }),
      )
      .max(1000)
      .default([]),
    recovery: z
      .strictObject({
        detection: duration().default(DEFAULT_RECOVERY.detectionSeconds),
        passiveEjection: count(0, 1e6).default(DEFAULT_RECOVERY.passiveEjection),
        restart: duration().default(DEFAULT_RECOVERY.restartSeconds),
        startup: duration().default(DEFAULT_RECOVERY.startupSeconds),
        storageGBpsPerNode: z.number().gt(0).max(1e4).default(DEFAULT_RECOVERY.storageGBpsPerNode),
        spares: count(0, SCENARIO_BOUNDS.maxReplicas).default(0),
      })
      .prefault({}),
    autoscaling: z
      .strictObject({
        min: count(1, SCENARIO_BOUNDS.maxReplicas),
        max: count(1, SCENARIO_BOUNDS.maxReplicas).optional(),
        metric: z.enum(['waiting', 'running', 'kvUsage']),
        target: z.number().gt(0).max(1e6),
        delay: duration().default(DEFAULT_AUTOSCALING_TIMING.delaySeconds),
        interval: positiveDuration().default(DEFAULT_AUTOSCALING_TIMING.intervalSeconds),
        stabilization: duration().default(DEFAULT_AUTOSCALING_TIMING.stabilizationSeconds),
      })
      .optional(),
    clients: z
      .strictObject({
        timeout: positiveDuration().default(DEFAULT_CLIENTS.timeoutSeconds),
        maxRetries: count(0, 100).default(DEFAULT_CLIENTS.maxRetries),
        backoff: z.strictObject({ initial: duration().default(DEFAULT_CLIENTS.backoffInitialSeconds), max: duration().default(DEFAULT_CLIENTS.backoffMaxSeconds) }).prefault({}),
      })
      .optional(),
    cost: z
      .strictObject({
        gpuHourUsd: z.union([
          z.number(expecting('US dollars per GPU-hour (e.g. 2.5) or "catalog"')).gt(0).max(1e4),
          z.literal('catalog', expecting('US dollars per GPU-hour (e.g. 2.5) or "catalog"')),
        ]),
      })
      .optional(),
  });
}

type ParsedScenario = z.output<ReturnType<typeof writtenScenarioSchema>>;

/** The scenario's price of a GPU-hour and where it comes from: the number it states, or the catalog's cited one. */
function costOf(written: number | 'catalog', gpu: GpuSpec, ctx: z.RefinementCtx): Scenario['cost'] {
  if (written !== 'catalog') return { gpuHourUsd: written, priceSource: 'scenario cost.gpuHourUsd' };
  const price = gpu.rentalPrice;
  if (price === null) {
    ctx.addIssue({
      code: 'custom',
      path: ['cost', 'gpuHourUsd'],
      message: `expected US dollars per GPU-hour (e.g. 2.5): the catalog has no cited rental price for ${gpu.id}, got "catalog"`,
    });
    return null;
  }
  const [low, high] = price.rangeUsd;
  return {
    gpuHourUsd: price.usdPerGpuHour,
    priceSource: `catalog: ${gpu.id} typical on-demand $${price.usdPerGpuHour.toFixed(2)}/GPU-h (range $${low.toFixed(2)}-$${high.toFixed(2)}, ${price.asOf}; ${price.source})`,
  };
}

/**
 * normalizeScenario(parsed) -> Scenario: fills the defaults that depend on other keys. Runs only
 * when every field parsed; adds an issue (never throws) if the catalog is inconsistent.
 */
function normalizeScenario(s: ParsedScenario, ctx: z.RefinementCtx): Scenario {
  const { model, cluster, serving } = s;
  const disaggregation = serving.disaggregation === undefined ? null : { prefill: { ...serving.disaggregation.prefill }, decode: { ...serving.disaggregation.decode } };
  // Disaggregated, the decode pool's shape is the replica shape results speak of; each pool keeps its own.
  const tp = disaggregation?.decode.tensorParallelSize ?? serving.tensorParallelSize ?? 1;
  const pp = serving.pipelineParallelSize;
  if (disaggregation !== null) {
    // Each pool states its own shape; a second statement of it would be ignored, so it is refused.
    for (const key of ['replicas', 'tensorParallelSize'] as const) {
      if (serving[key] !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['serving', key], message: `expected no serving.${key} beside serving.disaggregation (each pool states its own ${key}), got ${serving[key]}` });
      }
    }
    if (pp > 1) ctx.addIssue({ code: 'custom', path: ['serving', 'pipelineParallelSize'], message: `expected 1 with serving.disaggregation (pipeline-parallel pools are not modelled), got ${pp}` });
    if (serving.scheduler !== 'continuous') ctx.addIssue({ code: 'custom', path: ['serving', 'scheduler'], message: `expected continuous with serving.disaggregation (a decode pool joins requests as their KV lands), got ${serving.scheduler}` });
  }
  const totalGpus = cluster.nodes * cluster.gpusPerNode;

  // The GPU's own fabric runs at the GPU's own scale-up bandwidth (an inline GPU's intraNodeGBps);
  // a fabric named under cluster.fabric.intraNode replaces both.
  const gpuFabric = findFabric(cluster.gpu.intraNodeFabric);
  let intraNode =
    cluster.fabric?.intraNode ?? (gpuFabric === undefined ? undefined : { ...gpuFabric, GBpsPerGpu: cluster.gpu.intraNodeGBps });
  if (intraNode === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['cluster', 'fabric', 'intraNode'],
      message: `expected an intra-node fabric id (${cluster.gpu.id}'s catalog fabric ${describeValue(cluster.gpu.intraNodeFabric)} is unknown), got nothing`,
    });
    intraNode = { id: '', name: '', kind: 'pcie', scope: 'intra-node', GBpsPerGpu: 1, latencyUs: 1, source: '' };
  }
  const written = cluster.fabric?.interNode;
  const interNode =
    written === undefined
      ? null
      : {
          fabric: written.kind,
          // Fabric bandwidth is catalogued in GB/s; the scenario key is in Gb/s like a NIC's rating.
          gbpsPerGpu: written.gbpsPerGpu ?? written.kind.GBpsPerGpu * 8,
          oversubscription: written.oversubscription,
        };

  // Without chunked prefill a prompt must fit one step, so when the scenario caps the step
  // (maxNumBatchedTokens) but not the context, the context defaults to what one step can take.
  const defaultMaxModelLen = Math.min(model.maxContext, DEFAULT_MAX_MODEL_LEN_CAP);
  const maxModelLen =
    serving.maxModelLen ??
    (!serving.enableChunkedPrefill && serving.maxNumBatchedTokens !== undefined
      ? Math.min(defaultMaxModelLen, serving.maxNumBatchedTokens)
      : defaultMaxModelLen);
  const defaults = vllmServeDefaults(cluster.gpu);
  // Without chunked prefill a whole prompt must fit one step: the budget covers maxModelLen.
  const maxNumBatchedTokens =
    serving.maxNumBatchedTokens ??
    (serving.enableChunkedPrefill ? defaults.maxNumBatchedTokens : Math.max(defaults.maxNumBatchedTokens, maxModelLen));
  const maxNumSeqs = serving.maxNumSeqs ?? Math.min(defaults.maxNumSeqs, maxNumBatchedTokens);

  const slo: SloSpec | null = s.slo === undefined ? null : {};
  if (slo !== null && s.slo !== undefined) {
    for (const key of SLO_KEYS) {
      const seconds = s.slo[key];
      if (seconds !== undefined) slo[key] = seconds;
    }
  }

  return {
    name: s.name,
    description: s.description,
    seed: s.seed,
    stop: { requests: s.stop.requests ?? null, duration: s.stop.duration ?? null },
    model,
    cluster: {
      gpu: cluster.gpu,
      nodes: cluster.nodes,
      gpusPerNode: cluster.gpusPerNode,
      fabric: { intraNode, interNode },
      topology: cluster.topology === undefined ? null : { ...cluster.topology, ...(cluster.topology.spine === undefined ? {} : { spine: { ...cluster.topology.spine } }) },
    },
    serving: {
      tensorParallelSize: tp,
      pipelineParallelSize: pp,
      // As many whole replicas as the cluster holds (at least one: the rules report a shape that
      // does not fit at all).
      replicas:
        disaggregation !== null
          ? disaggregation.prefill.replicas + disaggregation.decode.replicas
          : (serving.replicas ?? Math.max(1, Math.floor(totalGpus / (serving.dataParallelAttention ? Math.max(serving.expertParallelSize, tp) : tp * pp)))),
      scheduler: serving.scheduler,
      maxNumSeqs,
      maxNumBatchedTokens,
      enableChunkedPrefill: serving.enableChunkedPrefill,
      blockSize: serving.blockSize,
      gpuMemoryUtilization: serving.gpuMemoryUtilization,
      quantization: serving.quantization ?? model.weightDtype,
      // 'auto' is the activation dtype, which is bf16 for every model here.
      kvCacheDtype: serving.kvCacheDtype === 'auto' ? 'bf16' : serving.kvCacheDtype,
      router: serving.router,
      routing: {
        refreshSeconds: serving.routing.refresh,
        overlapWeight: serving.routing.overlapWeight,
        prefixTokens: serving.routing.prefixTokens,
        fallbackOutstanding: serving.routing.fallbackOutstanding ?? maxNumSeqs,
      },
      enablePrefixCaching: serving.enablePrefixCaching,
      maxModelLen,
      frontendOverhead: { ...serving.frontendOverhead },
      disaggregation,
      maxQueuedRequests: serving.maxQueuedRequests ?? null,
      expertParallelSize: serving.expertParallelSize,
      dataParallelAttention: serving.dataParallelAttention,
      expertSkew: serving.expertSkew,
      coldStart: serving.coldStart,
    },
    workload: s.workload,
    slo,
    checks: s.checks,
    limits: { eventBudget: s.limits.eventBudget, maxInSystem: s.limits.maxInSystem },
    calibration: s.calibration === undefined ? null : { profileFile: s.calibration.profile, profile: null },
    cost: s.cost === undefined ? null : costOf(s.cost.gpuHourUsd, cluster.gpu, ctx),
    failures: s.failures.map((f, i) => failureOf(f, i, s, ctx)),
    recovery: {
      detectionSeconds: s.recovery.detection,
      passiveEjection: s.recovery.passiveEjection,
      restartSeconds: s.recovery.restart,
      startupSeconds: s.recovery.startup,
      storageGBpsPerNode: s.recovery.storageGBpsPerNode,
      spares: s.recovery.spares,
    },
    autoscaling: autoscalingOf(s, ctx),
    clients:
      s.clients === undefined
        ? null
        : {
            timeoutSeconds: s.clients.timeout,
            maxRetries: s.clients.maxRetries,
            backoffInitialSeconds: s.clients.backoff.initial,
            backoffMaxSeconds: s.clients.backoff.max,
            source: 'scenario clients:',
          },
  };
}

/** The autoscaler, normalized: max defaults to serving.replicas, which must hold it. */
function autoscalingOf(s: ParsedScenario, ctx: z.RefinementCtx): AutoscalingSpec | null {
  const a = s.autoscaling;
  if (a === undefined) return null;
  const replicas = s.serving.replicas;
  const max = a.max ?? replicas ?? a.min;
  if (max < a.min) ctx.addIssue({ code: 'custom', path: ['autoscaling', 'max'], message: `expected at least autoscaling.min (${a.min}), got ${max}` });
  if (replicas === undefined) ctx.addIssue({ code: 'custom', path: ['serving', 'replicas'], message: `expected serving.replicas with autoscaling (the most replicas the autoscaler may run), got none` });
  else if (max > replicas) ctx.addIssue({ code: 'custom', path: ['autoscaling', 'max'], message: `expected at most serving.replicas (${replicas}, the replicas the cluster has for it), got ${max}` });
  if (s.serving.disaggregation !== undefined) ctx.addIssue({ code: 'custom', path: ['autoscaling'], message: 'expected no autoscaling with serving.disaggregation (two pools to scale: not modelled)' });
  if (a.metric === 'kvUsage' && a.target > 1) ctx.addIssue({ code: 'custom', path: ['autoscaling', 'target'], message: `expected a KV-cache usage target from 0 to 1 (e.g. 0.7), got ${a.target}` });
  return { min: a.min, max, metric: a.metric, target: a.target, delaySeconds: a.delay, intervalSeconds: a.interval, stabilizationSeconds: a.stabilization };
}

/** One written failure, normalized: scheduled (at) or random (rate), its defaults filled in. */
function failureOf(f: ParsedScenario['failures'][number], i: number, s: ParsedScenario, ctx: z.RefinementCtx): FailureSpec {
  const path = ['failures', i];
  if ((f.at === undefined) === (f.rate === undefined)) {
    ctx.addIssue({ code: 'custom', path, message: `expected either at (a scheduled failure) or rate (random failures), got ${f.at === undefined ? 'neither' : 'both'}` });
  }
  if ((f.kind === 'straggler' || f.kind === 'link') && (f.factor === undefined || f.duration === undefined)) {
    ctx.addIssue({ code: 'custom', path, message: `expected a ${f.kind} to state factor (its ${f.kind === 'link' ? 'bandwidth' : 'speed'} as a fraction, e.g. 0.5) and duration` });
  }
  if (f.kind === 'link' && s.cluster.fabric?.interNode === undefined) {
    ctx.addIssue({ code: 'custom', path: [...path, 'kind'], message: 'expected cluster.fabric.interNode for a link failure (a NIC to degrade), got none' });
  }
  if (f.kind === 'straggler' && f.factor === 0) ctx.addIssue({ code: 'custom', path: [...path, 'factor'], message: 'expected a straggler speed above 0 (a GPU at 0 has failed: kind gpu)' });
  if (f.kind !== 'straggler' && f.kind !== 'link' && f.factor !== undefined) ctx.addIssue({ code: 'custom', path: [...path, 'factor'], message: `expected no factor on a ${f.kind} failure (only a straggler runs slow), got ${f.factor}` });
  if (f.kind === 'engine' && f.duration !== undefined) ctx.addIssue({ code: 'custom', path: [...path, 'duration'], message: 'expected no duration on an engine crash (it restarts; hardware failures have repair durations)' });
  let ratePerHour: number | null = null;
  let rateSource: string | null = null;
  if (f.rate === 'catalog') {
    const cited = CATALOG_FAILURE_RATES[f.kind];
    if (cited === undefined) {
      ctx.addIssue({ code: 'custom', path: [...path, 'rate'], message: `expected failures per component-hour: the catalog has no cited rate for ${f.kind} failures (only gpu), got "catalog"` });
    } else {
      ratePerHour = cited.ratePerHour;
      rateSource = cited.source;
    }
  } else if (f.rate !== undefined) {
    ratePerHour = f.rate;
    rateSource = `scenario failures[${i}].rate`;
  }
  return { kind: f.kind, at: f.at ?? null, ratePerHour, rateSource, target: f.target ?? 0, duration: f.duration ?? null, factor: f.factor ?? 1 };
}

/**
 * createScenarioSchema({ baseDir }) -> the zod schema from a written scenario to a Scenario.
 * `baseDir` is the directory relative file paths (trace, empirical lengths) resolve against.
 */
export function createScenarioSchema(opts: { baseDir: string }) {
  return writtenScenarioSchema(opts.baseDir).transform(normalizeScenario);
}

export type ScenarioSchema = ReturnType<typeof createScenarioSchema>;
/** What a scenario file holds: durations as "2s", catalog ids as strings, defaults optional. */
export type WrittenScenario = z.input<ScenarioSchema>;

// The schema's output is exactly the contract type (a compile error here means they drifted).
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const outputIsScenario: Equals<z.output<ScenarioSchema>, Scenario> = true;
void outputIsScenario;
