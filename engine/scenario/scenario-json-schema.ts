import * as z from 'zod';
import { fabricIds, findFabric, gpuIds, modelIds } from '../catalog/lookup.js';
import { createScenarioSchema, DURATION_DESCRIPTION } from './scenario-schema.js';

/**
 * The scenario format as a JSON Schema (draft 2020-12), generated from the zod schema so the two
 * cannot drift: editors validate and autocomplete scenario files with it (`headroom schema`).
 * What zod cannot express is filled in: durations ("2s" or seconds) and the catalog ids a model,
 * GPU or fabric may name. Cross-field rules (TP divides the node, the model fits in HBM) stay the
 * validator's.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(createScenarioSchema({ baseDir: '.' }), {
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      const s = ctx.jsonSchema as Record<string, unknown>;
      if (s.description === DURATION_DESCRIPTION) {
        s.anyOf = [{ type: 'string', pattern: '^\\s*[0-9]*\\.?[0-9]+\\s*(ms|s|m|h)\\s*$' }, { type: 'number', minimum: 0 }];
      }
    },
  }) as Record<string, unknown>;
  const props = schema.properties as Record<string, Record<string, unknown>>;
  const withIds = (node: Record<string, unknown> | undefined, ids: string[]) => {
    for (const branch of (node?.anyOf as Record<string, unknown>[] | undefined) ?? [node ?? {}]) {
      if (branch.type === 'string') branch.enum = ids;
    }
  };
  withIds(props.model, modelIds());
  const cluster = props.cluster?.properties as Record<string, Record<string, unknown>> | undefined;
  withIds(cluster?.gpu, gpuIds());
  const fabric = cluster?.fabric?.properties as Record<string, Record<string, unknown>> | undefined;
  withIds(fabric?.intraNode, fabricIds().filter((id) => findFabric(id)?.scope === 'intra-node'));
  const inter = fabric?.interNode?.properties as Record<string, Record<string, unknown>> | undefined;
  withIds(inter?.kind, fabricIds().filter((id) => findFabric(id)?.scope === 'inter-node'));
  return { title: 'Headroom scenario', ...schema };
}
