import { safeLine } from '../input/terminal-text.js';
import type { ScenarioIssue } from './scenario-issue.js';

/**
 * describeValue(value) -> how an error message shows what was found: strings quoted (and cut at 60
 * characters, control characters escaped), numbers as written (NaN, Infinity), lists and maps by
 * kind, a missing key as "nothing".
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length}`;
  if (typeof value === 'object') return 'a map of keys';
  return typeof value;
}

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/** formatPath(['checks', 2, 'rate']) -> "checks[2].rate"; odd keys are quoted: a["x.y"]. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** formatIssue(issue) -> "file: key.path: expected X, got Y" (or "file: line N: ..." for parse errors). */
export function formatIssue(issue: ScenarioIssue): string {
  // The file name is the user's: a line break or an escape in it must not shape the output.
  const parts = [safeLine(issue.file)];
  if (issue.line !== undefined) parts.push(`line ${issue.line}`);
  const path = formatPath(issue.path);
  if (path !== '') parts.push(path);
  parts.push(issue.message);
  return parts.join(': ');
}

/** formatIssues(list) -> one line per issue, in the order given. */
export function formatIssues(issues: readonly ScenarioIssue[]): string {
  const shown = issues.slice(0, MAX_SHOWN_ISSUES).map(formatIssue);
  const more = issues.length - shown.length;
  if (more > 0) shown.push(`... and ${more} more issue${more === 1 ? '' : 's'} (fix these first; the rest are often the same slip)`);
  return shown.join('\n');
}

/** Issues printed per error: enough to start fixing, never a wall of thousands of lines. */
export const MAX_SHOWN_ISSUES = 20;
