import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonText, parseYamlText } from '../../engine/scenario/read-scenario-file.js';
import { applyOverrides } from '../../engine/scenario/apply-overrides.js';
import { validateScenario } from '../../engine/scenario/validate-scenario.js';
import { bufferLines, parseTraceLines, TraceFileError } from '../../engine/workload/trace-file.js';
import { parseLengthList } from '../../engine/workload/length-samples.js';
import { validateReportInput } from '../../reports/writers/html.js';
import { simulate } from '../../engine/simulate.js';
import { tinyScenario, writtenScenario } from '../helpers/tiny-scenario.js';

/**
 * Fuzzing the readers: random values at random key paths and random bytes get an answer (a
 * result, or issues naming what is wrong), never an exception that would reach the user as exit
 * 3 with a stack trace. In-process, so thousands of cases stay fast.
 */
const opts = { file: 'fuzz.yaml', baseDir: process.cwd() };
const KEY_PATHS = [
  'name', 'seed', 'stop', 'stop.requests', 'stop.duration', 'model', 'model.layers', 'cluster', 'cluster.gpu', 'cluster.nodes',
  'cluster.gpusPerNode', 'cluster.fabric', 'cluster.fabric.interNode', 'serving', 'serving.tensorParallelSize', 'serving.replicas',
  'serving.maxNumSeqs', 'serving.maxNumBatchedTokens', 'serving.blockSize', 'serving.gpuMemoryUtilization', 'serving.quantization',
  'serving.kvCacheDtype', 'serving.frontendOverhead', 'serving.frontendOverhead.perRequest', 'workload', 'workload.arrival',
  'workload.arrival.rate', 'workload.arrival.process', 'workload.arrival.cv', 'workload.inputTokens', 'workload.inputTokens.mean',
  'workload.outputTokens.value', 'slo', 'slo.ttftP99', 'checks', 'limits.eventBudget', 'limits.maxInSystem', 'cost', 'cost.gpuHourUsd',
  '__proto__', 'constructor.prototype', 'serving.__proto__.x',
];
const anyValue = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1e400, -0, Number.NaN, 1e-320, 2 ** 53 + 1, '', 'catalog', 'fp8', '1ms', '-5s', 'NaN', '__proto__', '\u001b[2J'),
  fc.double(),
  fc.integer(),
  fc.string(),
  fc.array(fc.oneof(fc.integer(), fc.string()), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.integer(), fc.string()), { maxKeys: 4 }),
);

function setAt(root: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const keys = path.split('.');
  let node: Record<string, unknown> = root;
  for (const key of keys.slice(0, -1)) {
    const next = Object.hasOwn(node, key) ? node[key] : undefined;
    const child = next !== null && typeof next === 'object' && !Array.isArray(next) ? { ...(next as Record<string, unknown>) } : {};
    Object.defineProperty(node, key, { value: child, enumerable: true, writable: true, configurable: true });
    node = child;
  }
  Object.defineProperty(node, keys.at(-1)!, { value, enumerable: true, writable: true, configurable: true });
  return root;
}

describe('fuzzing the scenario format', () => {
  it('random values at random key paths of a valid scenario validate or give issues, never throw', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...KEY_PATHS), anyValue), { minLength: 1, maxLength: 4 }), (edits) => {
        const raw = structuredClone(writtenScenario()) as Record<string, unknown>;
        for (const [path, value] of edits) setAt(raw, path, value);
        const result = validateScenario(raw, opts);
        if (!result.ok) {
          expect(result.issues.length).toBeGreaterThan(0);
          for (const issue of result.issues) {
            expect(typeof issue.message).toBe('string');
            expect(issue.internal, issue.message).toBeFalsy();
          }
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('random --set flags apply or give issues, never throw, and never touch a prototype', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string(), fc.tuple(fc.constantFrom(...KEY_PATHS), fc.string()).map(([k, v]) => `${k}=${v}`)), { maxLength: 4 }),
        (sets) => {
          const result = applyOverrides(structuredClone(writtenScenario()), sets);
          if (result.ok) validateScenario(result.raw, opts);
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('random text parses as YAML or JSON or gives issues with lines, never throws', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), fc.json()), (text) => {
        for (const parse of [parseYamlText, parseJsonText]) {
          const r = parse('fuzz', text);
          if (!r.ok) expect(r.issues.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 1500 },
    );
  });
});

describe('fuzzing the trace and length readers', () => {
  const header = fc.constantFrom('arrived_at,num_prefill_tokens,num_decode_tokens', 'TIMESTAMP,ContextTokens,GeneratedTokens', 'request_id,arrived_at_s,num_prefill_tokens,num_decode_tokens', '{"timestamp": 0, "input_length": 5, "output_length": 5}', '');
  const row = fc.oneof(fc.string({ maxLength: 40 }), fc.tuple(fc.double(), fc.integer(), fc.integer()).map((t) => t.join(',')));

  it('random bytes and random rows under a real header give a trace or a TraceFileError, never another exception', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.tuple(header, fc.array(row, { maxLength: 20 })).map(([h, rows]) => Buffer.from([h, ...rows].join('\n')))), (bytes) => {
        try {
          const trace = parseTraceLines(bufferLines(Buffer.from(bytes)), 'fuzz.csv');
          expect(trace.arrivals.length).toBeGreaterThan(0);
          for (const t of trace.arrivals) expect(Number.isFinite(t) && t >= 0).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(TraceFileError);
        }
        try {
          parseLengthList(Buffer.from(bytes).toString('utf8'), 'fuzz.txt');
        } catch (error) {
          expect(error).toBeInstanceOf(TraceFileError);
        }
      }),
      { numRuns: 1500 },
    );
  });
});

describe('fuzzing the result reader', () => {
  const real = simulate(tinyScenario({ stop: { requests: 60 } }));
  const RESULT_PATHS = ['kind', 'version', 'latency', 'latency.ttft', 'latency.ttft.cdf', 'latency.ttft.p99', 'throughput.window', 'scenario.name', 'slo.bounds', 'utilization.perReplica', 'timeSeries.total.running', 'timeSeries.perReplica', 'cost', 'calibration', 'run'];

  it('random JSON, and a real result with random values at random paths, give an entry or issues, never throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.array(fc.tuple(fc.constantFrom(...RESULT_PATHS), anyValue), { minLength: 1, maxLength: 3 }).map((edits) => {
        const r = structuredClone(real) as unknown as Record<string, unknown>;
        for (const [path, value] of edits) setAt(r, path, value);
        return r;
      })), (value) => {
        const read = validateReportInput(value, 'fuzz.json');
        if ('issues' in read) {
          expect(read.issues.length).toBeGreaterThan(0);
          expect(read.issues.length).toBeLessThanOrEqual(11);
        }
      }),
      { numRuns: 1500 },
    );
  });
});
