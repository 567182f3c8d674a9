import {
  ACCEPTED_TRACE_HEADERS,
  MAX_TRACE_ISSUES,
  TraceFileError,
  type TraceIssue,
  bufferLines,
  detectTraceFormat,
  type LineSource,
  isTooBigInt,
  parsePositiveInt,
  parseTraceLines,
  positiveIntMessage,
  quote,
  readTraceBytes,
  textLines,
  TRACE_CAPS,
} from './trace-file.js';

/**
 * Token lengths for an `empirical {file}` distribution, in file order.
 *
 * A recognised trace (Azure, Vidur, request list, Mooncake; gzipped or not) gives its input or
 * output column. Any other file is a list: one positive integer per line, blank lines skipped,
 * with at most one non-numeric header line first (its text names the column in messages).
 * Throws TraceFileError with every issue found (up to MAX_TRACE_ISSUES).
 */
export function readLengthSamples(file: string, which: 'input' | 'output'): Int32Array {
  const lines = bufferLines(readTraceBytes(file, { ...TRACE_CAPS, what: 'a length file' }));
  if (detectTraceFormat(lines) !== null) {
    const trace = parseTraceLines(lines, file);
    return which === 'input' ? trace.inputTokens : trace.outputTokens;
  }
  return parseLengthLines(lines, file);
}

/** A numeric-looking line starts with a sign, a digit or ".digit"; anything else may be a header. */
const NUMERIC_START = /^[+-]?(?:\d|\.\d)/;

/** Parses a one-integer-per-line list (pure). */
export function parseLengthList(text: string, file: string): Int32Array {
  return parseLengthLines(textLines(text), file);
}

function parseLengthLines(lines: LineSource, file: string): Int32Array {
  const issues: TraceIssue[] = [];
  let samples = new Int32Array(1024);
  let count = 0;
  let column = 'value';
  let seenFirst = false;

  lines((rawLine, lineNo) => {
    const line = rawLine.trim();
    if (line === '') return true;
    if (!seenFirst) {
      seenFirst = true;
      if (!NUMERIC_START.test(line)) {
        if (line.includes(',')) {
          issues.push({
            file,
            line: lineNo,
            message: `unrecognised header ${quote(line)}; expected a trace header (${ACCEPTED_TRACE_HEADERS}) or one positive integer per line`,
          });
          return false;
        }
        column = line;
        return true;
      }
    }
    const value = parsePositiveInt(line);
    if (Number.isNaN(value)) {
      issues.push({ file, line: lineNo, message: positiveIntMessage(column, quote(line), isTooBigInt(line)) });
      return issues.length < MAX_TRACE_ISSUES;
    }
    if (count === samples.length) {
      const grown = new Int32Array(samples.length * 2);
      grown.set(samples);
      samples = grown;
    }
    samples[count++] = value;
    return true;
  });

  if (issues.length > 0) throw new TraceFileError(issues);
  if (count === 0) {
    const message = seenFirst ? 'no samples: the file has a header but no values' : 'the file is empty; expected one positive integer per line';
    throw new TraceFileError([{ file, line: null, message }]);
  }
  return samples.slice(0, count);
}
