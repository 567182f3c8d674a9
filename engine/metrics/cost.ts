/**
 * What serving costs at a given throughput: the GPUs' hourly price spread over what they produce.
 * Pure arithmetic on the scenario's `cost.gpuHourUsd`; figures are null where the throughput is 0
 * (nothing produced, so no cost per unit).
 */
export interface CostFigures {
  gpuHourUsd: number;
  /** Where the price comes from: the scenario's cost.gpuHourUsd, or the catalog's cited rental price. */
  priceSource: string;
  gpus: number;
  /** gpuHourUsd x gpus. */
  usdPerHour: number;
  usdPerMillionOutputTokens: number | null;
  /** Prompt plus output tokens; null where the input rate is not known. */
  usdPerMillionTotalTokens: number | null;
  usdPerThousandRequests: number | null;
}

export interface Rates {
  requestsPerSecond: number;
  outputTokensPerSecond: number;
  /** null when only output tokens are known. */
  inputTokensPerSecond: number | null;
}

export function costAt(price: { gpuHourUsd: number; priceSource: string }, gpus: number, rates: Rates): CostFigures {
  const { gpuHourUsd, priceSource } = price;
  const usdPerHour = gpuHourUsd * gpus;
  const usdPerSecond = usdPerHour / 3600;
  const per = (rate: number | null, unit: number) => (rate !== null && rate > 0 ? (usdPerSecond / rate) * unit : null);
  return {
    gpuHourUsd,
    priceSource,
    gpus,
    usdPerHour,
    usdPerMillionOutputTokens: per(rates.outputTokensPerSecond, 1e6),
    usdPerMillionTotalTokens: rates.inputTokensPerSecond === null ? null : per(rates.inputTokensPerSecond + rates.outputTokensPerSecond, 1e6),
    usdPerThousandRequests: per(rates.requestsPerSecond, 1e3),
  };
}
