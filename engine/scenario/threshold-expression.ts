import { SLO_METRICS, type SloMetric } from './scenario-types.js';
import { closestName } from './closest-name.js';

/**
 * Thresholds for `headroom check`, in a k6-like grammar over result fields:
 *
 *     <field> <op> <number>[unit]          e.g.  ttft.p99 < 2s   slo.attainment >= 99%   saturation.rate >= 40
 *
 * Blanks around the operator and before the unit are optional. Every field has a kind, and the
 * kind says which units it takes and what the value is normalized to (seconds, a fraction, percent,
 * requests/s, tokens/s or a count). Pure: parseThreshold never throws, errors are data with the
 * 1-based column where parsing failed.
 */

export const THRESHOLD_OPERATORS = ['<', '<=', '>', '>=', '==', '!='] as const;
export type ThresholdOperator = (typeof THRESHOLD_OPERATORS)[number];

/** Statistics of a latency summary a threshold may name (SimulationResult latency entries). */
export const LATENCY_STATS = ['mean', 'p50', 'p90', 'p95', 'p99', 'max'] as const;
export type LatencyStat = (typeof LATENCY_STATS)[number];
export type LatencyField = `${SloMetric}.${LatencyStat}`;

/** What a field measures; decides its units and the normalized value. */
export type ThresholdKind = 'seconds' | 'fraction' | 'percent' | 'requestRate' | 'tokenRate' | 'count' | 'usd';

const SIMULATION_FIELDS = {
  'slo.attainment': { kind: 'fraction', description: 'fraction of requests that met every SLO target' },
  'slo.goodput': { kind: 'requestRate', description: 'requests per second that met the SLO' },
  'throughput.requestsPerSecond': { kind: 'requestRate', description: 'completed requests per second' },
  'throughput.outputTokensPerSecond': { kind: 'tokenRate', description: 'output tokens per second' },
  'throughput.outputTokensPerSecondPerGpu': { kind: 'tokenRate', description: 'output tokens per second per GPU' },
  'requests.dropped': { kind: 'count', description: 'requests dropped' },
  'requests.preempted': { kind: 'count', description: 'preemptions' },
  'utilization.kvOccupancyPeak': { kind: 'fraction', description: 'peak fraction of KV blocks in use' },
  'utilization.kvOccupancyMean': { kind: 'fraction', description: 'mean fraction of KV blocks in use' },
  'utilization.gpuBusyFraction': { kind: 'fraction', description: 'fraction of time the GPUs spent stepping' },
  'cost.usdPerMillionOutputTokens': { kind: 'usd', description: 'US dollars per million output tokens at this load (needs cost.gpuHourUsd)' },
  'cost.usdPerMillionTotalTokens': { kind: 'usd', description: 'US dollars per million prompt + output tokens at this load' },
  'cost.usdPerThousandRequests': { kind: 'usd', description: 'US dollars per thousand requests at this load' },
  'cost.usdPerHour': { kind: 'usd', description: "US dollars per hour for the deployment's GPUs" },
  'prefixCache.hitRate': { kind: 'fraction', description: 'share of prompt tokens served from the prefix cache (prefix caching on, prompts with prefix chains)' },
  'prefixCache.cachedTokensPerRequest': { kind: 'count', description: 'mean prompt tokens a request found cached at admission' },
} as const satisfies Record<string, { kind: ThresholdKind; description: string }>;

const SATURATION_FIELDS = {
  'saturation.rate': { kind: 'requestRate', description: 'saturation rate (mean): highest rate meeting the SLO' },
  'saturation.headroom': { kind: 'percent', description: "capacity left at the scenario's own rate, percent" },
  'saturation.headroomRate': { kind: 'requestRate', description: "capacity left at the scenario's own rate, req/s" },
  'saturation.pressureOnset': { kind: 'requestRate', description: 'lowest rate where state pressure shows' },
  'saturation.goodput': { kind: 'requestRate', description: 'goodput at the saturation rate' },
} as const satisfies Record<string, { kind: ThresholdKind; description: string }>;

const FABRIC_FIELDS = {
  'fabric.linkUtilizationP99': { kind: 'fraction', description: "the busiest link's p99 utilization over time (a fabric analysis)" },
  'fabric.linkUtilizationMean': { kind: 'fraction', description: "the busiest link's mean utilization" },
  'fabric.communicationShare': { kind: 'fraction', description: "share of the engines' busy time spent communicating" },
  'fabric.stretchShare': { kind: 'fraction', description: "share of the engines' busy time their steps waited on shared links" },
  'fabric.handOffWait': { kind: 'seconds', description: 'mean wait of a KV hand-off beyond its idle-fabric time (disaggregation)' },
  'fabric.pressureOnset': { kind: 'requestRate', description: 'lowest swept rate where fabric pressure shows' },
} as const satisfies Record<string, { kind: ThresholdKind; description: string }>;

const SURVIVE_FIELDS = {
  'survive.attainment': { kind: 'fraction', description: "SLO attainment through the scenario's failures, mean over the survivability trials" },
  'survive.gpuLoss.attainment': { kind: 'fraction', description: "SLO attainment through one GPU's failure at the scenario's own rate" },
  'survive.nodeLoss.attainment': { kind: 'fraction', description: "SLO attainment through one node's failure at the scenario's own rate" },
  'survive.sparesNeeded': { kind: 'count', description: "extra replicas that keep the SLO through one node's failure (N+k)" },
} as const satisfies Record<string, { kind: ThresholdKind; description: string }>;

export type ThresholdField =
  | LatencyField
  | keyof typeof SIMULATION_FIELDS
  | keyof typeof SATURATION_FIELDS
  | keyof typeof FABRIC_FIELDS
  | keyof typeof SURVIVE_FIELDS;

export interface ThresholdFieldSpec {
  kind: ThresholdKind;
  /** 'simulation': read from one simulation; 'saturation' / 'fabric': needs that analysis. */
  source: 'simulation' | 'saturation' | 'fabric' | 'survive';
  description: string;
}

function latencyFields(): Record<LatencyField, ThresholdFieldSpec> {
  const out = {} as Record<LatencyField, ThresholdFieldSpec>;
  for (const metric of SLO_METRICS) {
    for (const stat of LATENCY_STATS) {
      out[`${metric}.${stat}`] = { kind: 'seconds', source: 'simulation', description: `${metric} ${stat}, seconds` };
    }
  }
  return out;
}

function withSource<K extends string>(
  fields: Record<K, { kind: ThresholdKind; description: string }>,
  source: ThresholdFieldSpec['source'],
): Record<K, ThresholdFieldSpec> {
  const out = {} as Record<K, ThresholdFieldSpec>;
  for (const key of Object.keys(fields) as K[]) out[key] = { ...fields[key], source };
  return out;
}

/** Every field a threshold may name, with its kind: the registry parseThreshold checks against. */
export const THRESHOLD_FIELDS: Readonly<Record<ThresholdField, ThresholdFieldSpec>> = Object.freeze({
  ...latencyFields(),
  ...withSource(SIMULATION_FIELDS, 'simulation'),
  ...withSource(SATURATION_FIELDS, 'saturation'),
  ...withSource(FABRIC_FIELDS, 'fabric'),
  ...withSource(SURVIVE_FIELDS, 'survive'),
});

/** Every unit the grammar knows; which ones a field takes depends on its kind. */
export const THRESHOLD_UNITS = ['us', 'ms', 's', 'm', 'h', '%', 'req/s', 'tok/s'] as const;
export type ThresholdUnit = (typeof THRESHOLD_UNITS)[number];

/** Each kind's units, with the conversion from the written amount to the normalized value. */
const UNITS_BY_KIND: Record<ThresholdKind, Partial<Record<ThresholdUnit, (amount: number) => number>>> = {
  // Division where the factor is a power of ten below one: 250 / 1e6 is exact to the last bit, 250 * 1e-6 is not.
  seconds: { us: (a) => a / 1e6, ms: (a) => a / 1e3, s: (a) => a, m: (a) => a * 60, h: (a) => a * 3600 },
  fraction: { '%': (a) => a / 100 },
  percent: { '%': (a) => a },
  requestRate: { 'req/s': (a) => a },
  tokenRate: { 'tok/s': (a) => a },
  count: {},
  usd: {},
};

/** The units a kind accepts (a bare number is always accepted too). */
export function unitsOfKind(kind: ThresholdKind): ThresholdUnit[] {
  return Object.keys(UNITS_BY_KIND[kind]) as ThresholdUnit[];
}

const KIND_WORDS: Record<ThresholdKind, { is: string; expects: string }> = {
  seconds: { is: 'a duration', expects: 'us, ms, s, m or h (a bare number only for 0)' },
  fraction: { is: 'a fraction', expects: 'no unit (0.99) or % (99%)' },
  percent: { is: 'a percentage', expects: 'no unit or % (30 and 30% both mean 30 percent)' },
  requestRate: { is: 'a rate in requests per second', expects: 'no unit or req/s' },
  tokenRate: { is: 'a rate in tokens per second', expects: 'no unit or tok/s' },
  count: { is: 'a count', expects: 'no unit' },
  usd: { is: 'an amount in US dollars', expects: 'no unit (0.45 means $0.45)' },
};

export interface Threshold {
  /** The expression as written (blanks at either end trimmed). */
  text: string;
  field: ThresholdField;
  op: ThresholdOperator;
  /** Normalized by the field's kind: seconds, a fraction (0.99), percent (30), req/s, tokens/s or a count. */
  value: number;
  /** The number as written, in `unit`. */
  amount: number;
  /** The unit as written; null for a bare number. */
  unit: ThresholdUnit | null;
}

export type ParseThresholdResult = { ok: true; threshold: Threshold } | { ok: false; message: string; column: number };

/** Longest expression accepted: anything longer is not a threshold. */
export const MAX_THRESHOLD_LENGTH = 256;

const FIELD_PATTERN = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/y;
const OPERATOR_PATTERN = /<=|>=|==|!=|<|>/y;
const NUMBER_PATTERN = /[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const WORD_PATTERN = /\S+/y;
const BLANKS = /\s*/y;

const LATENCY_PATTERN =
  `<metric>.<stat> with metric one of ${SLO_METRICS.join(', ')} and stat one of ${LATENCY_STATS.join(', ')} (e.g. ttft.p99)`;

/** The fields and patterns an unknown field's message lists. */
export function describeThresholdFields(): string {
  const named = [...Object.keys(SIMULATION_FIELDS), ...Object.keys(SATURATION_FIELDS), ...Object.keys(FABRIC_FIELDS), ...Object.keys(SURVIVE_FIELDS)];
  return `${LATENCY_PATTERN}, or one of ${named.join(', ')}`;
}

/** Matches a sticky pattern at `pos`, or null. */
function matchAt(pattern: RegExp, text: string, pos: number): string | null {
  pattern.lastIndex = pos;
  const m = pattern.exec(text);
  return m === null || m[0] === '' ? null : m[0];
}

function skipBlanks(text: string, pos: number): number {
  BLANKS.lastIndex = pos;
  BLANKS.exec(text);
  return BLANKS.lastIndex;
}

/** What stands at `pos`, for "got ...": the next word quoted, or the end. */
function found(text: string, pos: number): string {
  const word = matchAt(WORD_PATTERN, text, pos);
  if (word === null) return 'the end of the expression';
  return JSON.stringify(word.length > 24 ? `${word.slice(0, 21)}...` : word);
}

/**
 * parseThreshold(text) -> the threshold, or a message saying what was expected and the 1-based
 * column where parsing failed. Never throws.
 */
export function parseThreshold(text: string): ParseThresholdResult {
  if (typeof text !== 'string') return { ok: false, message: 'expected a threshold like "ttft.p99 < 2s", got no text', column: 1 };
  const shown = text.trim();
  const fail = (detail: string, pos: number): ParseThresholdResult => ({
    ok: false,
    message: shown === '' ? detail : `${shown.length > 60 ? `${shown.slice(0, 57)}...` : shown}: ${detail}`,
    column: pos + 1,
  });
  if (text.length > MAX_THRESHOLD_LENGTH) {
    return fail(`expected a threshold of at most ${MAX_THRESHOLD_LENGTH} characters, got ${text.length}`, MAX_THRESHOLD_LENGTH);
  }
  if (/[\r\n]/.test(text)) return fail('expected a threshold on one line, got a line break', text.search(/[\r\n]/));

  let pos = skipBlanks(text, 0);
  if (pos === text.length) return fail('expected a threshold like "ttft.p99 < 2s", got an empty expression', pos);

  // field
  const fieldText = matchAt(FIELD_PATTERN, text, pos);
  if (fieldText === null) return fail(`expected a field name (e.g. ttft.p99) at column ${pos + 1}, got ${found(text, pos)}`, pos);
  if (!Object.hasOwn(THRESHOLD_FIELDS, fieldText)) {
    const suggestion = closestField(fieldText);
    return fail(
      `unknown field ${JSON.stringify(fieldText)} at column ${pos + 1}${suggestion === null ? '' : ` (did you mean ${suggestion}?)`}; ` +
        `expected ${describeThresholdFields()}`,
      pos,
    );
  }
  const field = fieldText as ThresholdField;
  const spec = THRESHOLD_FIELDS[field];
  pos = skipBlanks(text, pos + fieldText.length);

  // operator
  const opText = matchAt(OPERATOR_PATTERN, text, pos);
  if (opText === null) {
    return fail(
      `expected an operator (${THRESHOLD_OPERATORS.join(', ')}) after ${JSON.stringify(field)} at column ${pos + 1}, got ${found(text, pos)}`,
      pos,
    );
  }
  const op = opText as ThresholdOperator;
  pos = skipBlanks(text, pos + opText.length);

  // number
  const numberText = matchAt(NUMBER_PATTERN, text, pos);
  if (numberText === null) return fail(`expected a number after ${JSON.stringify(op)} at column ${pos + 1}, got ${found(text, pos)}`, pos);
  const amount = Number(numberText);
  if (!Number.isFinite(amount)) return fail(`expected a finite number at column ${pos + 1}, got ${numberText}`, pos);
  const numberColumn = pos;
  pos = skipBlanks(text, pos + numberText.length);

  // unit
  let unit: ThresholdUnit | null = null;
  let value = amount;
  const unitText = matchAt(WORD_PATTERN, text, pos);
  if (unitText !== null) {
    const known = (THRESHOLD_UNITS as readonly string[]).includes(unitText);
    const convert = known ? UNITS_BY_KIND[spec.kind][unitText as ThresholdUnit] : undefined;
    const words = KIND_WORDS[spec.kind];
    if (!known) {
      return fail(`unknown unit ${JSON.stringify(unitText)} at column ${pos + 1}; ${field} is ${words.is}: expected ${words.expects}`, pos);
    }
    if (convert === undefined) {
      return fail(`unit ${JSON.stringify(unitText)} does not fit ${field} (${words.is}) at column ${pos + 1}; expected ${words.expects}`, pos);
    }
    unit = unitText as ThresholdUnit;
    value = convert(amount);
    if (!Number.isFinite(value)) return fail(`expected a finite value at column ${numberColumn + 1}, got ${numberText} ${unit}`, numberColumn);
    pos = skipBlanks(text, pos + unitText.length);
  }
  if (pos < text.length) {
    return fail(`unexpected ${found(text, pos)} at column ${pos + 1}; expected the end of the expression`, pos);
  }
  // A bare latency is ambiguous (`tpot.p99 < 100` would mean 100 seconds and pass everything):
  // a duration needs its unit, except 0.
  if (spec.kind === 'seconds' && unit === null && amount !== 0) {
    return fail(`expected a unit after ${numberText} at column ${pos + 1} (${field} is a duration: ${numberText}ms or ${numberText}s?); one of us, ms, s, m, h`, pos);
  }
  // A gate that cannot fail, or cannot pass, gates nothing: most likely a sign or unit slip.
  const vacuous = vacuity(spec.kind, op, value);
  if (vacuous !== null) {
    const [lo, hi] = KIND_DOMAINS[spec.kind];
    const range = hi === Infinity ? `at least ${lo}` : lo === -Infinity ? `at most ${hi}` : `between ${lo} and ${hi}`;
    return fail(`${vacuous === 'never' ? 'can never pass' : 'always passes'}: ${field} is ${range}${DOMAIN_UNITS[spec.kind]}, so the check gates nothing`, numberColumn);
  }
  // -0 and 0 compare alike; keep the value plain so JSON and equality are unsurprising.
  return { ok: true, threshold: { text: shown, field, op, value: value === 0 ? 0 : value, amount: amount === 0 ? 0 : amount, unit } };
}

/** The values each kind can take (normalized units): a bound outside them decides every run alike. */
const KIND_DOMAINS: Record<ThresholdKind, readonly [number, number]> = {
  seconds: [0, Infinity],
  fraction: [0, 1],
  // Headroom is negative when today's rate is already past the knee.
  percent: [-Infinity, 100],
  requestRate: [0, Infinity],
  tokenRate: [0, Infinity],
  count: [0, Infinity],
  usd: [0, Infinity],
};
const DOMAIN_UNITS: Record<ThresholdKind, string> = {
  seconds: ' s',
  fraction: ' (0-100%)',
  percent: '%',
  requestRate: ' req/s',
  tokenRate: ' tok/s',
  count: '',
  usd: ' US dollars',
};

/**
 * vacuity(kind, op, bound) -> 'never' when no value of the kind passes `value op bound`, 'always'
 * when every value does, else null. Counts are whole numbers: `requests.dropped == 0.5` never holds.
 */
export function vacuity(kind: ThresholdKind, op: ThresholdOperator, bound: number): 'never' | 'always' | null {
  const [lo, hi] = KIND_DOMAINS[kind];
  const integral = kind === 'count';
  switch (op) {
    case '<':
      return bound <= lo ? 'never' : bound > hi ? 'always' : null;
    case '<=':
      return bound < lo ? 'never' : bound >= hi ? 'always' : null;
    case '>':
      return bound >= hi ? 'never' : bound < lo ? 'always' : null;
    case '>=':
      return bound > hi ? 'never' : bound <= lo ? 'always' : null;
    case '==':
      return bound < lo || bound > hi || (integral && !Number.isInteger(bound)) ? 'never' : null;
    case '!=':
      return bound < lo || bound > hi || (integral && !Number.isInteger(bound)) ? 'always' : null;
  }
}

/** formatThreshold(t) -> the canonical text, which parses back to the same threshold. */
export function formatThreshold(t: Pick<Threshold, 'field' | 'op' | 'amount' | 'unit'>): string {
  const unit = t.unit === null ? '' : t.unit === 'req/s' || t.unit === 'tok/s' ? ` ${t.unit}` : t.unit;
  return `${t.field} ${t.op} ${String(t.amount)}${unit}`;
}

/** True when evaluating the threshold needs a saturation analysis (more than one simulation). */
export function thresholdNeedsSaturation(t: Pick<Threshold, 'field'>): boolean {
  return THRESHOLD_FIELDS[t.field].source === 'saturation';
}

/** True when evaluating the threshold needs a fabric analysis. */
export function thresholdNeedsFabric(t: Pick<Threshold, 'field'>): boolean {
  return THRESHOLD_FIELDS[t.field].source === 'fabric';
}

/** True when evaluating the threshold needs a survivability analysis. */
export function thresholdNeedsSurvival(t: Pick<Threshold, 'field'>): boolean {
  return THRESHOLD_FIELDS[t.field].source === 'survive';
}

/** compareThreshold(measured, op, bound) -> whether `measured op bound` holds. */
export function compareThreshold(measured: number, op: ThresholdOperator, bound: number): boolean {
  switch (op) {
    case '<':
      return measured < bound;
    case '<=':
      return measured <= bound;
    case '>':
      return measured > bound;
    case '>=':
      return measured >= bound;
    case '==':
      return measured === bound;
    case '!=':
      return measured !== bound;
  }
}

/**
 * formatMeasured(threshold, measured) -> a normalized value shown the way the threshold speaks:
 * durations in a readable unit ("45.2ms"), fractions as the threshold wrote them (0.987 or 98.7%),
 * percentages with %, rates with their unit, counts as integers. null -> "n/a".
 */
export function formatMeasured(t: Pick<Threshold, 'field' | 'unit'>, measured: number | null): string {
  if (measured === null) return 'n/a';
  if (!Number.isFinite(measured)) return String(measured);
  const p = (x: number) => String(Number(x.toPrecision(4)));
  switch (THRESHOLD_FIELDS[t.field].kind) {
    case 'seconds': {
      const abs = Math.abs(measured);
      if (abs === 0) return '0s';
      if (abs < 1e-3) return `${p(measured * 1e6)}us`;
      if (abs < 1) return `${p(measured * 1e3)}ms`;
      if (abs < 120) return `${p(measured)}s`;
      if (abs < 7200) return `${p(measured / 60)}m`;
      return `${p(measured / 3600)}h`;
    }
    case 'fraction':
      return t.unit === '%' ? `${p(measured * 100)}%` : p(measured);
    case 'percent':
      return `${p(measured)}%`;
    case 'requestRate':
      return `${p(measured)} req/s`;
    case 'tokenRate':
      return `${p(measured)} tok/s`;
    case 'count':
      return Number.isInteger(measured) ? String(measured) : p(measured);
    case 'usd':
      return `$${p(measured)}`;
  }
}

/** The known field nearest to `name`, when near enough to be a typo (or differing only in case). */
function closestField(name: string): string | null {
  return closestName(name, Object.keys(THRESHOLD_FIELDS), 4);
}
