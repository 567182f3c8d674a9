import type { SaturationComparison } from '../../../analyzers/saturation/saturation-result.js';
import { formatCount, formatRate, formatUsd } from '../format.js';
import { calibrationOf, describeCalibration } from './scenario-summary.js';

type Configuration = SaturationComparison['configurations'][number];

/** One row of the side-by-side table of a `--vary` comparison: a measure, a cell per configuration. */
export interface ConfigurationRow {
  key: string;
  label: string;
  cells: string[];
}

const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
/** Older files have no costAtSaturation key: the same as no price. */
const costOf = (c: Configuration) => (c.costAtSaturation as Configuration['costAtSaturation'] | undefined) ?? null;

/**
 * configurationRows(comparison) -> the rows of the side-by-side table (plain text, one cell per
 * configuration): overrides, GPUs, saturation rate, goodput, tokens/s per GPU and per user, Pareto,
 * bottleneck; "$ / 1M output tokens at saturation" when any configuration is priced; the
 * calibration when any records it (configurations may vary the GPU).
 */
export function configurationRows(comparison: SaturationComparison): ConfigurationRow[] {
  const configs = comparison.configurations;
  const rows: [key: string, label: string, cell: (c: Configuration) => string][] = [
    ['overrides', 'Overrides', (c) => Object.entries(c.overrides).map(([k, v]) => `${k}=${v}`).join(', ') || 'none'],
    ['gpus', 'GPUs', (c) => formatCount(c.gpus)],
    ['saturation', 'Saturation rate', (c) => formatRate(c.saturationRate, 'req/s')],
    ['goodput', 'Goodput at saturation', (c) => formatRate(c.goodputAtSaturation, 'req/s')],
    ['perGpu', 'Tokens/s per GPU', (c) => formatRate(c.tokensPerSecondPerGpu, 'tok/s')],
    ['perUser', 'Tokens/s per user', (c) => formatRate(c.tokensPerSecondPerUser, 'tok/s')],
    ['pareto', 'Pareto-optimal', (c) => (c.paretoOptimal ? 'yes' : 'no')],
    ['bottleneck', 'First bottleneck', (c) => c.result.bottleneck?.name ?? 'none found'],
  ];
  if (configs.some((c) => finite(costOf(c)?.usdPerMillionOutputTokens))) {
    rows.push(['cost', '$ / 1M output tokens at saturation', (c) => formatUsd(costOf(c)?.usdPerMillionOutputTokens)]);
  }
  if (configs.some((c) => calibrationOf(c.result) !== null)) {
    rows.push([
      'calibration',
      'Calibration',
      (c) => {
        const cal = calibrationOf(c.result);
        return cal === null ? 'not recorded' : describeCalibration(cal);
      },
    ]);
  }
  return rows.map(([key, label, cell]) => ({ key, label, cells: configs.map(cell) }));
}
