import type { Labels } from './labels.js';

/** One element of an instant vector. */
export interface Sample {
  labels: Labels;
  value: number;
}

/** One series of a range vector: its samples inside the range, oldest first (timestamps in ms). */
export interface RangeSeries {
  labels: Labels;
  timestamps: readonly number[];
  values: readonly number[];
}

/** A PromQL value at one evaluation time. A matrix keeps its range, which rate() extrapolates to. */
export type Value =
  | { type: 'scalar'; value: number }
  | { type: 'string'; value: string }
  | { type: 'vector'; samples: Sample[] }
  | { type: 'matrix'; series: RangeSeries[]; rangeStartMs: number; rangeEndMs: number };

/** A query that cannot be answered from the data (many-to-many matching, ...): Prometheus's runtime errors. */
export class PromqlEvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PromqlEvaluationError';
  }
}
