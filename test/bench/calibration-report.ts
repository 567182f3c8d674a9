/**
 * The calibration figures `npm run bench` prints: per GPU family, the fit and check errors of the
 * shipped step-time constants against published static batches, and of the API-server overhead
 * against client-side records. Read from ../shared/data in place; skipped without it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { compareRun, DATACRUNCH_FILE, LAMBDALABS_RUNS, readClientRequests, readServingSummaries, simulateServingRow } from '../../analyzers/calibration/frontend-fit.js';
import { familyErrors, predictCases } from '../../analyzers/calibration/fit-gpu-family.js';
import { h100Spec, mi300xSpec, readServingBenchmarks } from '../../analyzers/calibration/family-fits.js';
import { formatSummary, relativeErrors, summarizeErrors } from '../../analyzers/calibration/fit-tools.js';
import { findGpu } from '../../engine/catalog/lookup.js';
import { DEFAULT_FRONTEND_OVERHEAD } from '../../engine/scenario/scenario-schema.js';
import { FITTED_CALIBRATIONS, MI300X_CALIBRATION } from '../../engine/step-time/step-time-calibration.js';
import { NERDALERT_FILE, readNerdalertRuns, simulateServed } from '../../analyzers/calibration/served-runs.js';
import { SHARED_DATA } from '../helpers/shared-data.js';

export function calibrationReport(): string[] {
  if (!existsSync(join(SHARED_DATA, 'serving-benchmarks'))) return [`calibration: skipped (${SHARED_DATA} not found)`];
  const cases = readServingBenchmarks(SHARED_DATA);
  const lines = ['calibration (|predicted / measured - 1| of whole static batches):'];
  const mi = mi300xSpec();
  const mi300x = findGpu('mi300x')!;
  const sets = [
    ['fit', cases.filter(mi.train)],
    ['check, AMD table', cases.filter((c) => mi.check(c) && c.set === 'AMD-ROCM-VLLM-DEVDOCKER')],
    ['check, dstack vLLM 0.6.4', cases.filter((c) => mi.check(c) && c.set === 'DSTACK-405B')],
  ] as const;
  for (const [name, rows] of sets) {
    for (const [label, cal] of [
      ['own fit', MI300X_CALIBRATION],
      ['before (A100 constants)', FITTED_CALIBRATIONS.a100],
    ] as const) {
      const e = summarizeErrors(relativeErrors(predictCases(rows, mi300x, cal, mi.maxNumBatchedTokens), rows.map((r) => r.seconds)));
      lines.push(`  ${formatSummary(`MI300X ${name}, ${label}`, e)}`);
    }
  }
  const h = familyErrors(h100Spec(), cases, FITTED_CALIBRATIONS.h100);
  lines.push(`  ${formatSummary('H100 FP8 fit (dstack 405B, 128 in)', h.train)}`);
  lines.push(`  ${formatSummary('H100 FP8 check (dstack 405B, 2048 in)', h.check)}`);
  const pct = (a: number, b: number) => `${((100 * a) / b - 100).toFixed(1)}%`;
  for (const run of readNerdalertRuns(join(SHARED_DATA, NERDALERT_FILE))) {
    const own = simulateServed(run);
    const borrowed = simulateServed(run, FITTED_CALIBRATIONS.a100);
    lines.push(
      `  L40S ${run.label} (${run.label === 'no-features at 10 req/s' ? 'fit' : 'check'}): median TPOT ${pct(own.tpot, run.measured.medianTpot)} ` +
        `(before, A100 constants: ${pct(borrowed.tpot, run.measured.medianTpot)}), TTFT ${pct(own.ttft, run.measured.medianTtft)}`,
    );
  }
  for (const row of readServingSummaries(join(SHARED_DATA, DATACRUNCH_FILE)).filter((r) => r.rate <= 4)) {
    const sim = simulateServingRow(row, DEFAULT_FRONTEND_OVERHEAD);
    lines.push(
      `  client-side SGLang 70B TP4 H200 at ${row.rate} req/s (${row.rate === 1 ? 'fit' : 'check'}): median TTFT ${pct(sim.ttft, row.medianTtft)}, ITL ${pct(sim.itl, row.medianItl)}, e2e ${pct(sim.e2e, row.medianE2e)}`,
    );
  }
  for (const run of LAMBDALABS_RUNS) {
    const c = compareRun(run, readClientRequests(join(SHARED_DATA, run.file)), DEFAULT_FRONTEND_OVERHEAD);
    lines.push(
      `  client-side ${run.label} (compared; TTFT there is ~10-token chunking): TTFT ${pct(c.engine.ttft, c.measured.ttft)}, TPOT ${pct(c.engine.tpot, c.measured.tpot)}, e2e ${pct(c.engine.e2e, c.measured.e2e)}`,
    );
  }
  return lines;
}
