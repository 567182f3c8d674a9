/**
 * npm run bench: runs each case in a fresh process and prints its figures. Nothing is asserted.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { calibrationReport } from './calibration-report.js';

const here = dirname(fileURLToPath(import.meta.url));
const cases = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['calibration', 'vidur-trace', 'million-chat', 'mooncake-prefix', 'million-chat-prefix', 'fabric-64-nodes', 'saturation-70b-w1', 'saturation-70b-w2'];
const saturationWall: Record<number, number> = {};
const ms = (s: number | null) => (s === null ? '-' : `${(s * 1000).toFixed(1)} ms`);

for (const name of cases) {
  if (name === 'calibration') {
    for (const line of calibrationReport()) console.log(line);
    continue;
  }
  const out = execFileSync(process.execPath, [join(here, 'bench-case.js'), name], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const f = JSON.parse(out.trim().split('\n').pop()!);
  if (f.skipped) {
    console.log(`${name}: skipped (${f.skipped})`);
    continue;
  }
  if (f.kind === 'survive') {
    console.log(`${name}: ${f.trials} survivability trials of a one-hour, 16-replica scenario (each beside its no-failure baseline):`);
    console.log(`  ${f.analysisSeconds.toFixed(2)} s (${((1000 * f.analysisSeconds) / f.trials).toFixed(0)} ms a trial), peak RSS ${f.peakRssMiB.toFixed(0)} MiB; attainment ${(100 * f.attainment.mean).toFixed(2)}% (p5 ${(100 * f.attainment.p5).toFixed(2)}%), outcomes ${JSON.stringify(f.outcomes)}`);
    continue;
  }
  if (f.kind === 'saturation') {
    saturationWall[f.workers] = f.analysisSeconds;
    const speedup = f.workers > 1 && saturationWall[1] ? ` (speedup ${(saturationWall[1] / f.analysisSeconds).toFixed(2)}x over 1 worker)` : '';
    console.log(`${name}: knee search, Llama-3.1-70B TP4 on H100, 5 replications per rate, ${f.workers} worker(s):`);
    console.log(`  ${f.simulations} simulations over ${f.rates} rates in ${f.analysisSeconds.toFixed(2)} s${speedup}, whole process ${f.processWallSeconds.toFixed(2)} s, peak RSS ${f.peakRssMiB.toFixed(0)} MiB`);
    const sat = f.saturationRate;
    console.log(`  saturation ${sat ? `${sat.mean.toFixed(2)} req/s (${sat.low.toFixed(2)}-${sat.high.toFixed(2)})` : 'indeterminate'}, pressure onset ${f.pressureOnsetRate?.toFixed(2) ?? '-'} req/s, bottleneck ${f.bottleneck}, headroom ${f.headroomPercent?.toFixed(1) ?? '-'}%`);
    continue;
  }
  console.log(`${name}:`);
  console.log(`  whole process ${f.processWallSeconds.toFixed(2)} s, simulation ${f.simulateSeconds.toFixed(3)} s, loading ${f.loadSeconds.toFixed(3)} s, peak RSS ${f.peakRssMiB.toFixed(0)} MiB`);
  console.log(
    `  ${f.requests.toLocaleString('en-US')} requests, ${f.steps.toLocaleString('en-US')} steps, ${f.events.toLocaleString('en-US')} events: ` +
      `${Math.round(f.eventsPerSecond).toLocaleString('en-US')} events/s, ${Math.round(f.requestsPerSecond).toLocaleString('en-US')} requests/s simulated`,
  );
  console.log(`  predicted TTFT p50 ${ms(f.ttft.p50)} p99 ${ms(f.ttft.p99)}; TPOT p50 ${ms(f.tpot.p50)} p99 ${ms(f.tpot.p99)}; e2e p50 ${ms(f.e2e.p50)} p99 ${ms(f.e2e.p99)}; ${f.preempted} preemptions`);
  if (f.prefixHitRate !== undefined) console.log(`  prefix cache: ${(100 * f.prefixHitRate).toFixed(1)}% of prompt tokens hit, ${f.evictedBlocks.toLocaleString('en-US')} blocks evicted`);
  if (f.flowEvents !== undefined) {
    console.log(`  fabric: ${f.flowEvents.toLocaleString('en-US')} flow events, ${Math.round(f.flowEventsPerSecond).toLocaleString('en-US')} flow events/s; hottest link ${f.hottestLink} at p99 ${(100 * f.linkUtilizationP99).toFixed(0)}%`);
  }
}
