import { findGpu, findModel, gpuIds, modelIds } from '../../../engine/catalog/lookup.js';
import type { Dtype } from '../../../engine/catalog/catalog-types.js';
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

/** `headroom steptime`: explains the time of one batch step on one replica shape. */
export function steptimeCommand(options: SteptimeCommandOptions): void {
  const model = findModel(options.model);
  if (!model) throw new ExitError(EXIT.INVALID_INPUT, `--model: unknown model "${options.model}"; expected one of ${modelIds().join(', ')}`);
  const gpu = findGpu(options.gpu);
  if (!gpu) throw new ExitError(EXIT.INVALID_INPUT, `--gpu: unknown GPU "${options.gpu}"; expected one of ${gpuIds().join(', ')}`);
  if (options.prefillTokens === 0 && options.decodeSeqs === 0) {
    throw new ExitError(EXIT.INVALID_INPUT, '--prefill-tokens and --decode-seqs are both 0: a step needs some work');
  }
  const explanation = explainStepTime({
    model,
    gpu,
    tensorParallelSize: options.tp,
    pipelineParallelSize: options.pp,
    ...(options.quantization !== undefined ? { quantization: options.quantization } : {}),
    ...(options.kvCacheDtype !== undefined ? { kvCacheDtype: options.kvCacheDtype } : {}),
    prefillTokens: options.prefillTokens,
    decodeSeqs: options.decodeSeqs,
    context: options.context,
  });
  emit(explanation, () => formatStepTimeExplanation(explanation), { json: options.json ?? false });
}
