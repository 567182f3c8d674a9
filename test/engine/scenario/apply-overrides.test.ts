import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyOverrides } from '../../../engine/scenario/apply-overrides.js';
import { validateScenario } from '../../../engine/scenario/validate-scenario.js';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

const base = () =>
  deepFreeze({
    name: 'base',
    model: 'llama-3.1-8b',
    cluster: { gpu: 'h100-sxm' },
    serving: { tensorParallelSize: 1 },
    workload: {
      arrival: { process: 'poisson', rate: 5 },
      inputTokens: { dist: 'fixed', value: 100 },
      outputTokens: { dist: 'fixed', value: 10 },
    },
  });

function applied(sets: string[], raw: unknown = base()): Record<string, any> {
  const result = applyOverrides(raw, sets);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.raw as Record<string, any>;
}

describe('applyOverrides(raw, sets)', () => {
  it('applyOverrides parses values as YAML scalars: "4" -> 4, "true" -> true, "0.5" -> 0.5, "2s" stays a string', () => {
    const raw = applied([
      'serving.tensorParallelSize=4',
      'serving.enableChunkedPrefill=true',
      'serving.gpuMemoryUtilization=0.5',
      'stop.duration=2s',
      'name=hello world',
    ]);
    expect(raw.serving).toEqual({ tensorParallelSize: 4, enableChunkedPrefill: true, gpuMemoryUtilization: 0.5 });
    expect(raw.stop).toEqual({ duration: '2s' });
    expect(raw.name).toBe('hello world');
  });

  it('applyOverrides parses a flow map value into an object and replaces the key', () => {
    const raw = applied(['workload.arrival={ process: gamma, rate: 3, cv: 2 }']);
    expect(raw.workload.arrival).toEqual({ process: 'gamma', rate: 3, cv: 2 });
  });

  it('applyOverrides creates missing maps along the path', () => {
    const raw = applied(['cluster.fabric.interNode.kind=infiniband-ndr']);
    expect(raw.cluster).toEqual({ gpu: 'h100-sxm', fabric: { interNode: { kind: 'infiniband-ndr' } } });
  });

  it('applyOverrides returns a new object and never mutates its input (deep-frozen input stays as it was)', () => {
    const raw = base();
    const before = JSON.stringify(raw);
    const out = applied(['serving.tensorParallelSize=2', 'workload.arrival.rate=9'], raw);
    expect(JSON.stringify(raw)).toBe(before);
    expect(out).not.toBe(raw);
    expect(out.serving.tensorParallelSize).toBe(2);
    expect(out.workload.arrival.rate).toBe(9);
    // Untouched branches are shared, not copied.
    expect(out.cluster).toBe(raw.cluster);
  });

  it('applyOverrides applies sets in order, so a later set wins', () => {
    expect(applied(['seed=1', 'seed=2']).seed).toBe(2);
  });

  it('applyOverrides treats an empty value as the empty string and splits at the first "="', () => {
    expect(applied(['description=']).description).toBe('');
    expect(applied(['description=a=b']).description).toBe('a=b');
  });

  it('applyOverrides on a missing document starts from an empty map', () => {
    expect(applyOverrides(undefined, ['name=x'])).toEqual({ ok: true, raw: { name: 'x' } });
  });

  it.each([
    ['serving.tensorParallelSize', /^expected key\.path=value, e\.g\. serving\.tensorParallelSize=4, got "serving\.tensorParallelSize" \(no '='\)$/],
    ['=4', /\(empty key path\)$/],
    ['serving..tp=4', /\(empty key path\)$/],
    ['__proto__.polluted=1', /^expected a key path without __proto__, got "__proto__\.polluted=1"$/],
    ['serving.constructor.prototype=1', /^expected a key path without constructor/],
    ['a.prototype=1', /^expected a key path without prototype/],
    ['workload={ __proto__: { polluted: 1 } }', /^expected a value without __proto__, constructor or prototype keys/],
    ['model.layers=3', /^expected model to be a map to set layers in, got "llama-3\.1-8b"$/],
    ['name=[1, 2', /^expected a YAML value after '=' in "name=\[1, 2", got a syntax error/],
  ])('applyOverrides refuses %j with an issue at path ["--set"]', (set, message) => {
    const result = applyOverrides(base(), [set]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]).toMatchObject({ file: '', path: ['--set'] });
    expect(result.issues[0]?.message).toMatch(message);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('applyOverrides reports every malformed set, not just the first', () => {
    const result = applyOverrides(base(), ['nope', 'seed=3', '=1']);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues).toHaveLength(2);
  });

  it('applyOverrides output is validated like file input: a bad value is named by its key path', () => {
    const raw = applied(['serving.tensorParallelSize=four']);
    const result = validateScenario(raw, { file: 'x.yaml', baseDir: '/' });
    expect(result).toEqual({
      ok: false,
      issues: [{ file: 'x.yaml', path: ['serving', 'tensorParallelSize'], message: 'expected an integer, got "four"' }],
    });
  });

  it('applyOverrides(raw, ["k=v"]) never throws and never pollutes Object.prototype, whatever the set', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 40 }), { maxLength: 5 }), (sets) => {
        const result = applyOverrides(base(), sets);
        return typeof result.ok === 'boolean' && Object.keys(Object.prototype).length === 0;
      }),
    );
  });
});

describe('unsetting a key', () => {
  it('key=null (or ~) removes the key, so it takes its default; the input is not mutated', () => {
    const raw = base();
    const out = applied(['serving.tensorParallelSize=null', 'cluster.gpu=~'], raw);
    expect(out.serving).toEqual({});
    expect(Object.hasOwn(out.cluster, 'gpu')).toBe(false);
    expect(raw.serving.tensorParallelSize).toBe(1);
    const validated = validateScenario(applied(['serving.tensorParallelSize=null']), { file: 'x.yaml', baseDir: '.' });
    expect(validated.ok && validated.scenario.serving.tensorParallelSize).toBe(1);
  });

  it('unsetting a key that is not there changes nothing', () => {
    expect(applied(['serving.replicas=null'])).toEqual(base());
  });
});
