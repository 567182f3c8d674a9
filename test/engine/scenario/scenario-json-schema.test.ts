import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { gpuIds, modelIds } from '../../../engine/catalog/lookup.js';
import { scenarioJsonSchema } from '../../../engine/scenario/scenario-json-schema.js';

/** The JSON Schema editors use agrees with the validator on what a scenario may say. */
const validate = new Ajv2020({ strict: false, allErrors: true }).compile(scenarioJsonSchema());

describe('headroom schema (JSON Schema of the scenario format)', () => {
  it('accepts every shipped scenario', () => {
    for (const file of readdirSync('scenarios').filter((f) => f.endsWith('.yaml'))) {
      const ok = validate(parse(readFileSync(join('scenarios', file), 'utf8')));
      expect(ok, `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('refuses what the validator refuses on its own: unknown keys, unknown catalog ids, malformed durations', () => {
    const base = parse(readFileSync('scenarios/llama-3.1-8b-h100-chat.yaml', 'utf8')) as Record<string, unknown>;
    expect(validate({ ...base, servng: {} })).toBe(false);
    expect(validate({ ...base, model: 'llama-9' })).toBe(false);
    expect(validate({ ...base, slo: { ttftP99: '2 parsecs' } })).toBe(false);
    expect(validate({ ...base, slo: { ttftP99: '250ms', tpotP99: 0.1 } })).toBe(true);
  });

  it('names the catalog ids a model and a GPU may be', () => {
    const s = scenarioJsonSchema() as { properties: Record<string, { anyOf: { type?: string; enum?: string[] }[]; properties?: Record<string, { anyOf: { type?: string; enum?: string[] }[] }> }> };
    expect(s.properties.model!.anyOf.find((b) => b.type === 'string')!.enum).toEqual(modelIds());
    expect(s.properties.cluster!.properties!.gpu!.anyOf.find((b) => b.type === 'string')!.enum).toEqual(gpuIds());
  });
});
