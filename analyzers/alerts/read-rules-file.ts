import { BoundedFileError, readBoundedText } from '../../engine/input/bounded-file.js';
import { hasControls } from '../../engine/input/terminal-text.js';
import { describeValue } from '../../engine/scenario/format-issues.js';
import { parseYamlText } from '../../engine/scenario/read-scenario-file.js';
import type { ScenarioIssue } from '../../engine/scenario/scenario-issue.js';
import { formatIssues } from '../../engine/scenario/format-issues.js';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { AlertingRule, RecordingRule, Rule, RuleFile, RuleGroup } from './alert-rules.js';
import { parsePromDuration } from './prom-duration.js';
import { parsePromql } from './parse-promql.js';

/** Largest rule file accepted, in bytes (a real one is a few kilobytes). */
export const MAX_RULES_BYTES = 1024 * 1024;
/** Rules per file: each one is evaluated at every step of every simulated rate. */
export const MAX_RULES = 1000;

const GROUP_KEYS = ['name', 'interval', 'rules', 'labels', 'limit', 'query_offset'];
const ALERT_KEYS = ['alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations'];
const RECORD_KEYS = ['record', 'expr', 'labels'];
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const MAX_NAME_LENGTH = 200;
const MAX_TEXT_LENGTH = 10_000;

/** A rule file that cannot be used, with every issue found ("file: line N: path: expected X, got Y"). */
export class RulesFileError extends Error {
  constructor(readonly issues: ScenarioIssue[]) {
    super(formatIssues(issues));
    this.name = 'RulesFileError';
  }
}

/** readRulesFile(path): a bounded read, then parseRulesText. Throws RulesFileError. */
export function readRulesFile(path: string): RuleFile {
  let text: string;
  try {
    text = readBoundedText(path, { what: 'a Prometheus rule file', maxBytes: MAX_RULES_BYTES });
  } catch (error) {
    if (error instanceof BoundedFileError) throw new RulesFileError([{ file: path, path: [], message: error.message }]);
    throw error;
  }
  const parsed = parseRulesText(path, text);
  if (!parsed.ok) throw new RulesFileError(parsed.issues);
  return parsed.rules;
}

type Path = (string | number)[];
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (o: Record<string, unknown>, key: string): unknown => (Object.hasOwn(o, key) ? o[key] : undefined);

/**
 * parseRulesText(file, text) -> the rule file (Prometheus's rule file format: groups of alerting and
 * recording rules), or every issue found, each with its line. Pure. YAML through the scenario
 * reader's bounded parser (size, nesting, aliases, repeated keys); keys are checked as
 * Prometheus's rulefmt checks them (unknown keys refused), and every expression is parsed and
 * type-checked, so an unsupported function is named before anything is simulated.
 */
export function parseRulesText(file: string, text: string): { ok: true; rules: RuleFile } | { ok: false; issues: ScenarioIssue[] } {
  const yaml = parseYamlText(file, text);
  if (!yaml.ok) return { ok: false, issues: yaml.issues };
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const issues: ScenarioIssue[] = [];
  const lineOf = (path: Path, key = false) => lineAt(doc, lineCounter, path, key);
  const issue: IssueSink = (path, message, where = {}) => {
    const line = where.line ?? lineOf(path, where.key ?? false);
    issues.push(line === undefined ? { file, path, message } : { file, path, message, line });
  };
  const raw = yaml.raw;
  const groups: RuleGroup[] = [];
  if (!isRecord(raw)) {
    issue([], `expected a rule file (a map with groups: [...]), got ${raw === null || raw === undefined ? 'an empty document' : describeValue(raw)}`);
    return { ok: false, issues };
  }
  for (const key of Object.keys(raw)) if (key !== 'groups') issue([key], 'unknown key; expected groups', { key: true });
  const rawGroups = own(raw, 'groups');
  if (!Array.isArray(rawGroups)) {
    issue(['groups'], `expected a list of rule groups, got ${describeValue(rawGroups)}`);
    return { ok: false, issues };
  }
  const groupNames = new Set<string>();
  let ruleCount = 0;
  rawGroups.forEach((g, gi) => {
    const at: Path = ['groups', gi];
    if (!isRecord(g)) return issue(at, `expected a rule group (name, rules), got ${describeValue(g)}`);
    for (const key of Object.keys(g)) if (!GROUP_KEYS.includes(key)) issue([...at, key], `unknown key; expected one of ${GROUP_KEYS.join(', ')}`, { key: true });
    const name = own(g, 'name');
    if (!validName(name)) issue([...at, 'name'], `expected a group name (a string of 1 to ${MAX_NAME_LENGTH} characters), got ${describeValue(name)}`);
    else if (groupNames.has(name)) issue([...at, 'name'], `expected a group name used once in the file, got ${describeValue(name)} again`);
    else groupNames.add(name);
    const interval = durationField(g, 'interval', [...at, 'interval'], issue);
    if (interval === 0) issue([...at, 'interval'], 'expected a positive interval, e.g. 30s, got 0');
    for (const key of ['limit', 'query_offset'] as const) {
      const v = own(g, key);
      const zero = v === undefined || v === 0 || v === '0' || v === '0s';
      if (!zero) issue([...at, key], `expected ${key} 0 or absent, got ${describeValue(v)}: ${key === 'limit' ? 'a limit on alerts per rule' : 'an evaluation offset'} is not simulated`);
    }
    const groupLabels = labelsField(g, 'labels', [...at, 'labels'], issue) ?? [];
    const rawRules = own(g, 'rules');
    if (rawRules === undefined || rawRules === null) return issue([...at, 'rules'], `expected a list of rules, got ${describeValue(rawRules)}`);
    if (!Array.isArray(rawRules)) return issue([...at, 'rules'], `expected a list of rules, got ${describeValue(rawRules)}`);
    const rules: Rule[] = [];
    rawRules.forEach((r, ri) => {
      ruleCount++;
      const rule = checkRule(r, [...at, 'rules', ri], typeof name === 'string' ? name : '', groupLabels, issue, lineOf, doc, lineCounter);
      if (rule !== null) rules.push(rule);
    });
    groups.push({ name: typeof name === 'string' ? name : '', intervalMs: interval ?? null, rules });
  });
  if (ruleCount > MAX_RULES) issue(['groups'], `expected at most ${MAX_RULES} rules in all, got ${ruleCount}`);
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, rules: { file, groups } };
}

/** Records an issue at a key path; its line is the key's (`key`), the value's, or one given. */
type IssueSink = (path: Path, message: string, where?: { key?: boolean; line?: number }) => void;

function checkRule(
  r: unknown,
  at: Path,
  group: string,
  groupLabels: [string, string][],
  issue: IssueSink,
  lineOf: (path: Path, key?: boolean) => number | undefined,
  doc: Document.Parsed,
  lineCounter: LineCounter,
): Rule | null {
  if (!isRecord(r)) {
    issue(at, `expected a rule (alert: or record:, with expr:), got ${describeValue(r)}`);
    return null;
  }
  const alert = own(r, 'alert');
  const record = own(r, 'record');
  if (alert !== undefined && record !== undefined) {
    issue([...at, 'record'], 'expected either alert: or record:, got both', { key: true });
    return null;
  }
  if (alert === undefined && record === undefined) {
    issue(at, 'expected alert: <name> or record: <name>, got neither');
    return null;
  }
  const isAlert = alert !== undefined;
  const keys = isAlert ? ALERT_KEYS : RECORD_KEYS;
  let ok = true;
  for (const key of Object.keys(r)) {
    if (!keys.includes(key)) {
      const why = !isAlert && ALERT_KEYS.includes(key) ? `${key} is only for alerting rules; a recording rule takes` : 'unknown key; expected one of';
      issue([...at, key], `${why} ${keys.join(', ')}`, { key: true });
      ok = false;
    }
  }
  let name = '';
  if (isAlert) {
    if (!validName(alert)) {
      issue([...at, 'alert'], `expected an alert name (1 to ${MAX_NAME_LENGTH} characters, no control characters), got ${describeValue(alert)}`);
      ok = false;
    } else name = alert;
  } else if (typeof record !== 'string' || !METRIC_NAME.test(record) || record.length > MAX_NAME_LENGTH) {
    issue([...at, 'record'], `expected a metric name for the recorded series (letters, digits, _ and :), got ${describeValue(record)}`);
    ok = false;
  } else if (record.startsWith('vllm:')) {
    issue([...at, 'record'], `expected a recorded series name outside vllm:*, got ${describeValue(record)}: vllm: names are the simulated series`);
    ok = false;
  } else name = record;

  const rawExpr = own(r, 'expr');
  let expr: string | null = null;
  if (typeof rawExpr === 'string') expr = rawExpr;
  else if (typeof rawExpr === 'number' && Number.isFinite(rawExpr)) expr = String(rawExpr);
  else {
    issue([...at, 'expr'], `expected a PromQL expression, got ${describeValue(rawExpr)}`);
    ok = false;
  }
  let parsed: ReturnType<typeof parsePromql> | null = null;
  if (expr !== null) {
    parsed = parsePromql(expr);
    if (!parsed.ok) {
      const line = lineWithin(doc, lineCounter, [...at, 'expr'], parsed.position);
      issue([...at, 'expr'], `${isAlert ? 'alert' : 'record'} ${JSON.stringify(name)}: ${parsed.message}`, line === undefined ? {} : { line });
      ok = false;
    } else if (parsed.type !== 'vector' && parsed.type !== 'scalar') {
      issue([...at, 'expr'], `${isAlert ? 'alert' : 'record'} ${JSON.stringify(name)}: expected an expression giving an instant vector or a scalar, got a ${parsed.type === 'matrix' ? 'range vector (wrap it in a function such as rate())' : 'string'}`);
      ok = false;
    }
  }
  const forMs = isAlert ? durationField(r, 'for', [...at, 'for'], issue) : undefined;
  const keepMs = isAlert ? durationField(r, 'keep_firing_for', [...at, 'keep_firing_for'], issue) : undefined;
  const labels = labelsField(r, 'labels', [...at, 'labels'], issue);
  const annotations = isAlert ? labelsField(r, 'annotations', [...at, 'annotations'], issue, true) : [];
  if (forMs === null || keepMs === null || labels === null || annotations === null) ok = false;
  if (!ok || parsed === null || !parsed.ok || expr === null) return null;
  // Rule labels win over the group's, as in Prometheus.
  const merged = new Map<string, string>(groupLabels);
  for (const [k, v] of labels ?? []) merged.set(k, v);
  const base = { group, expr, parsed: parsed.expr, type: parsed.type, labels: [...merged], line: lineOf(at) ?? 1 };
  if (isAlert) {
    const rule: AlertingRule = { ...base, kind: 'alert', name, forMs: forMs ?? 0, keepFiringForMs: keepMs ?? 0, annotations: annotations ?? [] };
    return rule;
  }
  const rule: RecordingRule = { ...base, kind: 'record', name };
  return rule;
}

function validName(v: unknown): v is string {
  return typeof v === 'string' && v.trim() !== '' && v.length <= MAX_NAME_LENGTH && !hasControls(v);
}

/** An optional duration key: its milliseconds, undefined when absent, null (and an issue) when bad. */
function durationField(o: Record<string, unknown>, key: string, path: Path, issue: IssueSink): number | undefined | null {
  const v = own(o, key);
  if (v === undefined || v === null) return undefined;
  const ms = typeof v === 'string' ? parsePromDuration(v.trim()) : v === 0 ? 0 : null;
  if (ms === null) {
    issue(path, `expected a duration like 30s, 5m or 1h30m (Prometheus units ms, s, m, h, d, w, y), got ${describeValue(v)}`);
    return null;
  }
  return ms;
}

/** An optional map of label names to string values; null (and issues) when bad. */
function labelsField(o: Record<string, unknown>, key: string, path: Path, issue: IssueSink, annotations = false): [string, string][] | null {
  const v = own(o, key);
  if (v === undefined || v === null) return [];
  if (!isRecord(v)) {
    issue(path, `expected a map of ${annotations ? 'annotation' : 'label'} names to strings, got ${describeValue(v)}`);
    return null;
  }
  const out: [string, string][] = [];
  let ok = true;
  for (const [name, value] of Object.entries(v)) {
    if (!LABEL_NAME.test(name) || name.startsWith('__')) {
      issue([...path, name], `expected a ${annotations ? 'annotation' : 'label'} name of letters, digits and _ (not starting with __), got ${describeValue(name)}`, { key: true });
      ok = false;
    } else if (!annotations && name === 'alertname') {
      issue([...path, name], 'expected a label other than alertname, which the alert: key sets', { key: true });
      ok = false;
    } else if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      issue([...path, name], `expected a string, got ${describeValue(value)}`);
      ok = false;
    } else if (String(value).length > MAX_TEXT_LENGTH) {
      issue([...path, name], `expected at most ${MAX_TEXT_LENGTH} characters, got ${String(value).length}`);
      ok = false;
    } else out.push([name, String(value)]);
  }
  return ok ? out : null;
}

/** The 1-based line of the node at `path` (of its key, with `key`), or of the nearest ancestor present. */
function lineAt(doc: Document.Parsed, lc: LineCounter, path: Path, key: boolean): number | undefined {
  let node: unknown = doc.contents;
  let line = rangeLine(node, lc);
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (pair === undefined) return line;
      const last = i === path.length - 1;
      if (last && key) return rangeLine(pair.key, lc) ?? line;
      node = pair.value;
      line = rangeLine(node, lc) ?? rangeLine(pair.key, lc) ?? line;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      line = rangeLine(node, lc) ?? line;
    } else return line;
  }
  return line;
}

function rangeLine(node: unknown, lc: LineCounter): number | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range === undefined ? undefined : lc.linePos(range[0]).line;
}

/**
 * The line of a character inside an expression: exact for a literal block (`expr: |`), whose lines
 * are the file's; the expression's own line otherwise (a folded or quoted scalar joins lines).
 */
function lineWithin(doc: Document.Parsed, lc: LineCounter, path: Path, position: number | null): number | undefined {
  const node = doc.getIn(path, true);
  if (!isScalar(node) || node.range === undefined || node.range === null) return undefined;
  const start = lc.linePos(node.range[0]).line;
  if (position === null || node.type !== 'BLOCK_LITERAL' || typeof node.value !== 'string') return start;
  // An expression that ends too early breaks after its last character: point at that line.
  const before = node.value.slice(0, Math.max(0, Math.min(position, node.value.trimEnd().length - 1)));
  return start + 1 + (before.match(/\n/g)?.length ?? 0);
}
