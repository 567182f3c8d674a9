import Table from 'cli-table3';
import type { FabricComparison, FabricResult } from '../../analyzers/fabric/fabric-result.js';
import { describeEngines, gpusInUse } from '../../engine/scenario/deployment.js';
import { safeLine } from '../../engine/input/terminal-text.js';
import { formatPercent, formatSeconds } from './format-units.js';

/** `headroom fabric` for a terminal: the findings, the hottest links, the onset sweep. */
export function formatFabric(result: FabricResult): string {
  const s = result.scenario;
  const lines: string[] = [];
  lines.push(`Headroom fabric pressure: ${safeLine(s.name)} (seed ${result.seed})`);
  lines.push(`  ${s.model.name} on ${gpusInUse(s)} x ${s.cluster.gpu.name}: ${describeEngines(s)}; ${result.run.linksUsed} of ${result.run.links} links carried traffic`);
  for (const f of result.findings) lines.push(`  ${safeLine(f)}`);
  if (result.run.hottest.length > 0) {
    const links = new Table({ head: ['link', 'p50', 'p99', 'mean', 'carried', 'engines'], colAligns: ['left', 'right', 'right', 'right', 'left', 'right'], style: { head: [], border: [] } });
    for (const l of result.run.hottest.slice(0, 8)) {
      links.push([safeLine(l.id), formatPercent(l.utilizationP50), formatPercent(l.utilizationP99), formatPercent(l.utilizationMean), l.traffic.map((t) => `${t.tag} ${t.GB.toFixed(1)} GB`).join(', '), String(l.engines)]);
    }
    lines.push(links.toString());
  }
  if (result.points.length > 0) {
    const sweep = new Table({ head: ['req/s', 'link p99', 'comm share', 'steps waited', 'KV hand-off wait', 'GPU busy', 'KV mean', 'TTFT p99', 'TPOT p99', 'SLO'], style: { head: [], border: [] } });
    for (const p of result.points) {
      sweep.push([String(p.rate), formatPercent(p.linkUtilizationP99), formatPercent(p.communicationShare), formatPercent(p.stretchShare), formatSeconds(p.handOffWaitMean), formatPercent(p.perNode.gpuBusyFraction), formatPercent(p.perNode.kvOccupancyMean), formatSeconds(p.ttftP99), formatSeconds(p.tpotP99), p.sloMet === null ? '-' : p.sloMet ? 'met' : 'MISSED']);
    }
    lines.push(sweep.toString());
  }
  lines.push(
    `  fabric pressure onset: ${result.pressureOnset === null ? `none (${result.pressureOnsetReason})` : `${result.pressureOnset.rate} req/s (${result.pressureOnset.signal})`}; ` +
      `SLO break: ${result.sloBreakRate === null ? `none (${result.sloBreakReason})` : `${result.sloBreakRate} req/s`}`,
  );
  return `${lines.join('\n')}\n`;
}

export function formatFabricComparison(c: FabricComparison): string {
  const table = new Table({ head: ['configuration', 'link p99', 'hottest link', 'comm share', 'waited', 'onset', 'SLO break'], style: { head: [], border: [] } });
  for (const r of c.configurations) {
    const hot = r.run.hottest[0];
    table.push([safeLine(r.label), formatPercent(r.linkUtilizationP99), hot === undefined ? '-' : safeLine(hot.id), formatPercent(r.communicationShare), formatPercent(r.stretchShare), r.pressureOnset === null ? '-' : `${r.pressureOnset.rate} req/s`, r.sloBreakRate === null ? '-' : `${r.sloBreakRate} req/s`]);
  }
  const refused = c.infeasible.map((i) => `  refused ${safeLine(i.label)}: ${safeLine(i.reason)}`);
  return `Headroom fabric pressure, ${c.configurations.length} configurations\n${table.toString()}\n${refused.length > 0 ? `${refused.join('\n')}\n` : ''}`;
}
