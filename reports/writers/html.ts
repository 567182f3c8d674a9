import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { locateUpward } from '../../engine/input/locate-upward.js';
import { describeValue, formatPath } from '../../engine/scenario/format-issues.js';
import { SCENARIO_BOUNDS } from '../../engine/scenario/scenario-schema.js';
import type { MadeBy, ReportEntry, ReportPayload } from '../../web/src/payload.js';

/**
 * The self-contained HTML report: the report app that `vite build` made from web/ (one file, its
 * scripts and styles inlined) with the results embedded as JSON. Nothing in the page refers to
 * another file or the network, and a Content-Security-Policy (the app's script by hash, no
 * connections) makes sure nothing injected could run or fetch either.
 */

/** Where `npm run build` leaves the app: dist/report-app/index.html (web/vite.config.ts), found from the built modules or the sources. */
export function reportAppPath(): string {
  const found = locateUpward(import.meta.url, ['report-app/index.html', 'dist/report-app/index.html']);
  if (found !== null) return found;
  const fromDist = import.meta.url.includes('/dist/reports/');
  return fileURLToPath(new URL(fromDist ? '../../report-app/index.html' : '../../dist/report-app/index.html', import.meta.url));
}

/** The element of the built app that the payload goes into (web/index.html). */
const PAYLOAD_SLOT = '<script type="application/json" id="headroom-data"></script>';

export class ReportAppMissing extends Error {
  constructor(path: string) {
    super(`the report app is not built (${path} is missing): run npm run build`);
    this.name = 'ReportAppMissing';
  }
}

/** readReportApp() -> the built app's HTML; ReportAppMissing when the build has not run. */
export function readReportApp(path = reportAppPath()): string {
  if (!existsSync(path)) throw new ReportAppMissing(path);
  return readFileSync(path, 'utf8');
}

/**
 * embedJson(value) -> JSON that is safe inside a <script> element: `<`, `>` and `&` (and the two
 * JavaScript line separators) become \u escapes, so no text in a result ("</script>", "<!--", a
 * scenario named `<img src=x onerror=...>`) can end the element or open a comment. JSON.parse
 * reads the escapes back as the same characters.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The sha256 CSP source of each inline executable script in the app. */
function scriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const attributes = match[1] ?? '';
    if (/type\s*=\s*"application\/json"/i.test(attributes)) continue;
    if (/\bsrc\s*=/i.test(attributes)) throw new Error('the report app refers to an external script; it must be built with every script inlined');
    hashes.push(`'sha256-${createHash('sha256').update(match[2] ?? '', 'utf8').digest('base64')}'`);
  }
  return hashes;
}

/**
 * buildHtmlReport(app, payload) -> the report page: the app with a Content-Security-Policy that
 * allows only its own inline scripts (by hash) and inline styles, and loads nothing, and the
 * payload in the app's data element.
 */
export function buildHtmlReport(app: string, payload: ReportPayload): string {
  // The HTML parser turns CRLF into LF before a browser hashes a script: do the same first.
  const html = app.replace(/\r\n?/g, '\n');
  const slots = html.split(PAYLOAD_SLOT).length - 1;
  if (slots !== 1) throw new Error(`the report app has ${slots} data slots (expected exactly one ${PAYLOAD_SLOT})`);
  const policy = ["default-src 'none'", `script-src ${scriptHashes(html).join(' ')}`, "style-src 'unsafe-inline'", 'img-src data:', "base-uri 'none'", "form-action 'none'"].join('; ');
  const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}" />`;
  if (!/<meta charset="utf-8"\s*\/?>/i.test(html)) throw new Error('the report app has no <meta charset="utf-8"> to put the security policy after');
  return html
    .replace(/<meta charset="utf-8"\s*\/?>/i, (charset) => `${charset}\n    ${meta}`)
    .replace(PAYLOAD_SLOT, () => `<script type="application/json" id="headroom-data">${embedJson(payload)}</script>`);
}

/** An argument as a shell would need it typed: quoted only when it holds more than safe characters. */
function shellWord(arg: string): string {
  return /^[\w./=:,@%+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * defaultMadeBy() -> this process's command line ("headroom report a.json -o r.html") and the time
 * now, or SOURCE_DATE_EPOCH's when set, so a rebuild can reproduce a page byte for byte. Only the
 * page says this: result JSON never carries it and stays deterministic.
 */
export function defaultMadeBy(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): MadeBy {
  const epoch = Number(env.SOURCE_DATE_EPOCH);
  const at = env.SOURCE_DATE_EPOCH !== undefined && Number.isInteger(epoch) ? new Date(epoch * 1000) : new Date();
  return { command: ['headroom', ...argv.map(shellWord)].join(' '), at: at.toISOString() };
}

/** htmlReport(entries, generator, madeBy) -> the page for these results, built from the installed app. */
export function htmlReport(entries: ReportEntry[], generator: string, madeBy: MadeBy = defaultMadeBy()): string {
  return buildHtmlReport(readReportApp(), { format: 'headroom-report', version: 1, generator, madeBy, entries });
}

// ---- What the report accepts: the result kinds it draws, checked before anything is written. ----

/** Bounds that keep a report small and quick to draw whatever file it is given. */
export const REPORT_LIMITS = {
  seriesPoints: 20_000,
  replicas: 4_096,
  points: 2_000,
  configurations: 64,
  cdfPoints: 1_000,
  /** A calibration comparison: measured runs, statistics per run, characters in a name, file or profile path. */
  calibrationRuns: 256,
  calibrationStatistics: 16,
  calibrationText: 4_096,
  /** A fabric analysis: links drawn on the topology, hottest links, buckets of a link's profile, engines of the coupling matrix, sweep points, findings, characters of a text. */
  fabricLinks: 4_096,
  hottestLinks: 16,
  profileBuckets: 1_024,
  couplingEngines: 64,
  fabricPoints: 1_000,
  findings: 64,
  fabricText: 4_096,
  /** A survivability analysis: trials, survival curve, timeline buckets, failure markers, failures, failure sizes and swept rates of the boundary, spare counts tried. */
  trials: 10_000,
  timelineBuckets: 4_096,
  markers: 1_000,
  failures: 1_000,
  boundarySizes: 8,
  boundaryRates: 1_000,
  sparesTried: 256,
  /** Any file: nesting, entries in one list, characters in one string, values in all. */
  depth: 32,
  listEntries: 20_000,
  stringLength: 100_000,
  values: 2_000_000,
} as const;

/**
 * The keys each kind may carry at its top level: anything else is not a result this report
 * draws (or a hand-edited one), refused rather than embedded unchecked.
 */
const TOP_LEVEL_KEYS: Record<string, readonly string[]> = {
  simulation: ['kind', 'version', 'seed', 'scenario', 'requests', 'latency', 'throughput', 'cost', 'slo', 'utilization', 'calibration', 'memory', 'disaggregation', 'prefixCache', 'fabric', 'survival', 'autoscaling', 'run', 'timeSeries'],
  saturation: [
    'kind', 'version', 'seed', 'scenario', 'currentRate', 'method', 'calibration', 'intervalNote', 'saturationRate', 'sustainedCapacity',
    'saturationReason', 'goodputAtSaturation', 'costAtSaturation', 'pressureOnsetRate', 'pressureOnsetReason', 'pressureLeadPercent',
    'bottleneck', 'headroom', 'points', 'sizing',
  ],
  'saturation-comparison': ['kind', 'version', 'seed', 'configurations', 'infeasible'],
  'concurrency-sweep': ['kind', 'version', 'seed', 'scenario', 'replications', 'levels'],
  calibration: ['kind', 'version', 'profile', 'deployment', 'runs'],
  fabric: [
    'kind', 'version', 'seed', 'scenario', 'calibration', 'rate', 'run', 'perNode', 'linkUtilizationP99', 'linkUtilizationMean', 'communicationShare',
    'stretchShare', 'handOffWaitMean', 'hiddenFromPerNodeView', 'points', 'pressureOnset', 'pressureOnsetReason', 'sloBreakRate', 'sloBreakReason', 'findings',
  ],
  'fabric-comparison': ['kind', 'version', 'configurations', 'infeasible'],
  survivability: ['kind', 'version', 'seed', 'scenario', 'failures', 'failuresSource', 'trials', 'timeline', 'boundary', 'boundaryReason', 'spares', 'findings'],
};

/**
 * boundedShape(value) -> the first place where a parsed file outgrows what any result holds (too
 * deep, a list or string too long, too many values), or null. Iterative, so a 5,000-deep nesting
 * cannot overflow the stack here or later, when the page embeds and parses it.
 */
export function boundedShape(value: unknown): { path: (string | number)[]; message: string } | null {
  const L = REPORT_LIMITS;
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: value, path: [] }];
  let values = 0;
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (++values > L.values) return { path: [], message: `expected at most ${L.values} values in all, got more` };
    if (typeof v === 'string' && v.length > L.stringLength) return { path, message: `expected a string of at most ${L.stringLength} characters, got ${v.length}` };
    if (v === null || typeof v !== 'object') continue;
    if (path.length >= L.depth) return { path, message: `expected nesting at most ${L.depth} levels deep, got deeper` };
    if (Array.isArray(v)) {
      if (v.length > L.listEntries) return { path, message: `expected at most ${L.listEntries} entries, got a list of ${v.length}` };
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: [...path, i] });
    } else {
      for (const [k, child] of Object.entries(v)) stack.push({ v: child, path: [...path, k] });
    }
  }
  return null;
}

const num = z.number();
const maybe = num.nullable();
const text = z.string();
/** A latency CDF as the engine writes it (54 points); optional because older files lack it. */
const cdf = z
  .array(z.strictObject({ fraction: num.min(0).max(1), seconds: num.nonnegative() }))
  .max(REPORT_LIMITS.cdfPoints)
  .optional();
const latency = z.looseObject({ count: num.int().nonnegative(), mean: maybe, p50: maybe, p90: maybe, p95: maybe, p99: maybe, max: maybe, cdf });
const series = z.array(num).max(REPORT_LIMITS.seriesPoints);
const seriesSet = z.looseObject({ queueDepth: series, running: series, kvOccupancy: series, tokensPerSecond: series });
const scenario = z.looseObject({
  name: text,
  description: text,
  seed: num,
  stop: z.looseObject({ requests: maybe, duration: maybe }),
  model: z.looseObject({ name: text, publishedParamsB: num, layers: num, hidden: num, heads: num, kvHeads: num, experts: num, activeExperts: num, weightDtype: text }),
  cluster: z.looseObject({
    gpu: z.looseObject({ name: text, hbmGiB: num, hbmTBps: num }),
    nodes: num.int().positive(),
    gpusPerNode: num.int().positive(),
    fabric: z.looseObject({
      intraNode: z.looseObject({ name: text }),
      interNode: z.looseObject({ fabric: z.looseObject({ name: text }), gbpsPerGpu: num, oversubscription: num }).nullable(),
    }),
  }),
  serving: z.looseObject({
    tensorParallelSize: num,
    pipelineParallelSize: num,
    replicas: num,
    scheduler: text,
    maxNumSeqs: num,
    maxNumBatchedTokens: num,
    enableChunkedPrefill: z.boolean(),
    blockSize: num,
    gpuMemoryUtilization: num,
    quantization: text,
    kvCacheDtype: text,
    router: text,
    maxModelLen: num,
  }),
  workload: z.looseObject({ arrival: z.looseObject({ process: text }), inputTokens: z.looseObject({ dist: text }), outputTokens: z.looseObject({ dist: text }) }),
  slo: z.record(text, num).nullable(),
});
/** Where the step-time constants come from; optional because older result files lack it (the report then shows nothing). */
const calibration = z.looseObject({ source: text, gpuFamily: text, fitted: z.boolean(), borrowedFrom: text.optional() }).optional();
/** What serving costs at a throughput (engine/metrics/cost.ts); unit costs are null where nothing was produced. */
const cost = z.looseObject({ gpuHourUsd: num, gpus: num, usdPerHour: num, usdPerMillionOutputTokens: maybe, usdPerMillionTotalTokens: maybe, usdPerThousandRequests: maybe });
/** Cost and keep-up figures are optional: result files written before them lack the keys (the report then shows nothing). */
const costIfPriced = cost.nullable().optional();
const steadyWindow = z.looseObject({
  fromSeconds: num,
  toSeconds: num,
  arrivalsPerSecond: num,
  acceptedPerSecond: num,
  completionsPerSecond: num,
  stableCompletionsPerSecond: num,
  keptUp: z.boolean(),
});
const replica = z.looseObject({ replica: num.int(), completed: num, steps: num, preemptions: num, busyFraction: num, kvOccupancyMean: num, kvOccupancyPeak: num });
const simulation = z.looseObject({
  kind: z.literal('simulation'),
  version: z.literal(1),
  seed: num,
  scenario,
  requests: z.looseObject({ arrived: num, completed: num, dropped: num, preempted: num, retried: num, droppedByReason: z.record(text, num) }),
  latency: z.looseObject({ ttft: latency, tpot: latency, itl: latency, e2e: latency, queueWait: latency }),
  throughput: z.looseObject({ requestsPerSecond: num, inputTokensPerSecond: num, outputTokensPerSecond: num, outputTokensPerSecondPerGpu: num, window: steadyWindow.optional() }),
  cost: costIfPriced,
  slo: z.looseObject({ attainment: maybe, goodputRequestsPerSecond: maybe, met: z.boolean().nullable(), bounds: z.array(z.looseObject({ key: text, bound: num, observed: maybe, met: z.boolean() })) }),
  utilization: z.looseObject({ gpuBusyFraction: num, kvOccupancyMean: num, kvOccupancyPeak: num, perReplica: z.array(replica).max(REPORT_LIMITS.replicas) }),
  calibration,
  memory: z.looseObject({ weightGiBPerGpu: num, activationGiBPerGpu: num, kvGiBPerGpu: num, kvBlocksPerReplica: num, kvTokensPerReplica: num }),
  /** Present only for a prefill/decode disaggregated run, when traffic ran on the flow-level fabric, with failures, with autoscaling: each drawn in its own panel. */
  disaggregation: z
    .looseObject({
      prefill: z.looseObject({ replicas: num.int().nonnegative(), tensorParallelSize: num.int().positive() }),
      decode: z.looseObject({ replicas: num.int().nonnegative(), tensorParallelSize: num.int().positive() }),
      kvTransfer: latency,
      kvTransferGBPerRequest: num,
    })
    .optional(),
  prefixCache: z.lazy(() => simulationPrefixCache).optional(),
  fabric: z.lazy(() => fabricSummary).optional(),
  survival: z.lazy(() => simulationSurvival).optional(),
  autoscaling: z.lazy(() => simulationAutoscaling).optional(),
  run: z.looseObject({ simulatedSeconds: num.nonnegative(), events: num, steps: num }),
  timeSeries: z.looseObject({ bucketSeconds: num.positive(), total: seriesSet, perReplica: z.array(seriesSet).max(REPORT_LIMITS.replicas) }),
});
const estimate = z.looseObject({ mean: num, low: num, high: num });
const latencyEstimate = z.looseObject({ mean: maybe, p50: maybe, p90: maybe, p95: maybe, p99: maybe, max: maybe });
const point = z.looseObject({
  rate: num,
  replications: num.int(),
  latency: z.looseObject({ ttft: latencyEstimate, tpot: latencyEstimate, itl: latencyEstimate, e2e: latencyEstimate, queueWait: latencyEstimate }),
  throughput: z.looseObject({ requestsPerSecond: estimate, outputTokensPerSecond: estimate }),
  slo: z.array(z.looseObject({ key: text, bound: num, observed: estimate.nullable(), met: z.boolean() })),
  meetsSlo: z.boolean().nullable(),
  attainment: estimate.nullable(),
  goodputRequestsPerSecond: estimate.nullable(),
  preemptions: estimate,
  keepsUp: z.boolean().optional(),
  pressure: z.looseObject({ pressured: z.array(text) }),
});
/** The answer to --target-rate (analyzers/saturation/saturation-result.ts Sizing). */
const sizing = z.looseObject({
  targetRate: num,
  replicasNeeded: maybe,
  gpusNeeded: maybe,
  marginPercent: maybe,
  nextSize: z.looseObject({ replicas: num, gpus: num, marginPercent: num }).nullable(),
  checked: z.array(z.looseObject({ replicas: num, meetsSlo: z.boolean().nullable(), decided: z.boolean() })).max(REPORT_LIMITS.points),
  cost: cost.nullable(),
  reason: text.nullable(),
});
const saturation = z.looseObject({
  kind: z.literal('saturation'),
  version: z.literal(1),
  seed: num,
  scenario,
  currentRate: maybe,
  method: z.looseObject({ mode: z.enum(['search', 'sweep']), replications: num, precision: maybe, simulations: num }),
  calibration,
  saturationRate: estimate.nullable(),
  saturationReason: text.nullable(),
  intervalNote: text.optional(),
  goodputAtSaturation: maybe,
  costAtSaturation: costIfPriced,
  sustainedCapacity: z.looseObject({ requestsPerSecond: num, measuredAtRate: num }).nullable().optional(),
  sizing: sizing.nullable().optional(),
  pressureOnsetRate: maybe,
  pressureOnsetReason: text.nullable(),
  pressureLeadPercent: maybe,
  bottleneck: z.looseObject({ name: text, evidence: text }).nullable(),
  headroom: z.looseObject({ percent: num, requestsPerSecond: num }).nullable(),
  points: z.array(point).max(REPORT_LIMITS.points),
});
const comparison = z.looseObject({
  kind: z.literal('saturation-comparison'),
  version: z.literal(1),
  seed: num,
  configurations: z
    .array(
      z.looseObject({
        label: text,
        overrides: z.record(text, text),
        gpus: num,
        saturationRate: maybe,
        goodputAtSaturation: maybe,
        costAtSaturation: costIfPriced,
        tokensPerSecondPerGpu: maybe,
        tokensPerSecondPerUser: maybe,
        paretoOptimal: z.boolean(),
        result: saturation,
      }),
    )
    .min(1)
    .max(REPORT_LIMITS.configurations),
});
/** A closed-loop sweep (`saturation --concurrency 1,2,4`): one saturation-shaped point per client count. */
const concurrencySweep = z.looseObject({
  kind: z.literal('concurrency-sweep'),
  version: z.literal(1),
  seed: num,
  scenario,
  replications: num.int().positive(),
  levels: z
    .array(point.extend({ concurrency: num.int().positive() }))
    .min(1)
    .max(REPORT_LIMITS.points),
});
/** A short text of a calibration comparison (a statistic's name, a file, a profile path). */
const shortText = text.max(REPORT_LIMITS.calibrationText);
/** `calibrate --compare` (analyzers/calibration/compare-runs.ts): each measured run beside its simulation. */
const calibrationComparison = z.looseObject({
  kind: z.literal('calibration'),
  version: z.literal(1),
  profile: shortText.nullable(),
  /** Optional: comparisons written before it lack it. */
  deployment: z
    .looseObject({
      model: shortText,
      gpu: shortText,
      tensorParallelSize: num.int().positive(),
      pipelineParallelSize: num.int().positive(),
      replicas: num.int().positive(),
      quantization: shortText,
    })
    .optional(),
  runs: z
    .array(
      z.looseObject({
        file: shortText,
        format: shortText,
        load: z
          .looseObject({
            requests: num.nonnegative(),
            requestsPerSecond: num.nonnegative(),
            meanInputTokens: num.nonnegative(),
            meanOutputTokens: num.nonnegative(),
            concurrency: num.int().positive().nullable(),
            burst: z.boolean(),
          })
          .optional(),
        statistics: z
          .array(z.looseObject({ name: shortText, measured: num.nonnegative(), simulated: num.nonnegative(), errorPercent: num }))
          .max(REPORT_LIMITS.calibrationStatistics),
      }),
    )
    .min(1)
    .max(REPORT_LIMITS.calibrationRuns),
});
/** A text of a fabric analysis (a link id, a traffic tag, a finding, a label). */
const fabricText = text.max(REPORT_LIMITS.fabricText);
/** Utilizations, shares, seconds, bytes: finite and non-negative (a utilization may round a hair above 1). */
const amount = num.nonnegative();
const index = num.int().nonnegative();
const perNodeView = z.looseObject({ gpuBusyFraction: amount, kvOccupancyMean: amount, kvOccupancyPeak: amount, healthy: z.boolean() });
const linkSummary = z.looseObject({
  id: fabricText,
  kind: fabricText,
  capacityGBps: amount,
  utilizationMean: amount,
  utilizationP50: amount,
  utilizationP99: amount,
  utilizationMax: amount,
  busyGB: amount,
  traffic: z.array(z.looseObject({ tag: fabricText, GB: amount })).max(REPORT_LIMITS.findings),
  engines: index,
  node: index.nullable(),
  rack: index,
  profile: z.looseObject({ bucketSeconds: amount, utilization: z.array(amount).max(REPORT_LIMITS.profileBuckets) }),
});
/** engine/fabric/fabric-summary.ts FabricSummary: what the shared fabric did in the run. */
const fabricSummary = z.looseObject({
  mode: z.enum(['shared', 'all']),
  links: index,
  linksUsed: index,
  linkUtilizationP99: amount,
  linkUtilizationMean: amount,
  hottest: z.array(linkSummary).max(REPORT_LIMITS.hottestLinks),
  linkLoads: z
    .array(z.looseObject({ id: fabricText, kind: fabricText, node: index.nullable(), rack: index, utilizationMean: amount, utilizationP99: amount }))
    .max(REPORT_LIMITS.fabricLinks),
  engines: z
    .array(z.looseObject({ engine: index, communicationShare: amount, stretchSeconds: amount, stretchedSteps: amount, flowGB: amount, handOffs: amount, handOffWaitMeanSeconds: amount }))
    .max(REPORT_LIMITS.replicas),
  coupling: z.array(z.array(amount).max(REPORT_LIMITS.couplingEngines)).max(REPORT_LIMITS.couplingEngines).nullable(),
  flows: z.looseObject({ recomputations: amount, events: amount }),
});
const fabricPoint = z.looseObject({
  rate: amount,
  linkUtilizationP99: amount,
  linkUtilizationMean: amount,
  hottestLink: z.looseObject({ id: fabricText, kind: fabricText, utilizationP99: amount, topTraffic: fabricText.nullable() }).nullable(),
  communicationShare: amount,
  stretchShare: amount,
  handOffWaitMean: amount,
  perNode: perNodeView,
  sloMet: z.boolean().nullable(),
  ttftP99: amount.nullable(),
  tpotP99: amount.nullable(),
});
/** The scenario a fabric analysis echoes, with the layout the topology is drawn from (racks, pools), within the engine's own bounds. */
const fabricScenario = scenario.extend({
  cluster: scenario.shape.cluster.extend({
    nodes: num.int().positive().max(SCENARIO_BOUNDS.maxNodes),
    gpusPerNode: num.int().positive().max(SCENARIO_BOUNDS.maxGpusPerNode),
    topology: z
      .looseObject({
        racks: num.int().positive().max(SCENARIO_BOUNDS.maxNodes).optional(),
        nodesPerRack: num.int().positive().max(SCENARIO_BOUNDS.maxNodes).optional(),
        spine: z.looseObject({ oversubscription: num.min(1).optional() }).optional(),
      })
      .nullable(),
  }),
  serving: scenario.shape.serving.extend({
    disaggregation: z
      .looseObject({ prefill: z.looseObject({ replicas: index, tensorParallelSize: num.int().positive() }), decode: z.looseObject({ replicas: index, tensorParallelSize: num.int().positive() }) })
      .nullable()
      .optional(),
  }),
});
/** `headroom fabric` (analyzers/fabric/fabric-result.ts FabricResult). */
const fabric = z.looseObject({
  kind: z.literal('fabric'),
  version: z.literal(1),
  seed: num,
  scenario: fabricScenario,
  calibration,
  rate: amount.nullable(),
  run: fabricSummary,
  perNode: perNodeView,
  linkUtilizationP99: amount,
  linkUtilizationMean: amount,
  communicationShare: amount,
  stretchShare: amount,
  handOffWaitMean: amount,
  hiddenFromPerNodeView: z.boolean(),
  points: z.array(fabricPoint).max(REPORT_LIMITS.fabricPoints),
  pressureOnset: z.looseObject({ rate: amount, signal: fabricText }).nullable(),
  pressureOnsetReason: fabricText.nullable(),
  sloBreakRate: amount.nullable(),
  sloBreakReason: fabricText.nullable(),
  findings: z.array(fabricText).max(REPORT_LIMITS.findings),
});
const overrides = z.record(fabricText, fabricText);
/** `headroom fabric --vary` (FabricComparison): kind "fabric" with configurations. */
const fabricComparison = z.looseObject({
  kind: z.literal('fabric'),
  version: z.literal(1),
  configurations: z
    .array(fabric.extend({ label: fabricText, overrides }))
    .min(1)
    .max(REPORT_LIMITS.configurations),
  infeasible: z.array(z.looseObject({ label: fabricText, overrides, reason: fabricText })).max(REPORT_LIMITS.configurations),
});
/** A share between 0 and 1 (SLO attainment, a share of the offered rate). */
const share = num.min(0).max(1);
const outcome = z.enum(['absorbed', 'degraded', 'collapsed', 'metastable']);
/** A failure as the scenario states it (engine/failures/failure-types.ts FailureSpec): only its kind is read. */
const failureSpec = z.looseObject({ kind: fabricText });
const trial = z.looseObject({
  seed: num,
  attainment: share,
  baselineAttainment: share,
  goodput: amount,
  baselineGoodput: amount,
  lostInFlight: amount,
  retried: amount,
  failedAfterRetries: amount,
  timedOut: amount,
  reprefillTokens: amount,
  recoverySeconds: amount.nullable(),
  outcome,
});
const buckets = z.array(amount).max(REPORT_LIMITS.timelineBuckets);
/** A simulation's `survival` (engine/failures/survival-summary.ts SurvivalSummary): its failures, what they cost, goodput over time. */
const simulationSurvival = z.looseObject({
  failures: z
    .array(z.looseObject({ kind: fabricText, at: amount, engines: z.array(index).max(REPORT_LIMITS.replicas), lost: amount, detectedAt: amount.nullable(), recoveredAt: amount.nullable(), recovery: fabricText }))
    .max(REPORT_LIMITS.failures),
  requests: z.looseObject({ lostInFlight: amount, refused: amount, retried: amount, failedAfterRetries: amount, timedOut: amount }),
  work: z.looseObject({ reprefillTokens: amount }),
  timeline: z.looseObject({ bucketSeconds: num.positive(), goodputPerSecond: buckets, arrivalsPerSecond: buckets }),
});
/** A simulation's `prefixCache` (engine/metrics/prefix-cache-summary.ts PrefixCacheSummary): hit rates, per replica and over time. */
const simulationPrefixCache = z.looseObject({
  blockSize: num.int().positive(),
  hitRate: z.looseObject({ tokens: share, blocks: share }),
  queriedTokens: amount,
  prefillTokensSaved: amount,
  requests: amount,
  cachedTokensPerRequest: amount,
  evictedBlocks: amount,
  perReplica: z.array(z.looseObject({ replica: index, requests: amount, queriedTokens: amount, hitTokens: amount, hitRate: share, evictedBlocks: amount })).max(REPORT_LIMITS.replicas),
  series: z.looseObject({ bucketSeconds: num.positive(), hitRate: z.array(share.nullable()).max(REPORT_LIMITS.timelineBuckets), queriedTokensPerSecond: buckets }),
});
/** A simulation's `autoscaling` (ScalingSummary): the scaling decisions and replicas in service over time. */
const simulationAutoscaling = z.looseObject({
  events: z.array(z.looseObject({ at: amount, from: index, to: index, servesAt: amount.nullable() })).max(REPORT_LIMITS.markers),
  inService: z.looseObject({ bucketSeconds: num.positive(), replicas: buckets }),
  replicaHours: amount,
  meanReplicas: amount,
});
/** `headroom survive` (analyzers/survivability/survival-result.ts SurvivabilityResult). */
const survivability = z.looseObject({
  kind: z.literal('survivability'),
  version: z.literal(1),
  seed: num,
  scenario,
  failures: z.array(failureSpec).max(REPORT_LIMITS.failures),
  failuresSource: fabricText,
  trials: z.looseObject({
    count: index,
    perTrial: z.array(trial).max(REPORT_LIMITS.trials),
    attainment: z.looseObject({ mean: share, p5: share, p95: share }),
    baselineAttainment: share,
    goodputLoss: num,
    survivalCurve: z.array(share).max(REPORT_LIMITS.trials),
    outcomes: z.looseObject({ absorbed: index, degraded: index, collapsed: index, metastable: index }),
  }),
  timeline: z.looseObject({
    bucketSeconds: num.positive(),
    goodputPerSecond: buckets,
    baselineGoodputPerSecond: buckets,
    arrivalsPerSecond: buckets,
    markers: z.array(z.looseObject({ kind: fabricText, at: amount, detectedAt: amount.nullable(), recoveredAt: amount.nullable() })).max(REPORT_LIMITS.markers),
  }),
  boundary: z
    .looseObject({
      rates: z.array(amount).max(REPORT_LIMITS.boundaryRates),
      sizes: z
        .array(
          z.looseObject({
            size: fabricText,
            failure: failureSpec,
            points: z
              .array(z.looseObject({ rate: amount, outcome, attainment: share, endGoodputShare: amount, recoveredAt: amount.nullable(), lostInFlight: amount, retried: amount }))
              .max(REPORT_LIMITS.boundaryRates),
            boundaryRate: amount.nullable(),
          }),
        )
        .max(REPORT_LIMITS.boundarySizes),
    })
    .nullable(),
  boundaryReason: fabricText.nullable(),
  spares: z
    .looseObject({
      failure: fabricText,
      rate: amount,
      needed: index.nullable(),
      tried: z.array(z.looseObject({ extra: index, meetsSlo: z.boolean(), attainment: share })).max(REPORT_LIMITS.sparesTried),
      reason: fabricText.nullable(),
    })
    .nullable(),
  findings: z.array(fabricText).max(REPORT_LIMITS.findings),
});
const SCHEMAS = {
  simulation,
  saturation,
  'saturation-comparison': comparison,
  'concurrency-sweep': concurrencySweep,
  calibration: calibrationComparison,
  fabric,
  'fabric-comparison': fabricComparison,
  survivability,
} as const;
/** The kinds a result file may name (a fabric comparison is kind "fabric" with configurations). */
const KINDS = Object.keys(SCHEMAS).filter((k) => k !== 'fabric-comparison');
const DRAWN = KINDS.map((k) => JSON.stringify(k));

/** schemaKey(kind, value) -> which schema reads this file: a fabric file with `configurations` is a --vary comparison. */
function schemaKey(kind: string, value: object): keyof typeof SCHEMAS {
  return kind === 'fabric' && Object.hasOwn(value, 'configurations') ? 'fabric-comparison' : (kind as keyof typeof SCHEMAS);
}

/** The value at a key path (for "got ..." in messages). */
function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value;
  for (const key of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}

/**
 * validateReportInput(value, file) -> the entry the report will draw, or the problems as
 * "file: key.path: expected X, got Y" lines (at most 10): not an object, a kind the report does
 * not draw, another version, a missing or mistyped field, a series longer than REPORT_LIMITS, a
 * sweep or comparison with nothing in it, a calibration comparison past its caps (runs, statistics,
 * text lengths) or with a negative or non-finite figure, a fabric analysis past its caps (links,
 * hottest links, profile buckets, coupling engines, points, configurations, text lengths) or with a
 * negative or non-finite figure, a survivability analysis past its caps (trials, survival curve,
 * timeline buckets, markers, failure sizes, swept rates, text lengths) or with a share outside 0-1,
 * a negative or non-finite figure or an unknown outcome.
 */
export function validateReportInput(value: unknown, file: string): { entry: ReportEntry } | { issues: string[] } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { issues: [`${file}: expected a Headroom result (a JSON object with "kind"), got ${describeValue(value)}`] };
  }
  const kind = (value as { kind?: unknown }).kind;
  // Own keys only: `kind: "constructor"` is `in` every object.
  if (typeof kind !== 'string' || !KINDS.includes(kind)) {
    return { issues: [`${file}: kind: expected ${DRAWN.join(', ')}, got ${describeValue(kind)}; is this a Headroom result file?`] };
  }
  const shape = boundedShape(value);
  if (shape !== null) return { issues: [`${file}: ${shape.path.length === 0 ? '(top level)' : formatPath(shape.path)}: ${shape.message}`] };
  const key = schemaKey(kind, value);
  const what = key === 'fabric-comparison' ? 'fabric --vary comparison' : `${kind} result`;
  const unknown = Object.keys(value).filter((k) => !TOP_LEVEL_KEYS[key]!.includes(k));
  if (unknown.length > 0) {
    return { issues: [`${file}: ${formatPath([unknown[0]!])}: unknown key in a ${what}; expected one of ${TOP_LEVEL_KEYS[key]!.join(', ')}`] };
  }
  const parsed = SCHEMAS[key].safeParse(value);
  if (parsed.success) return { entry: { file, result: value as ReportEntry['result'] } };
  const issues = parsed.error.issues.slice(0, 10).map((issue) => {
    const path = formatPath(issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)));
    const got = describeValue(valueAt(value, issue.path));
    const expected =
      issue.code === 'invalid_type'
        ? `expected ${issue.expected}`
        : issue.code === 'invalid_value'
          ? `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`
          : issue.code === 'too_big'
            ? `expected at most ${String(issue.maximum)}${issue.origin === 'array' ? ' entries' : issue.origin === 'string' ? ' characters' : ''}`
            : issue.code === 'too_small'
              ? issue.inclusive === false
                ? `expected more than ${String(issue.minimum)}`
                : `expected at least ${String(issue.minimum)}${issue.origin === 'array' ? ` entr${issue.minimum === 1 ? 'y' : 'ies'}` : ''}`
              : issue.message.replace(/^Invalid input: /, '');
    return `${file}: ${path === '' ? '(top level)' : path}: ${expected}, got ${got}`;
  });
  if (parsed.error.issues.length > 10) issues.push(`${file}: ... and ${parsed.error.issues.length - 10} more problems`);
  return { issues };
}
