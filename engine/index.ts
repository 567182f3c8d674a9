/**
 * Headroom's public library: everything the CLI does is callable from TypeScript.
 *
 *   const { scenario, data } = loadScenario('scenarios/llama-3.1-8b-h100-chat.yaml', { sets: ['workload.arrival.rate=20'] });
 *   const result = simulate(scenario, data);
 */
export { loadScenario, type LoadScenarioOptions, type LoadedScenario } from './scenario/load-scenario.js';
export { readScenarioFile, type ScenarioFile } from './scenario/read-scenario-file.js';
export { validateScenario, type ValidationResult } from './scenario/validate-scenario.js';
export { applyOverrides } from './scenario/apply-overrides.js';
export { ScenarioError, type ScenarioIssue } from './scenario/scenario-issue.js';
export { formatIssue, formatIssues } from './scenario/format-issues.js';
export type { WrittenScenario } from './scenario/scenario-schema.js';
export type * from './scenario/scenario-types.js';
export { simulate, type SimulateOptions } from './simulate.js';
export { WORKLOAD_STREAMS } from './workload/schedule-arrivals.js';
export type * from './simulation-result.js';
export { loadWorkloadData, type WorkloadData } from './workload/workload-data.js';
export { readTraceFile, TraceFileError, type TraceData, type TraceFormat } from './workload/trace-file.js';
export { createRooflineStepTime } from './step-time/roofline-step-time.js';
export { explainStepTime, formatStepTimeExplanation, type StepTimeExplanation } from './step-time/explain-step-time.js';
export type { StepBatch, StepTime, StepTimeModel, ReplicaShape } from './step-time/step-time-model.js';
export { planReplicaMemory, type MemoryPlan } from './replica/memory-plan.js';
export { GPUS } from './catalog/gpus.js';
export { MODELS } from './catalog/models.js';
export { FABRICS } from './catalog/fabrics.js';
export { findGpu, findModel, findFabric } from './catalog/lookup.js';
export type { GpuSpec, ModelSpec, FabricSpec, Dtype } from './catalog/catalog-types.js';
export { EventBudgetExceeded, RunStopped } from './kernel/kernel-errors.js';
export { parseThreshold, formatThreshold, thresholdNeedsSaturation, THRESHOLD_FIELDS, type Threshold } from './scenario/threshold-expression.js';
