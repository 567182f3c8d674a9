import type { Dtype } from '../../../engine/catalog/catalog-types.js';
import { ScenarioError } from '../../../engine/scenario/scenario-issue.js';
import { steptimeScenario } from '../../../engine/scenario/steptime-scenario.js';
import { validateScenario } from '../../../engine/scenario/validate-scenario.js';
import { explainStepTime, formatStepTimeExplanation } from '../../../engine/step-time/explain-step-time.js';
import { EXIT, ExitError } from '../exit-codes.js';
import { emit } from '../output.js';

export interface SteptimeCommandOptions {
  model: string;
  gpu: string;
  tp: number;
  pp: number;
  prefillTokens: number;
  decodeSeqs: number;
  context: number;
  quantization?: Dtype;
  kvCacheDtype?: Dtype;
  json?: boolean;
}

/**
 * `headroom steptime`: explains the time of one batch step on one replica shape. The shape goes
 * through the scenario schema and rules, so defaults and refusals are exactly `simulate`'s.
 */
export function steptimeCommand(options: SteptimeCommandOptions): void {
  if (options.prefillTokens === 0 && options.decodeSeqs === 0) {
    throw new ExitError(EXIT.INVALID_INPUT, '--prefill-tokens and --decode-seqs are both 0: a step needs some work');
  }
  const written = steptimeScenario({
    model: options.model,
    gpu: options.gpu,
    tensorParallelSize: options.tp,
    pipelineParallelSize: options.pp,
    ...(options.quantization !== undefined ? { quantization: options.quantization } : {}),
    ...(options.kvCacheDtype !== undefined ? { kvCacheDtype: options.kvCacheDtype } : {}),
  });
  const validated = validateScenario(written, { file: 'steptime', baseDir: process.cwd() });
  if (!validated.ok) throw new ScenarioError(validated.issues);
  const { model, cluster, serving } = validated.scenario;
  const explanation = explainStepTime({
    model,
    gpu: cluster.gpu,
    tensorParallelSize: serving.tensorParallelSize,
    pipelineParallelSize: serving.pipelineParallelSize,
    quantization: serving.quantization,
    kvCacheDtype: serving.kvCacheDtype,
    fabric: cluster.fabric.intraNode,
    prefillTokens: options.prefillTokens,
    decodeSeqs: options.decodeSeqs,
    context: options.context,
  });
  emit(explanation, () => formatStepTimeExplanation(explanation), { json: options.json ?? false });
}
