import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  MAX_TRACE_ISSUES,
  TraceFileError,
  type TraceIssue,
  detectTraceFormat,
  formatTraceIssue,
  readTraceFile,
} from '../../../engine/workload/trace-file.js';
import { hasSharedData, sharedDataPath } from '../../helpers/shared-data.js';

const dir = mkdtempSync(join(tmpdir(), 'headroom-trace-'));

function fixture(name: string, text: string, gzip = false): string {
  const path = join(dir, name);
  writeFileSync(path, gzip ? gzipSync(text) : text);
  return path;
}

/** The issues a failing read reports (fails the test when the read succeeds). */
function issuesOf(read: () => unknown): TraceIssue[] {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(TraceFileError);
    return (error as TraceFileError).issues;
  }
  throw new Error('expected a TraceFileError');
}

function messagesOf(read: () => unknown): string[] {
  return issuesOf(read).map(formatTraceIssue);
}

const AZURE =
  'TIMESTAMP,ContextTokens,GeneratedTokens\r\n' +
  '2023-11-16 18:15:46.6805900,374,44\r\n' +
  '2023-11-16 18:15:50.9951690,396,109\r\n' +
  '2023-11-16 18:16:00.0000000,1,1'; // no final newline, as in the published files
const VIDUR = 'arrived_at,num_prefill_tokens,num_decode_tokens\n0.0,374,44\n4.314579,396,109\n13.31941,1,1\n';
const REQUEST_LIST =
  'request_id,arrived_at_s,num_prefill_tokens,num_decode_tokens\n0,0.25,395,112\n1,0.75,1030,403\n2,2.5,7,9\n';
const MOONCAKE =
  '{"timestamp": 0, "input_length": 6758, "output_length": 500, "hash_ids": [0, 1, 2]}\n' +
  '{"timestamp": 1500, "input_length": 7322, "output_length": 490, "hash_ids": [0, 14]}\n' +
  '{"timestamp": 2250.5, "input_length": 12, "output_length": 1, "hash_ids": []}\n';

describe('readTraceFile(file) reads each format, recognised by its header', () => {
  const cases = [
    {
      format: 'azure',
      text: AZURE,
      arrivals: [0, 4.314579, 13.31941],
      inputs: [374, 396, 1],
      outputs: [44, 109, 1],
    },
    {
      format: 'vidur',
      text: VIDUR,
      arrivals: [0, 4.314579, 13.31941],
      inputs: [374, 396, 1],
      outputs: [44, 109, 1],
    },
    {
      format: 'request-list',
      text: REQUEST_LIST,
      arrivals: [0, 0.5, 2.25],
      inputs: [395, 1030, 7],
      outputs: [112, 403, 9],
    },
    {
      format: 'mooncake',
      text: MOONCAKE,
      arrivals: [0, 1.5, 2.2505],
      inputs: [6758, 7322, 12],
      outputs: [500, 490, 1],
    },
  ] as const;

  for (const c of cases) {
    for (const gzip of [false, true]) {
      it(`readTraceFile reads a ${c.format} trace${gzip ? ' gzipped' : ''} with exact arrivals and lengths`, () => {
        // A neutral name: the format comes from the header, never from the file name.
        const file = fixture(`${c.format}-${gzip}${gzip ? '.gz' : '.txt'}`, c.text, gzip);
        const trace = readTraceFile(file);
        expect(trace.format).toBe(c.format);
        expect(trace.file).toBe(file);
        expect(trace.arrivals).toEqual(Float64Array.from(c.arrivals));
        expect(trace.inputTokens).toEqual(Int32Array.from(c.inputs));
        expect(trace.outputTokens).toEqual(Int32Array.from(c.outputs));
      });
    }
  }

  it('readTraceFile gunzips by the 1f 8b magic bytes when the name does not end in .gz', () => {
    const trace = readTraceFile(fixture('vidur-gzipped.csv', VIDUR, true));
    expect(trace.format).toBe('vidur');
    expect(trace.inputTokens).toEqual(Int32Array.from([374, 396, 1]));
  });

  it('readTraceFile parses Azure timestamps as UTC across midnight, year end and leap days', () => {
    const file = fixture(
      'azure-calendar.csv',
      'TIMESTAMP,ContextTokens,GeneratedTokens\n' +
        '2023-12-31 23:59:59.5,10,1\n' +
        '2024-01-01 00:00:00.25,10,1\n' +
        '2024-02-29 00:00:00,10,1\n' +
        '2024-03-01 00:00:00.0000001,10,1\n',
    );
    // 59 days from 2024-01-01 to 2024-02-29 (a leap day); 60 to 2024-03-01.
    expect(readTraceFile(file).arrivals).toEqual(Float64Array.from([0, 0.75, 5097600.5, 5184000.5000001]));
  });

  it('readTraceFile accepts a UTF-8 byte-order mark and quoted header names', () => {
    const file = fixture('bom.csv', '\ufeff"arrived_at","num_prefill_tokens","num_decode_tokens"\n1.5,3,4\n');
    const trace = readTraceFile(file);
    expect(trace.format).toBe('vidur');
    expect(trace.arrivals).toEqual(Float64Array.from([0]));
  });

  it('detectTraceFormat(text) names the format from the first line, or null', () => {
    expect(detectTraceFormat(AZURE)).toBe('azure');
    expect(detectTraceFormat(VIDUR)).toBe('vidur');
    expect(detectTraceFormat(REQUEST_LIST)).toBe('request-list');
    expect(detectTraceFormat(MOONCAKE)).toBe('mooncake');
    expect(detectTraceFormat('tokens\n12\n')).toBeNull();
    expect(detectTraceFormat('')).toBeNull();
  });
});

describe('readTraceFile(file, { timeScale })', () => {
  it('readTraceFile with timeScale 2 halves every arrival and keeps the lengths', () => {
    const file = fixture('scale.csv', VIDUR);
    const normal = readTraceFile(file);
    const fast = readTraceFile(file, { timeScale: 2 });
    expect(fast.arrivals).toEqual(normal.arrivals.map((t) => t / 2));
    expect(fast.arrivals[2]).toBe(13.31941 / 2);
    expect(fast.inputTokens).toEqual(normal.inputTokens);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('readTraceFile rejects timeScale %s', (timeScale) => {
    const file = fixture('scale-bad.csv', VIDUR);
    expect(messagesOf(() => readTraceFile(file, { timeScale }))).toEqual([
      `${file}: timeScale: expected a finite number > 0, got ${String(timeScale)}`,
    ]);
  });
});

describe('readTraceFile sorts an unsorted trace stably', () => {
  it('readTraceFile returns arrivals ascending, equal times in file order, lengths moved with them', () => {
    const file = fixture(
      'unsorted.csv',
      'arrived_at,num_prefill_tokens,num_decode_tokens\n2.0,1,1\n1.0,2,2\n2.0,3,3\n0.5,4,4\n',
    );
    const trace = readTraceFile(file);
    expect(trace.arrivals).toEqual(Float64Array.from([0, 0.5, 1.5, 1.5]));
    expect(trace.inputTokens).toEqual(Int32Array.from([4, 2, 1, 3]));
    expect(trace.outputTokens).toEqual(Int32Array.from([4, 2, 1, 3]));
  });
});

describe('readTraceFile reports malformed rows as issues with line, column and value', () => {
  it('readTraceFile names line 3 and ContextTokens for a non-integer token count', () => {
    const file = fixture(
      'trace.csv',
      'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374,44\n2023-11-16 18:15:47.0,abc,44\n',
    );
    const issues = issuesOf(() => readTraceFile(file));
    expect(issues).toEqual([{ file, line: 3, message: 'ContextTokens: expected a positive integer, got "abc"' }]);
    expect(formatTraceIssue(issues[0]!)).toBe(`${file}: line 3: ContextTokens: expected a positive integer, got "abc"`);
  });

  it('readTraceFile reports every bad cell of every bad row, in file order', () => {
    const file = fixture(
      'many-bad.csv',
      [
        'arrived_at,num_prefill_tokens,num_decode_tokens',
        '0.0,10,5',
        '1.0,10', // wrong column count
        '-1,10,5', // negative time
        'inf,1.5,0', // non-finite time, non-integer, zero output
        '1e999,-3,2', // overflowing time, negative tokens
        '0x10,3000000000,1', // hex time, beyond Int32
        ',,', // empty cells
        '2.0,7,7',
      ].join('\n'),
    );
    expect(messagesOf(() => readTraceFile(file))).toEqual([
      `${file}: line 3: expected 3 columns (arrived_at,num_prefill_tokens,num_decode_tokens), got 2: "1.0,10"`,
      `${file}: line 4: arrived_at: expected a finite number of seconds >= 0, got "-1"`,
      `${file}: line 5: arrived_at: expected a finite number of seconds >= 0, got "inf"`,
      `${file}: line 5: num_prefill_tokens: expected a positive integer, got "1.5"`,
      `${file}: line 5: num_decode_tokens: expected a positive integer, got "0"`,
      `${file}: line 6: arrived_at: expected a finite number of seconds >= 0, got "1e999"`,
      `${file}: line 6: num_prefill_tokens: expected a positive integer, got "-3"`,
      `${file}: line 7: arrived_at: expected a finite number of seconds >= 0, got "0x10"`,
      `${file}: line 7: num_prefill_tokens: expected a positive integer at most 2147483647, got "3000000000"`,
      `${file}: line 8: arrived_at: expected a finite number of seconds >= 0, got ""`,
      `${file}: line 8: num_prefill_tokens: expected a positive integer, got ""`,
      `${file}: line 8: num_decode_tokens: expected a positive integer, got ""`,
    ]);
  });

  it('readTraceFile skips blank lines, trims spaces around cells, and still counts every line', () => {
    const file = fixture('blank-lines.csv', 'arrived_at,num_prefill_tokens,num_decode_tokens\n\n 0.5 , 3 ,\t4\n   \n1.0,x,4\n');
    expect(messagesOf(() => readTraceFile(file))).toEqual([`${file}: line 5: num_prefill_tokens: expected a positive integer, got "x"`]);
    const good = fixture('blank-lines-good.csv', 'arrived_at,num_prefill_tokens,num_decode_tokens\n\n 0.5 , 3 ,\t4\n   \n1.0,5,6\n\n');
    expect(readTraceFile(good).inputTokens).toEqual(Int32Array.from([3, 5]));
    expect(readTraceFile(good).arrivals).toEqual(Float64Array.from([0, 0.5]));
  });

  it('readTraceFile rejects Azure timestamps that are not real UTC times', () => {
    const file = fixture(
      'azure-bad-time.csv',
      'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-02-29 00:00:00,1,1\n2023-11-16 24:00:00,1,1\n16/11/2023 18:00,1,1\n',
    );
    const expected = (line: number, value: string): string =>
      `${file}: line ${line}: TIMESTAMP: expected a UTC timestamp like "2023-11-16 18:17:03.9799600", got "${value}"`;
    expect(messagesOf(() => readTraceFile(file))).toEqual([
      expected(2, '2023-02-29 00:00:00'),
      expected(3, '2023-11-16 24:00:00'),
      expected(4, '16/11/2023 18:00'),
    ]);
  });

  it('readTraceFile reports Mooncake lines: bad JSON, non-objects, missing or bad fields, __proto__ keys', () => {
    const file = fixture(
      'mooncake-bad.jsonl',
      [
        '{"timestamp": 0, "input_length": 5, "output_length": 5}',
        '{"timestamp": 1, "input_length": 5',
        '[1, 2, 3]',
        '{"timestamp": -5, "input_length": 2.5, "output_length": 0}',
        '{"timestamp": 3, "input_length": "7"}',
        '{"timestamp": 4, "input_length": 5, "output_length": 5, "__proto__": {"polluted": true}}',
      ].join('\n'),
    );
    const issues = issuesOf(() => readTraceFile(file));
    expect(issues.map((i) => i.line)).toEqual([2, 3, 4, 4, 4, 5, 5, 6]);
    expect(issues[0]!.message).toMatch(/^invalid JSON \(/);
    expect(issues.slice(1, 7).map((i) => i.message)).toEqual([
      'expected a JSON object with timestamp, input_length, output_length, got [1,2,3]',
      'timestamp: expected a finite number of milliseconds >= 0, got -5',
      'input_length: expected a positive integer, got 2.5',
      'output_length: expected a positive integer, got 0',
      'input_length: expected a positive integer, got "7"',
      'output_length: expected a positive integer, got nothing',
    ]);
    expect(issues[7]!.message).toMatch(/^invalid JSON \(.*prototype/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it(`readTraceFile stops after ${MAX_TRACE_ISSUES} issues and says so`, () => {
    const rows = Array.from({ length: 50 }, (_, i) => `${i},x,1`);
    const file = fixture('flood.csv', ['arrived_at,num_prefill_tokens,num_decode_tokens', ...rows].join('\n'));
    let error: unknown;
    try {
      readTraceFile(file);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TraceFileError);
    const issues = (error as TraceFileError).issues;
    expect(issues).toHaveLength(MAX_TRACE_ISSUES);
    expect(issues[0]!.line).toBe(2);
    expect(issues.at(-1)!.line).toBe(MAX_TRACE_ISSUES + 1);
    expect((error as Error).message).toMatch(/\(stopped after 20 issues\)$/);
  });
});

describe('readTraceFile reports whole-file problems', () => {
  it('readTraceFile names the file, line 1 and the accepted headers for an unknown header', () => {
    const file = fixture('unknown.csv', 'time,prompt,completion\n1,2,3\n');
    const issues = issuesOf(() => readTraceFile(file));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.line).toBe(1);
    expect(formatTraceIssue(issues[0]!)).toMatch(new RegExp(`^${escape(file)}: line 1: unrecognised header "time,prompt,completion"; expected `));
    for (const accepted of [
      'TIMESTAMP,ContextTokens,GeneratedTokens',
      'arrived_at,num_prefill_tokens,num_decode_tokens',
      'request_id,arrived_at_s,num_prefill_tokens,num_decode_tokens',
      'timestamp, input_length, output_length',
    ]) {
      expect(issues[0]!.message).toContain(accepted);
    }
  });

  it('readTraceFile reports an empty file', () => {
    const file = fixture('empty.csv', '');
    const issues = issuesOf(() => readTraceFile(file));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file, line: null });
    expect(issues[0]!.message).toMatch(/^the file is empty; expected a header/);
  });

  it('readTraceFile reports a header with no rows', () => {
    const file = fixture('header-only.csv', 'TIMESTAMP,ContextTokens,GeneratedTokens\r\n');
    expect(messagesOf(() => readTraceFile(file))).toEqual([`${file}: no requests: the file has a header but no rows`]);
  });

  it('readTraceFile reports a missing file as "file not found"', () => {
    const file = join(dir, 'no-such-trace.csv');
    expect(issuesOf(() => readTraceFile(file))).toEqual([{ file, line: null, message: 'file not found' }]);
  });

  it('readTraceFile reports a .gz file that is not gzip', () => {
    const file = fixture('fake.csv.gz', VIDUR);
    expect(messagesOf(() => readTraceFile(file))[0]).toMatch(new RegExp(`^${escape(file)}: not a valid gzip file`));
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

describe.runIf(hasSharedData('traces') && hasSharedData('workloads'))('readTraceFile on the published traces', () => {
  const traces = (name: string): string => sharedDataPath('traces', name);

  it('readTraceFile reads Azure conv 2023: 19,366 requests over ~58 min, prompt mean ~1155, output mean ~211', () => {
    const trace = readTraceFile(traces('AzureLLMInferenceTrace_conv_2023.csv'));
    expect(trace.format).toBe('azure');
    expect(trace.arrivals.length).toBe(19_366);
    expect(trace.arrivals[0]).toBe(0);
    expect(trace.arrivals[1]).toBe(4.314579); // 18:15:50.9951690 - 18:15:46.6805900
    expect(trace.arrivals.at(-1)! / 60).toBeCloseTo(58.36, 2); // 3501.721937 s
    expect(mean(trace.inputTokens)).toBeCloseTo(1154.70, 2);
    expect(mean(trace.outputTokens)).toBeCloseTo(211.13, 2);
  });

  it('readTraceFile reads Azure code 2023: 8,819 requests, prompt mean ~2048, output mean ~28', () => {
    const trace = readTraceFile(traces('AzureLLMInferenceTrace_code_2023.csv'));
    expect(trace.format).toBe('azure');
    expect(trace.arrivals.length).toBe(8_819);
    expect(mean(trace.inputTokens)).toBeCloseTo(2047.85, 2);
    expect(mean(trace.outputTokens)).toBeCloseTo(27.88, 2);
  });

  for (const kind of ['conv', 'code']) {
    it(`readTraceFile gives the Vidur ${kind} CSV the Azure ${kind} trace's lengths in order and arrivals within 1 ms`, () => {
      const azure = readTraceFile(traces(`AzureLLMInferenceTrace_${kind}_2023.csv`));
      const vidur = readTraceFile(traces(`vidur_processed_splitwise_${kind}.csv`));
      expect(vidur.format).toBe('vidur');
      expect(vidur.arrivals.length).toBe(azure.arrivals.length);
      expect(vidur.inputTokens).toEqual(azure.inputTokens);
      expect(vidur.outputTokens).toEqual(azure.outputTokens);
      let worst = 0;
      for (let i = 0; i < azure.arrivals.length; i++) {
        worst = Math.max(worst, Math.abs(azure.arrivals[i]! - vidur.arrivals[i]!));
      }
      expect(worst, `largest arrival difference ${worst} s, tolerance 0.001 s`).toBeLessThan(0.001);
    });
  }

  it('readTraceFile reads the gzipped request list: 10,000 requests spanning ~2,376 s', () => {
    const trace = readTraceFile(sharedDataPath('workloads', 'workload_splitwise_conv_qps4_seed42_n10000.csv.gz'));
    expect(trace.format).toBe('request-list');
    expect(trace.arrivals.length).toBe(10_000);
    // SOURCE.md says ~2,376 s; the rows run from 0.255 s to 2370.099 s, so 2369.84 s after the first.
    const span = trace.arrivals.at(-1)!;
    expect(span, `span ${span} s, expected 2376 s within 10 s`).toBeGreaterThan(2366);
    expect(span).toBeLessThan(2386);
    expect(mean(trace.inputTokens)).toBeCloseTo(1147.31, 2);
  });

  it('readTraceFile reads the Mooncake conversation trace with arrivals in seconds', () => {
    const trace = readTraceFile(traces('mooncake_fast25_conversation_trace.jsonl'));
    expect(trace.format).toBe('mooncake');
    expect(trace.arrivals.length).toBe(12_031);
    expect(trace.arrivals.at(-1)).toBe(3536.999); // last timestamp 3,536,999 ms
    expect(trace.arrivals.every((t, i, all) => i === 0 || t >= all[i - 1]!)).toBe(true);
    expect(trace.inputTokens[0]).toBe(6758);
    expect(trace.outputTokens[0]).toBe(500);
    // Its hash_ids, one per 512-token block: the first row's are 0..13 (6,758 tokens = 14 blocks).
    const blocks = trace.prefixBlocks!;
    expect(blocks.blockTokens).toBe(512);
    expect(Array.from(blocks.ids.subarray(blocks.offsets[0]!, blocks.offsets[1]!))).toEqual(Array.from({ length: 14 }, (_, i) => i));
    expect(blocks.offsets.length).toBe(12_032);
  });

  it('readTraceFile keeps Mooncake hash_ids in row order (rows sorted by time take theirs along) and refuses bad ones by line', () => {
    const sorted = readTraceFile(
      fixture('mooncake-ids.jsonl', ['{"timestamp": 5, "input_length": 600, "output_length": 1, "hash_ids": [7, 8]}', '{"timestamp": 1, "input_length": 10, "output_length": 1}', '{"timestamp": 2, "input_length": 10, "output_length": 1, "hash_ids": [9]}'].join('\n')),
    );
    const b = sorted.prefixBlocks!;
    const row = (i: number) => Array.from(b.ids.subarray(b.offsets[i]!, b.offsets[i + 1]!));
    expect([row(0), row(1), row(2)]).toEqual([[], [9], [7, 8]]);
    const file = fixture('mooncake-bad-ids.jsonl', ['{"timestamp": 0, "input_length": 100, "output_length": 1, "hash_ids": [1, 2]}', '{"timestamp": 1, "input_length": 100, "output_length": 1, "hash_ids": [-1]}', '{"timestamp": 2, "input_length": 100, "output_length": 1, "hash_ids": "x"}'].join('\n'));
    const issues = issuesOf(() => readTraceFile(file));
    expect(issues.map((i) => [i.line, i.message])).toEqual([
      [1, 'hash_ids: expected at most 1 ids (one per 512-token block of input_length 100), got 2'],
      [2, 'hash_ids: expected an array of integers from 0 to 2147483647, got [-1]'],
      [3, 'hash_ids: expected an array of integers from 0 to 2147483647, got "x"'],
    ]);
  });
});
