import type { FabricSpec, GpuSpec, ModelSpec } from './catalog-types.js';
import { FABRICS } from './fabrics.js';
import { GPUS } from './gpus.js';
import { MODELS } from './models.js';

/**
 * Catalog lookups by id. The maps are built once at module load: the catalogs are immutable data,
 * so this is not run state (STYLE habit 1 is about simulation state, which never lives here).
 */

function indexById<T extends { id: string }>(entries: readonly T[]): ReadonlyMap<string, T> {
  return new Map(entries.map((entry) => [entry.id, entry]));
}

const GPU_BY_ID = indexById(GPUS);
const MODEL_BY_ID = indexById(MODELS);
const FABRIC_BY_ID = indexById(FABRICS);

function sortedIds(entries: readonly { id: string }[]): string[] {
  return entries.map((entry) => entry.id).sort();
}

/** The GPU with this catalog id, or undefined when there is none. */
export function findGpu(id: string): GpuSpec | undefined {
  return GPU_BY_ID.get(id);
}

/** The model with this catalog id, or undefined when there is none. */
export function findModel(id: string): ModelSpec | undefined {
  return MODEL_BY_ID.get(id);
}

/** The fabric with this catalog id, or undefined when there is none. */
export function findFabric(id: string): FabricSpec | undefined {
  return FABRIC_BY_ID.get(id);
}

/** Every GPU id, sorted (a fresh array each call). */
export function gpuIds(): string[] {
  return sortedIds(GPUS);
}

/** Every model id, sorted (a fresh array each call). */
export function modelIds(): string[] {
  return sortedIds(MODELS);
}

/** Every fabric id, sorted (a fresh array each call). */
export function fabricIds(): string[] {
  return sortedIds(FABRICS);
}
