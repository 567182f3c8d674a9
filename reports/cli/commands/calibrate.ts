import Table from 'cli-table3';
import { CalibrateInputError, fitProfile, measureRun, unfittedProfile, type DeploymentFlags, type MeasuredRun } from '../../../analyzers/calibration/calibrate-prometheus.js';
import { compareRuns } from '../../../analyzers/calibration/compare-runs.js';
import { readGuidellm } from '../../../analyzers/calibration/guidellm-runs.js';
import { readNcclTests } from '../../../analyzers/calibration/nccl-tests.js';
import { allReduceLinks, fitLinearProfiles, readOperatorProfileCsv } from '../../../analyzers/calibration/operator-profile-csv.js';
import { readVllmBench } from '../../../analyzers/calibration/vllm-bench-runs.js';
import { findModel } from '../../../engine/catalog/lookup.js';
import { PromTextError } from '../../../engine/input/prometheus-text.js';
import { safeLine } from '../../../engine/input/terminal-text.js';
import { ProfileFileError, readProfileFile, type CalibrationProfile } from '../../../engine/step-time/calibration-profile.js';
import { writeFileAtomically } from '../../write-file-atomically.js';
import { EXIT, ExitError } from '../exit-codes.js';
import { checkDistinctPaths, checkOutputPath, emit } from '../output.js';

export interface CalibrateCommandOptions extends DeploymentFlags {
  prometheus: string[];
  requests: string[];
  guidellm: string[];
  nccl: string[];
  profileCsv: string[];
  output?: string;
  /** Print measured beside simulated instead of fitting. */
  compare?: boolean;
  /** With --compare: the profile to simulate with (default: the catalog constants). */
  profile?: string;
}

/**
 * `headroom calibrate --prometheus scrape.prom ... -o profile.json`: fits a calibration profile
 * on the first measured run (scrapes, benchmark results, guidellm reports, in that order), checks
 * it on the others, adds the links nccl-tests logs measured, writes it and prints what it found.
 */
export function calibrateCommand(options: CalibrateCommandOptions): void {
  if (options.compare) return compareCommand(options);
  if (options.output === undefined) throw new ExitError(EXIT.INVALID_INPUT, 'expected -o <profile.json>: where to write the profile');
  const output = options.output;
  checkOutputPath(output);
  checkDistinctPaths([{ flag: '-o', path: options.output }], [...options.prometheus, ...options.requests, ...options.guidellm, ...options.nccl, ...options.profileCsv]);
  if (options.prometheus.length + options.requests.length + options.guidellm.length + options.nccl.length + options.profileCsv.length === 0) {
    throw new ExitError(
      EXIT.INVALID_INPUT,
      'expected telemetry to calibrate from: give --prometheus <file> (vLLM /metrics scrapes) or --requests <file> (vLLM/SGLang benchmark results) or --guidellm <file>, --profile-csv <file> (operator profiles), or --nccl <file> (nccl-tests logs)',
    );
  }
  let profile;
  try {
    const runs = measuredRuns(options);
    const links = options.nccl.map((file) => readNcclTests(file));
    const operators = options.profileCsv.map((file) => readOperatorProfileCsv(file));
    const linear = operators.filter((o) => o.kind === 'linear');
    // Operator profiles time the step-time physics directly: with them the scales are fitted there
    // and the served runs, if any, check the result (held out); without them the runs are fitted.
    profile = linear.length > 0 ? withServedCheck(fitLinearProfiles(linear, options), runs, options) : runs.length > 0 ? fitProfile(runs, options) : unfittedProfile(options);
    const csvLinks = operators.flatMap((o) => (o.kind === 'all-reduce' ? allReduceLinks(o) : []));
    profile = {
      ...profile,
      links: [...links.map((l) => ({ operation: l.operation, ranks: l.ranks, nodes: l.nodes, alphaSeconds: l.alphaSeconds, busBandwidthGBps: l.busBandwidthGBps, file: l.file })), ...csvLinks],
      fittedFrom: [
        ...profile.fittedFrom,
        ...links.map((l) => ({ file: l.file, sha256: l.sha256, format: 'nccl-tests' })),
        ...operators.filter((o) => o.kind === 'all-reduce').map((o) => ({ file: o.file, sha256: o.sha256, format: 'operator profile (all-reduce)' })),
      ],
    };
  } catch (error) {
    if (error instanceof PromTextError || error instanceof CalibrateInputError) throw new ExitError(EXIT.INVALID_INPUT, error.message);
    throw error;
  }
  try {
    writeFileAtomically(output, `${JSON.stringify(profile, null, 2)}\n`);
  } catch (error) {
    throw new ExitError(EXIT.INVALID_INPUT, `-o ${options.output}: cannot write (${(error as Error).message})`);
  }
  const p = profile.parameters;
  const lines = [
    `calibration profile for ${profile.model} on ${profile.gpu} (TP${profile.tensorParallelSize}, ${profile.quantization})`,
    `  memory scale ${p.memoryScale.value.toFixed(3)} (${p.memoryScale.note})`,
    `  compute scale ${p.computeScale.value.toFixed(3)} (${p.computeScale.note})`,
    ...profile.links.map((l) => `  link: ${l.operation} over ${l.ranks} GPUs on ${l.nodes} node${l.nodes === 1 ? '' : 's'}: bus bandwidth ${l.busBandwidthGBps.toFixed(1)} GB/s, latency floor ${l.alphaSeconds === null ? 'not measured (no message up to 64 KiB)' : `${(l.alphaSeconds * 1e6).toFixed(1)} us`}`),
    ...profile.fit.map((f) => `  fit: ${f.statistic}: measured ${f.measured.toPrecision(4)}, simulated ${f.simulated.toPrecision(4)} (${f.errorPercent >= 0 ? '+' : ''}${f.errorPercent.toFixed(1)}%)`),
    `  check: ${profile.check.errorPercent === null ? profile.check.note : `${profile.check.errorPercent.toFixed(1)}% (${profile.check.note})`}`,
    `wrote ${options.output}; use it with calibration: { profile: ${options.output} } in a scenario`,
  ];
  process.stdout.write(`${lines.map(safeLine).join('\n')}\n`);
}

/** An operator-profile fit checked on served runs: their mean absolute error, simulated with it. */
function withServedCheck(profile: CalibrationProfile, runs: readonly MeasuredRun[], options: CalibrateCommandOptions): CalibrationProfile {
  if (runs.length === 0) return profile;
  if (options.tp === undefined) throw new CalibrateInputError('expected --tp: the tensor-parallel size that served the runs the operator-profile fit is checked on');
  const comparison = compareRuns(runs, { ...options, model: profile.model, gpu: profile.gpu, tp: options.tp }, { file: '(operator-profile fit)', profile });
  const errors = comparison.runs.flatMap((r) => r.statistics.filter((s) => !s.name.includes('running')).map((s) => Math.abs(s.errorPercent)));
  return {
    ...profile,
    fittedFrom: [...profile.fittedFrom, ...runs.map((r) => ({ file: r.file, sha256: r.sha256, format: r.format ?? 'prometheus (vllm)' }))],
    check: {
      errorPercent: errors.length === 0 ? null : errors.reduce((a, b) => a + b, 0) / errors.length,
      note: `${profile.check.note}; served runs held out: mean absolute error of their latencies, ${runs.map((r) => r.file).join(', ')}`,
    },
  };
}

/** `calibrate --compare`: measured beside simulated, per run and statistic. */
function compareCommand(options: CalibrateCommandOptions): void {
  checkOutputPath(options.output);
  checkDistinctPaths([{ flag: '-o', path: options.output }], [...options.prometheus, ...options.requests, ...options.guidellm, ...(options.profile !== undefined ? [options.profile] : [])]);
  let comparison;
  try {
    const runs = measuredRuns(options);
    if (runs.length === 0) throw new CalibrateInputError('expected telemetry to compare with: give --prometheus <file> or --requests <file>');
    const model = options.model ?? (runs[0]!.modelName !== null && findModel(runs[0]!.modelName) !== undefined ? runs[0]!.modelName : undefined);
    if (model === undefined || options.gpu === undefined || options.tp === undefined) {
      throw new CalibrateInputError('expected --model (unless the scrape names a catalog model), --gpu and --tp: the deployment to simulate');
    }
    const profile = options.profile === undefined ? null : { file: options.profile, profile: readProfile(options.profile) };
    comparison = compareRuns(runs, { ...options, model, gpu: options.gpu, tp: options.tp }, profile);
  } catch (error) {
    if (error instanceof PromTextError || error instanceof CalibrateInputError) throw new ExitError(EXIT.INVALID_INPUT, error.message);
    throw error;
  }
  const table = new Table({ head: ['run', 'statistic', 'measured', 'simulated', 'error'], style: { head: [], border: [] } });
  for (const run of comparison.runs) {
    for (const s of run.statistics) table.push([safeLine(run.file), s.name, s.measured.toPrecision(4), s.simulated.toPrecision(4), `${s.errorPercent >= 0 ? '+' : ''}${s.errorPercent.toFixed(1)}%`]);
  }
  emit(comparison, () => `measured vs simulated (${comparison.profile === null ? 'catalog constants' : `profile ${safeLine(comparison.profile)}`})\n${table.toString()}\n`, options);
}

/** A profile file, checked, or an input error naming what is wrong (the first problem). */
function readProfile(file: string) {
  try {
    return readProfileFile(file);
  } catch (error) {
    if (!(error instanceof ProfileFileError)) throw error;
    const first = error.issues[0]!;
    throw new CalibrateInputError(first.path.length === 0 ? `${file}: ${first.message}` : `${file}: not a calibration profile (${first.path.join('.')}: ${first.message})`);
  }
}

/** Every measured run the flags name, in order: scrapes, benchmark results, guidellm reports. */
function measuredRuns(options: CalibrateCommandOptions) {
  return [
    ...options.prometheus.map((file) => measureRun(file, options)),
    ...options.requests.flatMap((file) => readVllmBench(file)),
    ...options.guidellm.flatMap((file) => readGuidellm(file)),
  ];
}
