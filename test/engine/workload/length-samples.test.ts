import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readLengthSamples } from '../../../engine/workload/length-samples.js';
import { TraceFileError, formatTraceIssue } from '../../../engine/workload/trace-file.js';
import { hasSharedData, sharedDataPath } from '../../helpers/shared-data.js';

const dir = mkdtempSync(join(tmpdir(), 'headroom-lengths-'));

function fixture(name: string, text: string, gzip = false): string {
  const path = join(dir, name);
  writeFileSync(path, gzip ? gzipSync(text) : text);
  return path;
}

function messagesOf(read: () => unknown): string[] {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(TraceFileError);
    return (error as TraceFileError).issues.map(formatTraceIssue);
  }
  throw new Error('expected a TraceFileError');
}

describe('readLengthSamples(file, which) on a recognised trace', () => {
  const vidur = 'arrived_at,num_prefill_tokens,num_decode_tokens\n0.0,374,44\n4.3,396,109\n';

  it("readLengthSamples(trace, 'input') returns the trace's input column in file order", () => {
    expect(readLengthSamples(fixture('vidur.csv', vidur), 'input')).toEqual(Int32Array.from([374, 396]));
  });

  it("readLengthSamples(trace, 'output') returns the trace's output column, gzipped or not", () => {
    expect(readLengthSamples(fixture('vidur.csv.gz', vidur, true), 'output')).toEqual(Int32Array.from([44, 109]));
  });

  it('readLengthSamples reports a malformed trace row like readTraceFile does', () => {
    const file = fixture('vidur-bad.csv', 'arrived_at,num_prefill_tokens,num_decode_tokens\n0.0,374,0\n');
    expect(messagesOf(() => readLengthSamples(file, 'input'))).toEqual([
      `${file}: line 2: num_decode_tokens: expected a positive integer, got "0"`,
    ]);
  });
});

describe('readLengthSamples(file, which) on a plain list', () => {
  it('readLengthSamples reads one positive integer per line, skipping blank lines and CRLF endings', () => {
    const file = fixture('plain.txt', '12\r\n7\r\n\r\n300\r\n');
    expect(readLengthSamples(file, 'input')).toEqual(Int32Array.from([12, 7, 300]));
    expect(readLengthSamples(file, 'output')).toEqual(Int32Array.from([12, 7, 300]));
  });

  it('readLengthSamples allows one non-numeric header line and names it in issues', () => {
    const file = fixture('with-header.csv', 'prompt_tokens\n5\n6\n');
    expect(readLengthSamples(file, 'input')).toEqual(Int32Array.from([5, 6]));
    const bad = fixture('with-header-bad.csv', 'prompt_tokens\n5\nfive\n0\n-2\n2.5\n');
    expect(messagesOf(() => readLengthSamples(bad, 'input'))).toEqual([
      `${bad}: line 3: prompt_tokens: expected a positive integer, got "five"`,
      `${bad}: line 4: prompt_tokens: expected a positive integer, got "0"`,
      `${bad}: line 5: prompt_tokens: expected a positive integer, got "-2"`,
      `${bad}: line 6: prompt_tokens: expected a positive integer, got "2.5"`,
    ]);
  });

  it('readLengthSamples rejects a second header line as a bad value', () => {
    const file = fixture('two-headers.txt', 'tokens\ncount\n5\n');
    expect(messagesOf(() => readLengthSamples(file, 'input'))).toEqual([
      `${file}: line 2: tokens: expected a positive integer, got "count"`,
    ]);
  });

  it('readLengthSamples reads a gzipped list and grows past its first buffer', () => {
    const values = Array.from({ length: 5000 }, (_, i) => i + 1);
    const file = fixture('many.txt.gz', values.join('\n'), true);
    expect(readLengthSamples(file, 'output')).toEqual(Int32Array.from(values));
  });

  it('readLengthSamples reports an unrecognised multi-column header', () => {
    const file = fixture('columns.csv', 'time,prompt,completion\n1,2,3\n');
    const [message, ...rest] = messagesOf(() => readLengthSamples(file, 'input'));
    expect(rest).toEqual([]);
    expect(message).toContain(`${file}: line 1: unrecognised header "time,prompt,completion"; expected a trace header (`);
    expect(message).toContain('or one positive integer per line');
  });

  it('readLengthSamples reports an empty file, a header with no values, and a missing file', () => {
    const empty = fixture('empty.txt', '\n\n');
    expect(messagesOf(() => readLengthSamples(empty, 'input'))).toEqual([
      `${empty}: the file is empty; expected one positive integer per line`,
    ]);
    const headerOnly = fixture('header-only.txt', 'tokens\n');
    expect(messagesOf(() => readLengthSamples(headerOnly, 'input'))).toEqual([
      `${headerOnly}: no samples: the file has a header but no values`,
    ]);
    const missing = join(dir, 'missing.txt');
    expect(messagesOf(() => readLengthSamples(missing, 'input'))).toEqual([`${missing}: file not found`]);
  });
});

describe.runIf(hasSharedData('traces'))('readLengthSamples on the published traces', () => {
  it("readLengthSamples(Azure conv, 'input') has 19,366 prompts with p50 1020", () => {
    const prompts = readLengthSamples(sharedDataPath('traces', 'AzureLLMInferenceTrace_conv_2023.csv'), 'input');
    expect(prompts.length).toBe(19_366);
    const sorted = prompts.slice().sort();
    expect(sorted[Math.floor(sorted.length / 2)]).toBe(1020);
  });
});
