import { BoundedFileError, readBoundedText } from '../input/bounded-file.js';
import { dirname, extname, resolve } from 'node:path';
import secureJsonParse from 'secure-json-parse';
import { isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { ScenarioError, type ScenarioIssue } from './scenario-issue.js';

/** Largest scenario file accepted, in bytes. A real scenario is a few kilobytes. */
export const MAX_SCENARIO_BYTES = 1024 * 1024;
/** Deepest nesting of maps and lists accepted. A real scenario nests 4 levels. */
export const MAX_SCENARIO_DEPTH = 32;
/** Syntax errors reported per file (the first ones; later ones are mostly the same slip echoing). */
const MAX_SYNTAX_ISSUES = 10;
/** Aliases a YAML file may expand (guards against "billion laughs"). */
const MAX_YAML_ALIASES = 100;
/**
 * Flow-bracket depth at which the raw text is refused before parsing: a 1 MB line of '[' makes
 * the YAML parser work for seconds and overflow its stack. Looser than MAX_SCENARIO_DEPTH because
 * it is a cheap count of characters, not of real nesting; the exact check runs on the parsed value.
 */
const MAX_RAW_BRACKET_DEPTH = 2 * MAX_SCENARIO_DEPTH;

export interface ScenarioFile {
  /** The path as the caller gave it: issues name this. */
  file: string;
  /** Directory that relative paths inside the file (trace, empirical lengths) resolve against. */
  baseDir: string;
  /** The parsed document: plain objects, arrays and scalars, not yet validated. */
  raw: unknown;
}

/**
 * readScenarioFile(path) -> { file, baseDir, raw }: reads and parses a YAML or JSON scenario (by
 * extension: .json is JSON, anything else YAML). I/O only: no validation beyond the syntax and the
 * size and depth caps. Throws ScenarioError (with every parse error found) on failure.
 *
 * A `__proto__` key never reaches an object's prototype: YAML and JSON.parse both store it as an
 * own data property, so the validator reports it as an unknown key.
 */
export function readScenarioFile(path: string): ScenarioFile {
  const file = path;
  const fail = (message: string, line?: number): never => {
    throw new ScenarioError([issue(file, message, line)]);
  };

  let text: string;
  try {
    text = readBoundedText(path, { what: 'a scenario file', maxBytes: MAX_SCENARIO_BYTES });
  } catch (error) {
    if (error instanceof BoundedFileError) return fail(error.message);
    throw error;
  }

  const isJson = extname(path).toLowerCase() === '.json';
  const parsed = isJson ? parseJsonText(file, text) : parseYamlText(file, text);
  if (!parsed.ok) throw new ScenarioError(parsed.issues);

  const depthIssue = findTooDeep(parsed.raw, [], 0);
  if (depthIssue !== null) {
    throw new ScenarioError([
      { file, path: depthIssue, message: `expected nesting at most ${MAX_SCENARIO_DEPTH} levels deep, got deeper` },
    ]);
  }
  return { file, baseDir: dirname(resolve(path)), raw: parsed.raw };
}

type Parsed = { ok: true; raw: unknown } | { ok: false; issues: ScenarioIssue[] };

function issue(file: string, message: string, line?: number): ScenarioIssue {
  return line === undefined ? { file, path: [], message } : { file, path: [], message, line };
}

/** parseYamlText(file, text): YAML 1.2 core schema; every syntax error and warning with its line. */
export function parseYamlText(file: string, text: string): Parsed {
  const tooDeep = rawBracketDepthLine(text);
  if (tooDeep !== null) {
    return { ok: false, issues: [issue(file, `expected nesting at most ${MAX_SCENARIO_DEPTH} levels deep, got deeper`, tooDeep)] };
  }
  const lineCounter = new LineCounter();
  // prettyErrors off: its context rendering is slow on hostile input; lines come from lineCounter.
  // uniqueKeys off: the parser's own check compares every key with every other (a 1 MB map of
  // 70k keys took 21 s); duplicateKeys finds the same ones in one pass.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  // Warnings (an unresolved tag such as !!js/function, a bad directive) are refused too: a scenario
  // file has no use for them, and a value silently turned into a string is worse than an error.
  const problems = [...doc.errors, ...doc.warnings, ...duplicateKeys(doc)];
  if (problems.length > 0) {
    // One syntax slip makes the parser complain about every token after it on the line; the first
    // complaint per line is the useful one, and a handful of lines is enough to start fixing.
    const issues: ScenarioIssue[] = [];
    const seenLines = new Set<number>();
    for (const problem of problems) {
      const line = lineCounter.linePos(problem.pos[0]).line;
      if (seenLines.has(line)) continue;
      seenLines.add(line);
      issues.push(issue(file, firstLine(problem.message), line));
    }
    issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    if (issues.length > MAX_SYNTAX_ISSUES) {
      const more = issues.length - MAX_SYNTAX_ISSUES;
      issues.length = MAX_SYNTAX_ISSUES;
      issues.push(issue(file, `${more} more syntax error${more === 1 ? '' : 's'} on later lines`));
    }
    return { ok: false, issues };
  }
  try {
    return { ok: true, raw: doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) };
  } catch (error) {
    return { ok: false, issues: [issue(file, `cannot expand the YAML document: ${firstLine(String((error as Error).message))}`)] };
  }
}

/** Repeated keys in any map, as parse problems at the repeat's position, in one pass over the document. */
function duplicateKeys(doc: Document.Parsed): { message: string; pos: [number, number] }[] {
  const found: { message: string; pos: [number, number] }[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = pair.key;
        const id = isScalar(key) ? `s:${String(key.value)}` : `c:${JSON.stringify(key)}`;
        if (seen.has(id)) {
          const at = (key as { range?: [number, number, number] } | null)?.range?.[0] ?? 0;
          found.push({ message: 'Map keys must be unique', pos: [at, at] });
        }
        seen.add(id);
      }
    },
  });
  return found;
}

/** parseJsonText(file, text): secure-json-parse; a syntax error gets its line number. */
export function parseJsonText(file: string, text: string): Parsed {
  try {
    const raw: unknown = secureJsonParse.parse(text, null, { protoAction: 'error', constructorAction: 'error' });
    // JSON.parse keeps the last of two equal keys silently; a scenario refuses them, as in YAML.
    const repeated = jsonDuplicateKeyLines(text);
    if (repeated.length > 0) return { ok: false, issues: repeated.map((line) => issue(file, 'Map keys must be unique', line)) };
    return { ok: true, raw };
  } catch (error) {
    const message = firstLine(String((error as Error).message));
    if (/forbidden prototype property/.test(message)) {
      // JSON.parse defines `__proto__` / `constructor` as own data properties (never the
      // prototype), so re-parsing lets the validator name the offending key as an unknown key.
      return { ok: true, raw: JSON.parse(text) as unknown };
    }
    const position = /at position (\d+)/.exec(message);
    const line = position?.[1] === undefined ? undefined : lineOfOffset(text, Number(position[1]));
    return { ok: false, issues: [issue(file, message.replace(/ in JSON at position \d+.*$/, ''), line)] };
  }
}

/**
 * Lines of repeated keys in a JSON text that parsed: JSON is YAML 1.2 flow syntax, so the YAML
 * parser's document (without its quadratic key check) gives every key with its position.
 */
function jsonDuplicateKeyLines(text: string): number[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  if (doc.errors.length > 0) return [];
  return duplicateKeys(doc).map((d) => lineCounter.linePos(d.pos[0]).line).slice(0, MAX_SYNTAX_ISSUES);
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0] ?? message;
}

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * rawBracketDepthLine(text) -> the line where '[' / '{' nesting first passes MAX_RAW_BRACKET_DEPTH,
 * or null. Brackets inside quotes and comments are counted too; that only makes it stricter, and
 * the cap is twice the real limit.
 */
function rawBracketDepthLine(text: string): number | null {
  let depth = 0;
  let line = 1;
  let compactDashes = 0; // "- - - - x": nested block sequences on one line
  let atLineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      compactDashes = 0;
      atLineStart = true;
      continue;
    }
    if (c === 91 || c === 123) {
      if (++depth > MAX_RAW_BRACKET_DEPTH) return line;
    } else if (c === 93 || c === 125) {
      if (depth > 0) depth--;
    }
    if (atLineStart && c === 45 /* - */ && text.charCodeAt(i + 1) === 32) {
      if (++compactDashes > MAX_RAW_BRACKET_DEPTH) return line;
      i++;
      continue;
    }
    if (c !== 32) atLineStart = false;
  }
  return null;
}

/** findTooDeep(value) -> the path where nesting passes MAX_SCENARIO_DEPTH, or null. */
function findTooDeep(value: unknown, path: (string | number)[], depth: number): (string | number)[] | null {
  if (typeof value !== 'object' || value === null) return null;
  if (depth >= MAX_SCENARIO_DEPTH) return path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findTooDeep(value[i], [...path, i], depth + 1);
      if (found !== null) return found;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    const found = findTooDeep((value as Record<string, unknown>)[key], [...path, key], depth + 1);
    if (found !== null) return found;
  }
  return null;
}
