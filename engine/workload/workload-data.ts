import type { Scenario } from '../scenario/scenario-types.js';
import { readLengthSamples } from './length-samples.js';
import { readTraceFile, type TraceData } from './trace-file.js';

/** The files a scenario's workload refers to, loaded before simulating (simulate itself does no I/O). */
export interface WorkloadData {
  trace: TraceData | null;
  inputSamples: Int32Array | null;
  outputSamples: Int32Array | null;
}

export const NO_WORKLOAD_DATA: WorkloadData = { trace: null, inputSamples: null, outputSamples: null };

/** Reads the trace and empirical length files a scenario names; throws TraceFileError on bad files. */
export function loadWorkloadData(scenario: Scenario): WorkloadData {
  const { arrival, inputTokens, outputTokens } = scenario.workload;
  return {
    trace: arrival.process === 'trace' ? readTraceFile(arrival.file, { timeScale: arrival.timeScale }) : null,
    inputSamples: arrival.process !== 'trace' && inputTokens.dist === 'empirical' ? readLengthSamples(inputTokens.file, 'input') : null,
    outputSamples: arrival.process !== 'trace' && outputTokens.dist === 'empirical' ? readLengthSamples(outputTokens.file, 'output') : null,
  };
}
