import type * as z from 'zod';
import { closestName } from './closest-name.js';
import { describeValue } from './format-issues.js';
import { createScenarioSchema } from './scenario-schema.js';
import type { ScenarioIssue } from './scenario-issue.js';
import { checkScenarioRules } from './scenario-rules.js';
import { SLO_METRICS, SLO_STATS, type Scenario } from './scenario-types.js';

export type ValidationResult = { ok: true; scenario: Scenario } | { ok: false; issues: ScenarioIssue[] };

/**
 * validateScenario(raw, { file, baseDir }) -> the normalized Scenario, or every issue found.
 * Pure and total: never throws, never reads a file (relative paths are only resolved against
 * `baseDir`). Three stages, as in changesets' config: parse (zod, every field error at once,
 * worded "expected X, got Y" with the key path) -> normalize (catalog ids, dependent defaults) ->
 * cross-field rules (scenario-rules.ts, all of them).
 */
export function validateScenario(raw: unknown, opts: { file: string; baseDir: string }): ValidationResult {
  const { file } = opts;
  try {
    if (raw === null || raw === undefined) {
      return {
        ok: false,
        issues: [{ file, path: [], message: 'expected a scenario map (name, model, cluster, workload, ...), got an empty document' }],
      };
    }
    const allowedKeys = new WeakMap<object, string[]>();
    const parsed = createScenarioSchema({ baseDir: opts.baseDir }).safeParse(raw, {
      error: (issue) => wordIssue(issue, allowedKeys),
    });
    if (!parsed.success) {
      return { ok: false, issues: translateIssues(parsed.error.issues, raw, [], file, allowedKeys) };
    }
    const ruleIssues = checkScenarioRules(parsed.data, file);
    return ruleIssues.length > 0 ? { ok: false, issues: ruleIssues } : { ok: true, scenario: parsed.data };
  } catch (error) {
    // A bug in a rule or a transform must still come back as data, loudly.
    return { ok: false, issues: [{ file, path: [], message: `internal error while validating: ${String(error)}`, internal: true }] };
  }
}

// ---------------------------------------------------------------------------------------------
// zod issue -> "expected X, got Y"

type RawIssue = z.core.$ZodRawIssue;
type FinalIssue = z.core.$ZodIssue;

const INT_FORMATS = new Set(['safeint', 'int32', 'uint32', 'int64', 'uint64']);

function isIntSchema(inst: unknown): boolean {
  const def = (inst as { _zod?: { def?: { format?: unknown } } } | undefined)?._zod?.def;
  return typeof def?.format === 'string' && INT_FORMATS.has(def.format);
}

function expectedType(expected: string, input: unknown, inst: unknown): string {
  switch (expected) {
    case 'number':
    case 'int':
      if (expected === 'int' || isIntSchema(inst)) return 'an integer';
      return typeof input === 'number' ? 'a finite number' : 'a number';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'object':
      return 'a map of keys';
    case 'array':
      return 'a list';
    default:
      return expected;
  }
}

function formatBound(value: number | bigint): string {
  return String(value);
}

function showValue(value: unknown): string {
  return typeof value === 'string' ? value : describeValue(value);
}

/**
 * The per-parse error map: words every issue zod raises that a schema did not word itself.
 * Unrecognized keys only record which keys the object allows; translateIssues words them.
 */
function wordIssue(issue: RawIssue, allowedKeys: WeakMap<object, string[]>): string | undefined {
  const got = describeValue(issue.input);
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return `expected ${expectedType(issue.expected, issue.input, issue.inst)} (required), got nothing`;
      return `expected ${expectedType(issue.expected, issue.input, issue.inst)}, got ${got}`;
    }
    case 'too_big': {
      const unit = issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : '';
      return `expected ${issue.inclusive === false ? 'less than' : 'at most'} ${formatBound(issue.maximum)}${unit}, got ${sizeOf(issue.input, issue.origin)}`;
    }
    case 'too_small': {
      const unit = issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : '';
      return `expected ${issue.inclusive === false ? 'more than' : 'at least'} ${formatBound(issue.minimum)}${unit}, got ${sizeOf(issue.input, issue.origin)}`;
    }
    case 'invalid_value': {
      const values = issue.values.map(showValue);
      return values.length === 1 ? `expected ${values[0]}, got ${got}` : `expected one of ${values.join(', ')}, got ${got}`;
    }
    case 'invalid_union': {
      const discriminator = (issue as { discriminator?: unknown }).discriminator;
      const options = (issue as { options?: unknown[] }).options;
      if (typeof discriminator === 'string' && Array.isArray(options)) {
        const input = issue.input as Record<string, unknown> | undefined;
        const found = input !== undefined && Object.hasOwn(input, discriminator) ? input[discriminator] : undefined;
        return `expected one of ${options.map(showValue).join(', ')}, got ${describeValue(found)}`;
      }
      const branches = issue.errors
        .map((errors) => errors.find((e) => e.path.length === 0 && e.code === 'invalid_type'))
        .map((e) => (e !== undefined && e.code === 'invalid_type' ? expectedType(e.expected, issue.input, undefined) : null))
        .filter((e): e is string => e !== null);
      return `expected ${branches.length > 0 ? branches.join(' or ') : 'a valid value'}, got ${got}`;
    }
    case 'unrecognized_keys': {
      const inst = issue.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined;
      const shape = inst?._zod?.def?.shape;
      if (typeof issue.input === 'object' && issue.input !== null && shape !== undefined) {
        allowedKeys.set(issue.input, Object.keys(shape));
      }
      return 'unknown key';
    }
    case 'not_multiple_of':
      return `expected a multiple of ${String(issue.divisor)}, got ${got}`;
    default:
      return undefined;
  }
}

function sizeOf(input: unknown, origin: string): string {
  if (origin === 'string' && typeof input === 'string') return `${input.length} characters`;
  if (origin === 'array' && Array.isArray(input)) return `${input.length} items`;
  return describeValue(input);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    if (typeof key === 'symbol' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

function toPath(path: readonly PropertyKey[]): (string | number)[] {
  return path.map((key) => (typeof key === 'symbol' ? String(key) : key));
}

const SLO_PATTERN =
  `<metric><Stat> with metric one of ${SLO_METRICS.join(', ')} and Stat one of ${SLO_STATS.join(', ')} (e.g. ttftP99)`;

/**
 * translateIssues(zodIssues, raw, prefix, file) -> ScenarioIssues: one per unknown key, and for a
 * union (catalog id or inline map) the issues of the branch the input was meant for.
 */
function translateIssues(
  issues: readonly FinalIssue[],
  raw: unknown,
  prefix: readonly PropertyKey[],
  file: string,
  allowedKeys: WeakMap<object, string[]>,
): ScenarioIssue[] {
  const out: ScenarioIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const container = valueAt(raw, path);
      const allowed = typeof container === 'object' && container !== null ? allowedKeys.get(container) : undefined;
      for (const key of issue.keys) {
        out.push({ file, path: toPath([...path, key]), message: unknownKeyMessage(key, path, allowed) });
      }
      continue;
    }
    if (issue.code === 'invalid_union' && !('discriminator' in issue && issue.discriminator !== undefined)) {
      // Branches that failed only because the input has another type were not what the user meant.
      const meant = issue.errors.filter(
        (errors) => !errors.some((e) => e.path.length === 0 && e.code === 'invalid_type'),
      );
      if (meant.length === 1 && meant[0] !== undefined) {
        out.push(...translateIssues(meant[0], raw, path, file, allowedKeys));
        continue;
      }
    }
    out.push({ file, path: toPath(path), message: issue.message });
  }
  return out;
}

function unknownKeyMessage(key: string, path: readonly PropertyKey[], allowed: string[] | undefined): string {
  if (path.length === 1 && path[0] === 'slo') return `unknown key; expected ${SLO_PATTERN}`;
  if (allowed === undefined) return 'unknown key';
  const suggestion = closest(key, allowed);
  return `unknown key${suggestion === null ? '' : ` (did you mean ${suggestion}?)`}; expected one of ${allowed.join(', ')}`;
}

/** The allowed key nearest to `key` by edit distance, when it is near enough to be a typo. */
function closest(key: string, allowed: readonly string[]): string | null {
  return closestName(key, allowed, 3);
}
