import Table from 'cli-table3';
import type { SurvivabilityResult } from '../../analyzers/survivability/survival-result.js';
import { describeEngines, gpusInUse } from '../../engine/scenario/deployment.js';
import { safeLine } from '../../engine/input/terminal-text.js';
import { formatPercent, formatSeconds } from './format-units.js';

/** `headroom survive` for a terminal: findings, the trials, the boundary map. */
export function formatSurvival(r: SurvivabilityResult): string {
  const s = r.scenario;
  const lines = [`Headroom survivability: ${safeLine(s.name)} (seed ${r.seed})`, `  ${s.model.name} on ${gpusInUse(s)} x ${s.cluster.gpu.name}: ${describeEngines(s)}`];
  for (const f of r.findings) lines.push(`  ${safeLine(f)}`);
  const trials = new Table({ head: ['trial seed', 'attainment', 'baseline', 'lost', 'retried', 'gave up', 'recovery', 'outcome'], style: { head: [], border: [] } });
  for (const t of r.trials.perTrial) {
    trials.push([String(t.seed), formatPercent(t.attainment), formatPercent(t.baselineAttainment), String(t.lostInFlight), String(t.retried), String(t.failedAfterRetries + t.timedOut), t.recoverySeconds === null ? 'not within the run' : formatSeconds(t.recoverySeconds), t.outcome]);
  }
  lines.push(trials.toString());
  if (r.boundary !== null) {
    const map = new Table({ head: ['failure', ...r.boundary.rates.map((x) => `${x} req/s`), 'boundary'], style: { head: [], border: [] } });
    for (const size of r.boundary.sizes) map.push([size.size, ...size.points.map((p) => `${p.outcome} (${formatPercent(p.attainment)})`), size.boundaryRate === null ? '-' : `${size.boundaryRate} req/s`]);
    lines.push(map.toString());
  } else if (r.boundaryReason !== null) {
    lines.push(`  no boundary map: ${safeLine(r.boundaryReason)}`);
  }
  return `${lines.join('\n')}\n`;
}
