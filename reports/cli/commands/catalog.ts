import Table from 'cli-table3';
import { FABRICS } from '../../../engine/catalog/fabrics.js';
import { GPUS } from '../../../engine/catalog/gpus.js';
import { MODELS } from '../../../engine/catalog/models.js';
import { totalParams } from '../../../engine/catalog/model-arithmetic.js';
import { EXIT, ExitError } from '../exit-codes.js';
import { toJson } from '../../writers/json.js';

const SECTIONS = ['gpus', 'models', 'fabrics'] as const;
type Section = (typeof SECTIONS)[number];

function table(head: string[]): Table.Table {
  return new Table({ head, style: { head: [], border: [] } });
}

function gpuTable(): string {
  const t = table(['id', 'name', 'HBM GiB', 'HBM TB/s', 'BF16 TFLOP/s', 'FP8 TFLOP/s', 'scale-up', '$/GPU-h (as of)']);
  for (const g of GPUS) {
    const price = g.rentalPrice === null ? '-' : `${g.rentalPrice.usdPerGpuHour.toFixed(2)} (${g.rentalPrice.asOf})`;
    t.push([g.id, g.name, g.hbmGiB, g.hbmTBps, g.bf16Tflops, g.fp8Tflops || '-', `${g.intraNodeFabric} ${g.intraNodeGBps} GB/s`, price]);
  }
  return t.toString();
}

function modelTable(): string {
  const t = table(['id', 'name', 'params', 'layers', 'hidden', 'heads/kv', 'experts', 'weights', 'context']);
  for (const m of MODELS) {
    t.push([
      m.id,
      m.name,
      `${(totalParams(m) / 1e9).toFixed(1)} B`,
      m.layers,
      m.hidden,
      `${m.heads}/${m.attention.kind === 'mla' ? 'MLA' : m.kvHeads}`,
      m.experts > 0 ? `${m.activeExperts} of ${m.experts}` : '-',
      m.weightDtype,
      m.maxContext,
    ]);
  }
  return t.toString();
}

function fabricTable(): string {
  const t = table(['id', 'name', 'scope', 'GB/s per GPU', 'latency us']);
  for (const f of FABRICS) t.push([f.id, f.name, f.scope, f.GBpsPerGpu, f.latencyUs]);
  return t.toString();
}

/** `headroom catalog [gpus|models|fabrics]`: what a scenario may name, with sources in --json. */
export function catalogCommand(section: string | undefined, options: { json?: boolean }): void {
  if (section !== undefined && !SECTIONS.includes(section as Section)) {
    throw new ExitError(EXIT.INVALID_INPUT, `unknown catalog section "${section}"; expected one of ${SECTIONS.join(', ')}`);
  }
  const wanted = section === undefined ? SECTIONS : [section as Section];
  if (options.json) {
    const all = { gpus: GPUS, models: MODELS, fabrics: FABRICS };
    process.stdout.write(toJson(Object.fromEntries(wanted.map((s) => [s, all[s]]))));
    return;
  }
  const render: Record<Section, () => string> = { gpus: gpuTable, models: modelTable, fabrics: fabricTable };
  for (const s of wanted) process.stdout.write(`${s.toUpperCase()}\n${render[s]()}\n`);
  process.stdout.write('Sources for every number: headroom catalog --json\n');
}
