import { bufferLines, type LineSource } from '../workload/trace-file.js';
import { BoundedFileError, readBoundedFile } from './bounded-file.js';
import { safeLine } from './terminal-text.js';

/**
 * Prometheus text exposition (format 0.0.4), as a server's /metrics page or a series of scrapes
 * with timestamps: `name{label="value",...} value [timestamp_ms]` lines and `#` comments. Read a
 * line at a time; a malformed line is an issue `file: line N: expected X, got Y`.
 */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  /** Milliseconds, or null when the line has none (a single live scrape). */
  timestamp: number | null;
}

export class PromTextError extends Error {
  constructor(readonly issues: { file: string; line: number | null; message: string }[]) {
    super(issues.map((i) => `${i.file}: ${i.line === null ? '' : `line ${i.line}: `}${i.message}`).join('\n'));
    this.name = 'PromTextError';
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const MAX_ISSUES = 20;

function parseValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return Number.NaN;
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : Number.NaN;
}

/** One sample line -> the sample, or the problem in words. */
export function parseSampleLine(line: string): PromSample | string {
  const name = NAME.exec(line)?.[0];
  if (name === undefined) return `expected a metric name, got ${JSON.stringify(safeLine(line.slice(0, 40)))}`;
  let pos = name.length;
  const labels: Record<string, string> = Object.create(null) as Record<string, string>;
  if (line[pos] === '{') {
    pos++;
    for (;;) {
      while (line[pos] === ' ') pos++;
      if (line[pos] === '}') {
        pos++;
        break;
      }
      const key = LABEL_NAME.exec(line.slice(pos))?.[0];
      if (key === undefined) return `expected a label name or "}" at column ${pos + 1}`;
      pos += key.length;
      if (line[pos] !== '=' || line[pos + 1] !== '"') return `expected ="value" after label ${key} at column ${pos + 1}`;
      pos += 2;
      let value = '';
      while (pos < line.length && line[pos] !== '"') {
        if (line[pos] === '\\') {
          const next = line[pos + 1];
          value += next === 'n' ? '\n' : (next ?? '');
          pos += 2;
        } else value += line[pos++];
      }
      if (line[pos] !== '"') return `expected a closing quote for label ${key}`;
      pos++;
      labels[key] = value;
      while (line[pos] === ' ') pos++;
      if (line[pos] === ',') pos++;
      else if (line[pos] !== '}') return `expected "," or "}" after label ${key} at column ${pos + 1}`;
    }
  }
  const rest = line.slice(pos).trim().split(/\s+/);
  if (rest.length === 0 || rest[0] === '') return `expected a value after ${name}`;
  if (rest.length > 2) return `expected a value and at most a timestamp after ${name}, got ${rest.length} fields`;
  const value = parseValue(rest[0]!);
  if (Number.isNaN(value) && rest[0] !== 'NaN') return `expected a number for ${name}, got ${JSON.stringify(safeLine(rest[0]!.slice(0, 40)))}`;
  let timestamp: number | null = null;
  if (rest.length === 2) {
    timestamp = Number(rest[1]);
    if (!/^-?\d+$/.test(rest[1]!) || !Number.isSafeInteger(timestamp)) return `expected a timestamp in integer milliseconds, got ${JSON.stringify(safeLine(rest[1]!.slice(0, 40)))}`;
  }
  return { name, labels, value, timestamp };
}

/** Every sample of a text (or of a file's lines); throws PromTextError listing the malformed lines. */
export function parsePromLines(lines: LineSource, file: string): PromSample[] {
  const samples: PromSample[] = [];
  const issues: { file: string; line: number | null; message: string }[] = [];
  lines((raw, lineNo) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return true;
    const parsed = parseSampleLine(line);
    if (typeof parsed === 'string') {
      issues.push({ file, line: lineNo, message: parsed });
      return issues.length < MAX_ISSUES;
    }
    samples.push(parsed);
    return true;
  });
  if (issues.length > 0) throw new PromTextError(issues);
  if (samples.length === 0) throw new PromTextError([{ file, line: null, message: 'expected Prometheus samples (name{labels} value), got none' }]);
  return samples;
}

/** A scrape file's bytes (bounded: a regular file of at most 1 GB, gzip allowed). */
export function readPromBytes(file: string): Buffer {
  try {
    return readBoundedFile(file, { what: 'a Prometheus scrape', maxBytes: 2 ** 30, maxInflatedBytes: 512 * 2 ** 20 });
  } catch (error) {
    if (error instanceof BoundedFileError) throw new PromTextError([{ file, line: null, message: error.message }]);
    throw error;
  }
}

/** Reads and parses a scrape file. */
export function readPromFile(file: string): PromSample[] {
  return parsePromLines(bufferLines(readPromBytes(file)), file);
}
