import type { CostFigures } from '../../../engine/metrics/cost.js';
import { formatCount, formatUsd } from '../format.js';
import type { HeadlineCard } from './headline.js';

const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);

/** "1 GPU", "8 GPUs". */
export function gpuCount(n: number | null): string {
  return `${formatCount(n)} GPU${n === 1 ? '' : 's'}`;
}

/** hourlyCost(cost) -> "$10.00/h for 4 GPUs". */
export function hourlyCost(cost: CostFigures): string {
  return `${formatUsd(cost.usdPerHour)}/h for ${gpuCount(cost.gpus)}`;
}

/**
 * costParts(cost) -> the hourly price and the unit costs beside the per-output-token one:
 * "$2.50/h for 1 GPU", "$0.043 per 1M tokens (prompt + output)", "$0.0588 per 1k requests";
 * figures that are null (nothing produced, the prompt rate unknown) are left out.
 */
export function costParts(cost: CostFigures): string[] {
  const parts = [hourlyCost(cost)];
  if (finite(cost.usdPerMillionTotalTokens)) parts.push(`${formatUsd(cost.usdPerMillionTotalTokens)} per 1M tokens (prompt + output)`);
  if (finite(cost.usdPerThousandRequests)) parts.push(`${formatUsd(cost.usdPerThousandRequests)} per 1k requests`);
  // A catalog price is a market typical, not what this deployment pays (older files have no source).
  if (typeof cost.priceSource === 'string' && cost.priceSource.startsWith('catalog')) parts.push("at the catalog's typical rental price");
  return parts;
}

/**
 * costCard(cost, key, label, where) -> a card whose value is the cost of a million output tokens,
 * its detail the hourly price for the GPUs and the other unit costs; where nothing was produced,
 * the hourly price is the value and the detail says why there is no unit cost.
 */
export function costCard(cost: CostFigures, key: string, label: string, where = ''): HeadlineCard {
  const perToken = finite(cost.usdPerMillionOutputTokens);
  const value = perToken ? formatUsd(cost.usdPerMillionOutputTokens) : `${formatUsd(cost.usdPerHour)}/h`;
  const detail = perToken
    ? [`per 1M output tokens${where}`, ...costParts(cost)].join(' · ')
    : `for ${gpuCount(cost.gpus)} at ${formatUsd(cost.gpuHourUsd)} per GPU-hour; nothing was produced, so no cost per token`;
  return { key, label, value, detail, status: 'none' };
}
