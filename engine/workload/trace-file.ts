import sjson from 'secure-json-parse';
import { BoundedFileError, readBoundedFile, type FileCaps } from '../input/bounded-file.js';
import { hasControls } from '../input/terminal-text.js';

/**
 * Request traces for replay: Azure LLM inference CSVs, Vidur's processed CSVs, request lists and
 * Mooncake JSONL, recognised from the header (or first line), never from the file name.
 *
 * I/O lives in `readTraceBytes` (bounded read, gunzip); parsing is pure over a line source (the
 * bytes are decoded a window at a time, so a large trace is never held twice, as bytes and text). Every malformed row is an
 * issue with its 1-based line number and column; up to MAX_TRACE_ISSUES are collected, then the
 * parse stops and a TraceFileError carries them all.
 */

export type TraceFormat = 'azure' | 'vidur' | 'request-list' | 'mooncake';

export interface TraceData {
  format: TraceFormat;
  file: string;
  /**
   * Seconds from the first (earliest) request, divided by timeScale, ascending. A file whose rows
   * are not in time order is sorted stably: rows with equal times keep their file order, and the
   * token columns are permuted with them.
   */
  arrivals: Float64Array;
  inputTokens: Int32Array;
  outputTokens: Int32Array;
  /**
   * Prefix block identities (Mooncake `hash_ids`), row i's in ids[offsets[i] .. offsets[i+1]):
   * id j stands for the prompt's tokens [j x blockTokens, (j+1) x blockTokens) and, as Mooncake
   * hashes them, the prefix before them. Null when the format has none.
   */
  prefixBlocks?: { blockTokens: number; offsets: Int32Array; ids: Int32Array } | null;
}

/** Tokens per Mooncake hash id (FAST'25 traces: "block size 512", Mooncake's README). */
export const MOONCAKE_BLOCK_TOKENS = 512;

export interface TraceIssue {
  file: string;
  /** 1-based line in the (decompressed) file; null when the issue is about the whole file. */
  line: number | null;
  message: string;
}

export interface TraceOptions {
  /** Arrivals are divided by this: 2 replays the trace twice as fast. Finite and > 0; default 1. */
  timeScale?: number;
}

/** Longest span of replayed arrivals (the scenario rules' MAX_SIMULATED_SECONDS). */
const MAX_TRACE_SPAN_SECONDS = 1e9;

/** Parsing stops once this many issues are collected. */
export const MAX_TRACE_ISSUES = 20;

export class TraceFileError extends Error {
  readonly issues: TraceIssue[];

  constructor(issues: TraceIssue[]) {
    const stopped = issues.length >= MAX_TRACE_ISSUES ? `\n(stopped after ${issues.length} issues)` : '';
    super(issues.map(formatTraceIssue).join('\n') + stopped);
    this.name = 'TraceFileError';
    this.issues = issues;
  }
}

/** `file: line N: message`, or `file: message` for an issue about the whole file. */
export function formatTraceIssue(issue: TraceIssue): string {
  return issue.line === null
    ? `${issue.file}: ${issue.message}`
    : `${issue.file}: line ${issue.line}: ${issue.message}`;
}

/** Reads, gunzips (by .gz name or the 1f 8b magic bytes) and parses one trace file. */
export function readTraceFile(file: string, options: TraceOptions = {}): TraceData {
  return parseTraceLines(bufferLines(readTraceBytes(file)), file, options);
}

// ---------------------------------------------------------------------------------------------
// I/O

/**
 * What a trace (or empirical-length) file may weigh: 1 GB on disk, and a gzip file 256 MB that
 * decompresses to at most 512 MB. A million-request Azure trace is about 60 MB; rows cost 16
 * bytes each once parsed.
 */
export const TRACE_CAPS: FileCaps = { what: 'a trace', maxBytes: 2 ** 30, maxInflatedBytes: 512 * 2 ** 20 };
const GZIP_TRACE_MAX_BYTES = 256 * 2 ** 20;

/** The file's bytes, bounded (regular files only, size caps) and gunzipped when needed. */
export function readTraceBytes(file: string, caps: FileCaps = TRACE_CAPS): Buffer {
  try {
    const gz = file.endsWith('.gz');
    return readBoundedFile(file, gz ? { ...caps, maxBytes: Math.min(caps.maxBytes, GZIP_TRACE_MAX_BYTES) } : caps);
  } catch (error) {
    if (error instanceof BoundedFileError) throw new TraceFileError([{ file, line: null, message: error.message }]);
    throw error;
  }
}

/** The file's text, gunzipped when needed, without a UTF-8 byte-order mark (small files; large ones go through bufferLines). */
export function readTraceText(file: string): string {
  const text = readTraceBytes(file).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Visits lines (1-based numbers) until the visitor returns false. */
export type LineSource = (visit: (line: string, lineNo: number) => boolean) => void;

/** The lines of a text. */
export function textLines(text: string): LineSource {
  return (visit) => forEachLine(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, visit);
}

/** Bytes decoded per window: big enough to amortize, small beside a large trace. */
const WINDOW_BYTES = 8 * 2 ** 20;

/**
 * The lines of UTF-8 bytes, decoded a window at a time. A window ends just after a newline byte,
 * which never occurs inside a multi-byte UTF-8 sequence, so no character is split; a line longer
 * than a window widens that window.
 */
export function bufferLines(bytes: Buffer): LineSource {
  return (visit) => {
    let start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    let lineOffset = 0;
    while (start < bytes.length) {
      let end = Math.min(bytes.length, start + WINDOW_BYTES);
      if (end < bytes.length) {
        const nl = bytes.lastIndexOf(0x0a, end - 1);
        end = nl >= start ? nl + 1 : Math.max(end, bytes.indexOf(0x0a, end) + 1 || bytes.length);
      }
      const text = bytes.toString('utf8', start, end);
      let stopped = false;
      let lines = 0;
      forEachLine(text, (line, lineNo) => {
        lines = lineNo;
        if (visit(line, lineOffset + lineNo)) return true;
        stopped = true;
        return false;
      });
      if (stopped) return;
      lineOffset += lines;
      start = end;
    }
  };
}

// ---------------------------------------------------------------------------------------------
// Formats

interface CsvLayout {
  format: Exclude<TraceFormat, 'mooncake'>;
  header: readonly string[];
  time: number;
  input: number;
  output: number;
  /** 'utc-timestamp': "2023-11-16 18:17:03.9799600"; 'seconds': a non-negative decimal. */
  clock: 'utc-timestamp' | 'seconds';
}

const CSV_LAYOUTS: readonly CsvLayout[] = [
  { format: 'azure', header: ['TIMESTAMP', 'ContextTokens', 'GeneratedTokens'], time: 0, input: 1, output: 2, clock: 'utc-timestamp' },
  { format: 'vidur', header: ['arrived_at', 'num_prefill_tokens', 'num_decode_tokens'], time: 0, input: 1, output: 2, clock: 'seconds' },
  {
    format: 'request-list',
    header: ['request_id', 'arrived_at_s', 'num_prefill_tokens', 'num_decode_tokens'],
    time: 1,
    input: 2,
    output: 3,
    clock: 'seconds',
  },
];

const MOONCAKE_FIELDS = ['timestamp', 'input_length', 'output_length'] as const;

/** The accepted first lines, for "unrecognised header" messages. */
export const ACCEPTED_TRACE_HEADERS =
  `${CSV_LAYOUTS[0]!.header.join(',')} (Azure LLM inference), ` +
  `${CSV_LAYOUTS[1]!.header.join(',')} (Vidur processed trace), ` +
  `${CSV_LAYOUTS[2]!.header.join(',')} (request list), ` +
  `or JSON lines with ${MOONCAKE_FIELDS.join(', ')} (Mooncake)`;

/** The first non-blank line and its 1-based number, or null for a blank file. */
export function firstLine(text: string | LineSource): { text: string; line: number } | null {
  let found: { text: string; line: number } | null = null;
  const lines = typeof text === 'string' ? textLines(text) : text;
  lines((line, lineNo) => {
    if (line.trim() === '') return true;
    found = { text: line, line: lineNo };
    return false;
  });
  return found;
}

/** The trace format named by the file's first non-blank line, or null when it names none. */
export function detectTraceFormat(text: string | LineSource): TraceFormat | null {
  const first = firstLine(text);
  return first === null ? null : formatOfHeader(first.text);
}

function formatOfHeader(line: string): TraceFormat | null {
  if (line.trimStart().startsWith('{')) return 'mooncake';
  const names = line.split(',').map((name) => unquote(name.trim()));
  const layout = CSV_LAYOUTS.find(
    (candidate) => candidate.header.length === names.length && candidate.header.every((name, i) => names[i] === name),
  );
  return layout?.format ?? null;
}

// ---------------------------------------------------------------------------------------------
// Parsing (pure)

/** Parses a trace's text; throws TraceFileError with every issue found (up to MAX_TRACE_ISSUES). */
export function parseTraceText(text: string, file: string, options: TraceOptions = {}): TraceData {
  return parseTraceLines(textLines(text), file, options);
}

/** Parses a trace's lines (see parseTraceText). */
export function parseTraceLines(text: LineSource, file: string, options: TraceOptions = {}): TraceData {
  const timeScale = options.timeScale ?? 1;
  if (!(typeof timeScale === 'number' && Number.isFinite(timeScale) && timeScale > 0)) {
    throw new TraceFileError([{ file, line: null, message: `timeScale: expected a finite number > 0, got ${String(timeScale)}` }]);
  }
  const first = firstLine(text);
  if (first === null) {
    throw new TraceFileError([{ file, line: null, message: `the file is empty; expected a header: ${ACCEPTED_TRACE_HEADERS}` }]);
  }
  const format = formatOfHeader(first.text);
  if (format === null) {
    throw new TraceFileError([
      { file, line: first.line, message: `unrecognised header ${quote(first.text)}; expected ${ACCEPTED_TRACE_HEADERS}` },
    ]);
  }
  const rows = new RowSink(file);
  if (format === 'mooncake') parseMooncake(text, rows);
  else parseCsv(text, first.line, CSV_LAYOUTS.find((layout) => layout.format === format)!, rows);
  if (rows.issues.length > 0) throw new TraceFileError(rows.issues);
  if (rows.count === 0) throw new TraceFileError([{ file, line: null, message: 'no requests: the file has a header but no rows' }]);
  return rows.finish(format, timeScale);
}

/** Rows land in preallocated typed arrays (no per-row objects); issues are collected beside them. */
class RowSink {
  readonly issues: TraceIssue[] = [];
  count = 0;
  private times = new Float64Array(1024);
  private inputs = new Int32Array(1024);
  private outputs = new Int32Array(1024);
  private sorted = true;
  /** Prefix ids per row (Mooncake), or null for formats without them. */
  private ids: number[][] | null = null;

  constructor(private readonly file: string) {}

  /** False once the issue limit is reached: the caller stops reading. */
  issue(line: number, message: string): boolean {
    this.issues.push({ file: this.file, line, message });
    return this.issues.length < MAX_TRACE_ISSUES;
  }

  push(time: number, input: number, output: number, ids?: number[]): void {
    if (this.count === this.times.length) this.grow();
    // A row without ids among rows with them shares nothing (its prompt is its own).
    if (ids !== undefined && this.ids === null) this.ids = Array.from({ length: this.count }, () => []);
    if (this.ids !== null) this.ids.push(ids ?? []);
    const i = this.count++;
    if (i > 0 && time < this.times[i - 1]!) this.sorted = false;
    this.times[i] = time;
    this.inputs[i] = input;
    this.outputs[i] = output;
  }

  /** Doubles the arrays: the row count is not known before the last line. */
  private grow(): void {
    const n = this.times.length * 2;
    const times = new Float64Array(n);
    times.set(this.times);
    const inputs = new Int32Array(n);
    inputs.set(this.inputs);
    const outputs = new Int32Array(n);
    outputs.set(this.outputs);
    this.times = times;
    this.inputs = inputs;
    this.outputs = outputs;
  }

  finish(format: TraceFormat, timeScale: number): TraceData {
    let arrivals = this.times.slice(0, this.count);
    let inputTokens = this.inputs.slice(0, this.count);
    let outputTokens = this.outputs.slice(0, this.count);
    let rowIds = this.ids;
    if (!this.sorted) {
      // Stable by construction (ties broken by file order), whatever the engine's sort does.
      const times = arrivals;
      const inputs = inputTokens;
      const outputs = outputTokens;
      const order = Array.from({ length: this.count }, (_, i) => i).sort((a, b) => times[a]! - times[b]! || a - b);
      arrivals = Float64Array.from(order, (i) => times[i]!);
      inputTokens = Int32Array.from(order, (i) => inputs[i]!);
      outputTokens = Int32Array.from(order, (i) => outputs[i]!);
      if (rowIds !== null) {
        const before = rowIds;
        rowIds = order.map((i) => before[i]!);
      }
    }
    const start = arrivals[0]!;
    for (let i = 0; i < arrivals.length; i++) arrivals[i] = (arrivals[i]! - start) / timeScale;
    const span = arrivals[arrivals.length - 1]!;
    if (span > MAX_TRACE_SPAN_SECONDS) {
      throw new TraceFileError([
        {
          file: this.file,
          line: null,
          message:
            `expected arrivals spanning at most ${MAX_TRACE_SPAN_SECONDS.toExponential(0)} s (~31 years) after timeScale ${timeScale}, ` +
            `got ${span.toPrecision(3)} s; later times lose the microseconds a step is made of to rounding (check the timestamps' unit)`,
        },
      ]);
    }
    return { format, file: this.file, arrivals, inputTokens, outputTokens, prefixBlocks: rowIds === null ? null : packIds(rowIds) };
  }
}

/** Row id lists packed as offsets into one array (no per-row arrays kept). */
function packIds(rows: number[][]): NonNullable<TraceData['prefixBlocks']> {
  const offsets = new Int32Array(rows.length + 1);
  for (let i = 0; i < rows.length; i++) offsets[i + 1] = offsets[i]! + rows[i]!.length;
  const ids = new Int32Array(offsets[rows.length]!);
  rows.forEach((row, i) => ids.set(row, offsets[i]!));
  return { blockTokens: MOONCAKE_BLOCK_TOKENS, offsets, ids };
}

function parseCsv(text: LineSource, headerLine: number, layout: CsvLayout, rows: RowSink): void {
  const columns = layout.header.length;
  const timeName = layout.header[layout.time]!;
  const inputName = layout.header[layout.input]!;
  const outputName = layout.header[layout.output]!;
  const timestamp = { wholeSeconds: 0, nanos: 0 };
  const fields: string[] = new Array<string>(columns).fill('');
  let firstWhole = Number.NaN;
  let firstNanos = 0;

  text((line, lineNo) => {
    if (lineNo <= headerLine || isBlank(line)) return true;
    const count = splitFields(line, fields);
    if (count !== columns) {
      return rows.issue(lineNo, `expected ${columns} columns (${layout.header.join(',')}), got ${count}: ${quote(line)}`);
    }
    const rawTime = fields[layout.time]!;
    const rawInput = fields[layout.input]!;
    const rawOutput = fields[layout.output]!;

    let time = Number.NaN;
    if (layout.clock === 'utc-timestamp') {
      if (parseUtcTimestamp(rawTime, timestamp)) {
        if (Number.isNaN(firstWhole)) {
          firstWhole = timestamp.wholeSeconds;
          firstNanos = timestamp.nanos;
        }
        // Seconds from the first row, from integers: exact below ~104 days, then one rounding.
        time = ((timestamp.wholeSeconds - firstWhole) * 1e9 + (timestamp.nanos - firstNanos)) / 1e9;
      } else if (!rows.issue(lineNo, `${timeName}: expected a UTC timestamp like "2023-11-16 18:17:03.9799600", got ${quote(rawTime)}`)) {
        return false;
      }
    } else {
      time = parseSeconds(rawTime);
      if (Number.isNaN(time) && !rows.issue(lineNo, `${timeName}: expected a finite number of seconds >= 0, got ${quote(rawTime)}`)) {
        return false;
      }
    }
    const input = parsePositiveInt(rawInput);
    if (Number.isNaN(input) && !rows.issue(lineNo, positiveIntMessage(inputName, quote(rawInput), isTooBigInt(rawInput)))) return false;
    const output = parsePositiveInt(rawOutput);
    if (Number.isNaN(output) && !rows.issue(lineNo, positiveIntMessage(outputName, quote(rawOutput), isTooBigInt(rawOutput)))) return false;

    if (!Number.isNaN(time) && !Number.isNaN(input) && !Number.isNaN(output)) rows.push(time, input, output);
    return true;
  });
}

function parseMooncake(text: LineSource, rows: RowSink): void {
  text((line, lineNo) => {
    if (isBlank(line)) return true;
    let value: unknown;
    try {
      value = sjson.parse(line, undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch (error) {
      return rows.issue(lineNo, `invalid JSON (${(error as Error).message})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return rows.issue(lineNo, `expected a JSON object with ${MOONCAKE_FIELDS.join(', ')}, got ${shown(value)}`);
    }
    const record = value as Record<string, unknown>;
    const field = (name: string): unknown => (Object.hasOwn(record, name) ? record[name] : undefined);
    const rawTime = field('timestamp');
    const rawInput = field('input_length');
    const rawOutput = field('output_length');

    const timeOk = typeof rawTime === 'number' && Number.isFinite(rawTime) && rawTime >= 0;
    if (!timeOk && !rows.issue(lineNo, `timestamp: expected a finite number of milliseconds >= 0, got ${shown(rawTime)}`)) return false;
    const inputOk = isPositiveInt(rawInput);
    if (!inputOk && !rows.issue(lineNo, positiveIntMessage('input_length', shown(rawInput), isTooBigNumber(rawInput)))) return false;
    const outputOk = isPositiveInt(rawOutput);
    if (!outputOk && !rows.issue(lineNo, positiveIntMessage('output_length', shown(rawOutput), isTooBigNumber(rawOutput)))) return false;

    // hash_ids: optional (a Mooncake trace without them replays lengths alone); when present, one
    // id per 512-token block of the prompt.
    const rawIds = field('hash_ids');
    let ids: number[] | undefined;
    if (rawIds !== undefined) {
      const blocks = inputOk ? Math.ceil((rawInput as number) / MOONCAKE_BLOCK_TOKENS) : -1;
      const valid = Array.isArray(rawIds) && rawIds.every((id) => Number.isInteger(id) && id >= 0 && id <= INT32_MAX);
      if (!valid) {
        if (!rows.issue(lineNo, `hash_ids: expected an array of integers from 0 to ${INT32_MAX}, got ${shown(rawIds)}`)) return false;
      } else if (blocks >= 0 && (rawIds as number[]).length > blocks) {
        if (!rows.issue(lineNo, `hash_ids: expected at most ${blocks} ids (one per ${MOONCAKE_BLOCK_TOKENS}-token block of input_length ${String(rawInput)}), got ${(rawIds as number[]).length}`)) return false;
      } else {
        ids = rawIds as number[];
      }
    }
    if (timeOk && inputOk && outputOk) rows.push((rawTime as number) / 1000, rawInput as number, rawOutput as number, ids);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Helpers shared with length-samples.ts

export const INT32_MAX = 2147483647;

/**
 * Calls `visit(line, lineNo)` for each line (1-based, "\r\n" or "\n" endings) until it returns
 * false. An indexOf scan rather than text.split('\n'): no array of a million strings at once.
 */
export function forEachLine(text: string, visit: (line: string, lineNo: number) => boolean): void {
  let start = 0;
  let lineNo = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    lineNo++;
    if (!visit(text.slice(start, stop), lineNo)) return;
    start = end + 1;
  }
}

function isBlank(line: string): boolean {
  return line.length === 0 || (isSpace(line.charCodeAt(0)) && line.trim() === '');
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9;
}

/**
 * Splits `line` at commas into `out` (reused across rows), trimming spaces and tabs, and returns
 * the number of fields; only the first out.length are stored. Not a CSV library and not
 * line.split(','): these formats have no quoted fields, and an indexOf scan into a reused array
 * is about 3x faster on a million rows.
 */
function splitFields(line: string, out: string[]): number {
  let start = 0;
  let count = 0;
  for (;;) {
    const comma = line.indexOf(',', start);
    let end = comma < 0 ? line.length : comma;
    if (count < out.length) {
      let from = start;
      while (from < end && isSpace(line.charCodeAt(from))) from++;
      while (end > from && isSpace(line.charCodeAt(end - 1))) end--;
      out[count] = line.slice(from, end);
    }
    count++;
    if (comma < 0) return count;
    start = comma + 1;
  }
}

const INTEGER = /^\+?\d+(?:\.0*)?$/;
const DECIMAL = /^\+?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A whole number 1..INT32_MAX written as digits (a leading "+" and a ".0" tail allowed), or NaN.
 * A char-code loop rather than regex + Number: it runs twice per row.
 */
export function parsePositiveInt(text: string): number {
  let i = text.charCodeAt(0) === 43 ? 1 : 0; // "+"
  const start = i;
  let value = 0;
  for (; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  if (i === start) return Number.NaN;
  if (i < text.length) {
    if (text.charCodeAt(i) !== 46) return Number.NaN; // "."
    for (i++; i < text.length; i++) if (text.charCodeAt(i) !== 48) return Number.NaN; // "0"
  }
  return value >= 1 && value <= INT32_MAX ? value : Number.NaN;
}

/** "column: expected a positive integer, got …", naming the upper bound when that was the fault. */
export function positiveIntMessage(column: string, got: string, tooBig: boolean): string {
  return tooBig
    ? `${column}: expected a positive integer at most ${INT32_MAX}, got ${got}`
    : `${column}: expected a positive integer, got ${got}`;
}

/** True for digits (a ".0" tail allowed) whose value exceeds INT32_MAX. */
export function isTooBigInt(text: string): boolean {
  return INTEGER.test(text) && Number(text) > INT32_MAX;
}

function isTooBigNumber(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value > INT32_MAX;
}

function isPositiveInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= INT32_MAX;
}

/** A finite decimal >= 0 (no hex, no Infinity, no empty string), or NaN. */
function parseSeconds(text: string): number {
  if (!DECIMAL.test(text)) return Number.NaN;
  const value = Number(text);
  return Number.isFinite(value) ? value : Number.NaN;
}

/**
 * "YYYY-MM-DD hh:mm:ss[.fffffffff][Z]" (or a "T" between date and time) as UTC, split into whole
 * seconds since 1970 and nanoseconds. Parsed by hand: Date keeps only milliseconds and the Azure
 * traces carry 7 fractional digits. Char codes at fixed positions rather than a regex: this runs
 * once per row and allocates nothing (about 2x faster on a million rows).
 */
function parseUtcTimestamp(text: string, out: { wholeSeconds: number; nanos: number }): boolean {
  if (text.length < 19) return false;
  const separator = text.charCodeAt(10);
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || (separator !== 32 && separator !== 84)) return false;
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return false;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 7);
  const day = digitsAt(text, 8, 10);
  const hour = digitsAt(text, 11, 13);
  const minute = digitsAt(text, 14, 16);
  const second = digitsAt(text, 17, 19);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return false;
  let end = text.length;
  if (text.charCodeAt(end - 1) === 90) end--; // a trailing "Z"
  let nanos = 0;
  if (end > 19) {
    const fractionDigits = end - 20;
    if (text.charCodeAt(19) !== 46 || fractionDigits < 1 || fractionDigits > 9) return false;
    const fraction = digitsAt(text, 20, end);
    if (fraction < 0) return false;
    nanos = fraction * 10 ** (9 - fractionDigits);
  }
  out.wholeSeconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  out.nanos = nanos;
  return true;
}

/** The decimal digits text[from, to) as a number, or -1 if any is not a digit. */
function digitsAt(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

function unquote(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}

/** A raw value in double quotes, cut to 60 characters so a hostile line cannot flood the report. */
/**
 * A short excerpt of a line for a message: at most 40 characters, JSON-quoted. A line with control
 * characters is not text (a binary file, /proc/self/environ's NUL-separated secrets): it is not
 * echoed at all, so a log never carries more of a file than a glance at a text line would.
 */
export function quote(text: string): string {
  if (hasControls(text)) return `a line of ${text.length} characters with control characters (binary data? not shown)`;
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

function shown(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
