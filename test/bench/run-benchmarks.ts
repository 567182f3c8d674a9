/**
 * npm run bench: runs each case in a fresh process and prints its figures. Nothing is asserted.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { calibrationReport } from './calibration-report.js';

const here = dirname(fileURLToPath(import.meta.url));
const cases = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['calibration', 'vidur-trace', 'million-chat', 'mooncake-prefix', 'million-chat-prefix', 'fabric-64-nodes', 'saturation-70b-w1', 'saturation-70b-w2', 'shard-vary-60'];
const saturationWall: Record<number, number> = {};
const ms = (s: number | null) => (s === null ? '-' : `${(s * 1000).toFixed(1)} ms`);

/**
 * Issue 14's bench: a 60-configuration --vary saturation sweep (5 memory fractions x 6 batch caps x
 * 2 block sizes, a 2-rate grid each) in one process, then as 4 local shards, each run alone (a
 * stand-in for 4 pods with a core each), and their merge: each shard's wall time and the merge's.
 */
async function shardBench(): Promise<void> {
  const cli = join(here, '..', '..', 'reports', 'cli', 'headroom.js');
  const args = [
    'saturation', 'scenarios/llama-3.1-8b-h100-chat.yaml', '--set', 'stop.requests=4000', '--rates', '6,12', '--replications', '1', '--workers', '1',
    '--vary', 'serving.gpuMemoryUtilization=0.5,0.6,0.7,0.8,0.9', '--vary', 'serving.maxNumSeqs=32,64,128,256,512,1024', '--vary', 'serving.blockSize=16,32',
  ];
  const dir = mkdtempSync(join(tmpdir(), 'headroom-shard-bench-'));
  const timed = (argv: string[]) =>
    new Promise<number>((resolve, reject) => {
      const t0 = performance.now();
      const child = spawn(process.execPath, [cli, ...argv], { stdio: 'ignore' });
      child.on('exit', (code) => (code === 0 ? resolve((performance.now() - t0) / 1000) : reject(new Error(`${argv.join(' ')}: exit ${code}`))));
    });
  try {
    const one = await timed([...args, '-o', join(dir, 'whole.json')]);
    // One at a time: each shard on its own core, as 4 pods would run (this machine has 2).
    const shards: number[] = [];
    for (const i of [1, 2, 3, 4]) shards.push(await timed([...args, '--shard', `${i}/4`, '-o', join(dir, `part-${i}.json`)]));
    const merge = await timed(['merge', ...[1, 2, 3, 4].map((i) => join(dir, `part-${i}.json`)), '-o', join(dir, 'merged.json')]);
    const same = execFileSync('cmp', [join(dir, 'whole.json'), join(dir, 'merged.json')]).length === 0;
    console.log(`shard-vary-60: a 60-configuration --vary saturation sweep (2 rates each), one worker per process:`);
    console.log(`  1 process ${one.toFixed(2)} s; 4 shards (each alone, as on 4 pods) ${shards.map((s) => `${s.toFixed(2)} s`).join(', ')} (slowest ${Math.max(...shards).toFixed(2)} s), merge ${merge.toFixed(2)} s; merged result ${same ? 'identical to' : 'DIFFERENT from'} the one-process result`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One JSON line of bench-case.js's figures (see there; read loosely: each case prints its own). */
type BenchFigures = Record<string, any>;

/** Runs one case in a fresh process, with `env` added to this process's environment. */
function runCase(name: string, env: Record<string, string> = {}): BenchFigures {
  const out = execFileSync(process.execPath, [join(here, 'bench-case.js'), name], { encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env, ...env } });
  return JSON.parse(out.trim().split('\n').pop()!) as BenchFigures;
}

/** min and median of a few figures, formatted: machine load moves single runs by a third here. */
const spread = (values: number[], unit = (v: number) => `${v.toFixed(3)} s`) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `${unit(sorted[0]!)} (median ${unit(sorted[Math.floor((sorted.length - 1) / 2)]!)} of ${sorted.length})`;
};

/**
 * Wall times on a shared 2-core VM move by a third from one minute to the next; instruction counts
 * do not (within 1%). Where valgrind is installed, the 10k run's are counted with V8 on one thread
 * (its compiles then run on it, counted, and tier up at the same points every time): the first
 * simulation's (a whole bench process less one that stops after loading) and `headroom simulate`'s.
 * Null without valgrind.
 */
function simulationInstructions(): { simulation: string; command: string } | null {
  const count = (argv: string[], env: Record<string, string> = {}): number => {
    const run = spawnSync('valgrind', ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null', process.execPath, '--single-threaded', ...argv], {
      encoding: 'utf8',
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...env },
    });
    const refs = /I\s+refs:\s+([\d,]+)/.exec(run.stderr);
    if (run.status !== 0 || !refs) throw new Error(`valgrind ${argv.join(' ')}: exit ${run.status}, no instruction count:\n${run.stderr}`);
    return Number(refs[1]!.replaceAll(',', ''));
  };
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
  } catch {
    return null;
  }
  const benchCase = join(here, 'bench-case.js');
  const simulation = count([benchCase, 'vidur-trace']) - count([benchCase, 'vidur-trace'], { BENCH_LOAD_ONLY: '1' });
  const command = count([join(here, '..', '..', 'reports', 'cli', 'headroom.js'), 'simulate', 'scenarios/vidur-benchmark-llama-2-7b-a100.yaml']);
  const g = (n: number) => `${(n / 1e9).toFixed(2)} G`;
  return { simulation: g(simulation), command: g(command) };
}

/**
 * Issue 15's 10k figures, each from 5 fresh processes: the first simulation in a process (JIT
 * warm-up included), the same simulation re-run in that process (a sweep worker's cost), the bench
 * process, and the command a user types (`headroom simulate`, imports and printing included).
 */
function vidurColdWarm(): BenchFigures {
  const runs: BenchFigures[] = [];
  for (let i = 0; i < 5; i++) runs.push(runCase('vidur-trace', { BENCH_WARM_RUNS: '4' }));
  if (runs[0]!.skipped) return runs[0]!;
  const cli = join(here, '..', '..', 'reports', 'cli', 'headroom.js');
  const command: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    execFileSync(process.execPath, [cli, 'simulate', 'scenarios/vidur-benchmark-llama-2-7b-a100.yaml'], { stdio: 'ignore' });
    command.push((performance.now() - t0) / 1000);
  }
  console.log('vidur-trace, 5 fresh processes:');
  console.log(`  first simulation in a process ${spread(runs.map((r) => r.simulateSeconds))}; re-run in the same process ${spread(runs.map((r) => r.warmSimulateSeconds))}`);
  console.log(`  bench process ${spread(runs.map((r) => r.processWallSeconds))}; \`headroom simulate\` whole process ${spread(command)}`);
  const instructions = simulationInstructions();
  if (instructions !== null) console.log(`  instructions (valgrind, V8 single-threaded: compiles included, machine load excluded): first simulation ${instructions.simulation}, \`headroom simulate\` ${instructions.command}`);
  // The first of them stands for the case in the usual block below.
  return runs[0]!;
}

for (const name of cases) {
  if (name === 'shard-vary-60') {
    await shardBench();
    continue;
  }
  if (name === 'calibration') {
    for (const line of calibrationReport()) console.log(line);
    continue;
  }
  const f = name === 'vidur-trace' ? vidurColdWarm() : runCase(name);
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
