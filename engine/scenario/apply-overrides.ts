import { parseDocument } from 'yaml';
import { describeValue } from './format-issues.js';
import type { ScenarioIssue } from './scenario-issue.js';

export type OverrideResult = { ok: true; raw: unknown } | { ok: false; issues: ScenarioIssue[] };

/** Path segments that could reach an object's prototype; refused in any position. */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);
/** Longest `--set` argument accepted (a flow map of a whole arrival spec is ~100 characters). */
const MAX_SET_LENGTH = 10_000;
/** Deepest key path accepted. */
const MAX_PATH_SEGMENTS = 32;

const EXPECTED = 'key.path=value, e.g. serving.tensorParallelSize=4';

/**
 * applyOverrides(raw, sets) -> a new raw object with each `key.path=value` applied in order, or
 * the issues with the malformed ones. The value is read as a YAML scalar or flow value ("4" -> 4,
 * "true" -> true, "{ process: poisson, rate: 3 }" -> a map, "2s" stays a string, an empty value is
 * the empty string; `null` or `~` removes the key, so it takes its default). Missing maps along the
 * path are created. `raw` is never mutated: the maps on
 * the path are copied, the rest is shared. The result is unvalidated: validateScenario checks it
 * like file input, so a bad value is reported under its key path.
 *
 * Issues carry file '' (the caller names the scenario file) and path ['--set'].
 */
export function applyOverrides(raw: unknown, sets: readonly string[]): OverrideResult {
  const issues: ScenarioIssue[] = [];
  let root: unknown = raw === undefined || raw === null ? {} : raw;
  if (!isMap(root)) {
    return { ok: false, issues: [setIssue(`expected the scenario to be a map of keys to apply --set to, got ${describeValue(root)}`)] };
  }
  for (const set of sets) {
    const parsed = parseSet(set);
    if (!parsed.ok) {
      issues.push(setIssue(parsed.message));
      continue;
    }
    const updated = setAt(root, parsed.path, parsed.value, []);
    if (!updated.ok) {
      issues.push(setIssue(updated.message));
      continue;
    }
    root = updated.value;
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, raw: root };
}

function setIssue(message: string): ScenarioIssue {
  return { file: '', path: ['--set'], message };
}

type Parsed = { ok: true; path: string[]; value: unknown } | { ok: false; message: string };

function parseSet(set: string): Parsed {
  const shown = describeValue(set);
  if (set.length > MAX_SET_LENGTH) {
    return { ok: false, message: `expected ${EXPECTED} of at most ${MAX_SET_LENGTH} characters, got ${set.length} characters` };
  }
  const eq = set.indexOf('=');
  if (eq < 0) return { ok: false, message: `expected ${EXPECTED}, got ${shown} (no '=')` };
  const key = set.slice(0, eq).trim();
  const path = key.split('.');
  if (key === '' || path.some((segment) => segment === '')) {
    return { ok: false, message: `expected ${EXPECTED}, got ${shown} (empty key path)` };
  }
  if (path.length > MAX_PATH_SEGMENTS) {
    return { ok: false, message: `expected a key path of at most ${MAX_PATH_SEGMENTS} segments, got ${path.length}` };
  }
  const forbidden = path.find((segment) => FORBIDDEN_SEGMENTS.has(segment));
  if (forbidden !== undefined) {
    return { ok: false, message: `expected a key path without ${forbidden}, got ${shown}` };
  }
  const text = set.slice(eq + 1);
  if (text.trim() === '') return { ok: true, path, value: '' };
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem !== undefined) {
    const reason = problem.message.split('\n', 1)[0] ?? problem.message;
    return { ok: false, message: `expected a YAML value after '=' in ${shown}, got a syntax error: ${reason}` };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return { ok: false, message: `expected a YAML value after '=' in ${shown}: ${String((error as Error).message)}` };
  }
  if (containsForbiddenKey(value)) {
    return { ok: false, message: `expected a value without __proto__, constructor or prototype keys, got ${shown}` };
  }
  // `key=null` (or `key=~`) unsets the key: back to its default, as if the file never named it.
  return { ok: true, path, value: value === null ? UNSET : value };
}

/** Marks a --set that removes its key. */
const UNSET = Symbol('unset');

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function containsForbiddenKey(value: unknown, depth = 0): boolean {
  if (typeof value !== 'object' || value === null || depth > MAX_PATH_SEGMENTS) return depth > MAX_PATH_SEGMENTS;
  if (Array.isArray(value)) return value.some((item) => containsForbiddenKey(item, depth + 1));
  return Object.keys(value).some(
    (key) => FORBIDDEN_SEGMENTS.has(key) || containsForbiddenKey((value as Record<string, unknown>)[key], depth + 1),
  );
}

/** A copy of a map with one own key set (a data property, so no key can reach a prototype). */
function withKey(map: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...map };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

type SetResult = { ok: true; value: unknown } | { ok: false; message: string };

function setAt(node: unknown, path: readonly string[], value: unknown, walked: readonly string[]): SetResult {
  const [head, ...rest] = path;
  if (head === undefined) return { ok: true, value };
  if (rest.length === 0 && value === UNSET) {
    if (!isMap(node) || !Object.hasOwn(node, head)) return { ok: true, value: node };
    const { [head]: _removed, ...others } = node;
    return { ok: true, value: others };
  }
  const here = walked.length === 0 ? 'the scenario' : walked.join('.');
  if (Array.isArray(node)) {
    const index = Number(head);
    if (!/^\d+$/.test(head) || index > node.length) {
      return { ok: false, message: `expected a list index from 0 to ${node.length} after ${here}, got ${describeValue(head)}` };
    }
    const child = setAt(node[index], rest, value, [...walked, head]);
    if (!child.ok) return child;
    const copy = [...node];
    copy[index] = child.value;
    return { ok: true, value: copy };
  }
  if (node !== undefined && node !== null && !isMap(node)) {
    return { ok: false, message: `expected ${here} to be a map to set ${head} in, got ${describeValue(node)}` };
  }
  const map: Record<string, unknown> = node === undefined || node === null ? {} : node;
  const current = Object.hasOwn(map, head) ? map[head] : undefined;
  const child = setAt(current, rest, value, [...walked, head]);
  if (!child.ok) return child;
  return { ok: true, value: withKey(map, head, child.value) };
}
