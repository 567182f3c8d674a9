import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../cli/run-cli.js';
import { survivalFixture } from '../web/fixtures/survival.js';

/**
 * `headroom report` as a user runs it: the built CLI on real result files (simulate, saturation,
 * saturation --vary), and on files that are not results, which end with exit 2, a message naming
 * the file, and no output file.
 */

const dir = mkdtempSync(join(tmpdir(), 'headroom-report-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CHAT = 'scenarios/llama-3.1-8b-h100-chat.yaml';

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function expectInvalid(run: CliRun, output: string, message: RegExp): void {
  expect(run.code, run.stderr).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(message);
  expect(existsSync(output)).toBe(false);
}

describe('headroom report', () => {
  const sim = join(dir, 'sim.json');

  it('`report <simulation.json> -o report.html` writes one self-contained page and says where', () => {
    expect(runCli('simulate', CHAT, '--set', 'stop.requests=500', '-o', sim).code).toBe(0);
    const out = join(dir, 'sim.html');
    const run = runCli('report', sim, '-o', out);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^wrote .*sim\.html \(a simulation result, \d+ KiB\); open it in a browser\n$/);
    const html = readFileSync(out, 'utf8');
    expect(html.length).toBeLessThan(2_000_000);
    expect(html).toContain('Content-Security-Policy');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=["']?https?:/i);
  });

  it('the same command and SOURCE_DATE_EPOCH give a byte-identical report, which says how and when it was made', () => {
    const a = join(dir, 'a.html');
    const previous = process.env.SOURCE_DATE_EPOCH;
    process.env.SOURCE_DATE_EPOCH = '1700000000';
    try {
      expect(runCli('report', sim, sim, '-o', a).code).toBe(0);
      const first = readFileSync(a, 'utf8');
      expect(runCli('report', sim, sim, '-o', a).code).toBe(0);
      expect(readFileSync(a, 'utf8')).toBe(first);
      const data = /<script type="application\/json" id="headroom-data">([\s\S]*?)<\/script>/.exec(first)![1]!;
      expect((JSON.parse(data) as { madeBy: unknown }).madeBy).toEqual({ command: `headroom report ${sim} ${sim} -o ${a}`, at: '2023-11-14T22:13:20.000Z' });
    } finally {
      if (previous === undefined) delete process.env.SOURCE_DATE_EPOCH;
      else process.env.SOURCE_DATE_EPOCH = previous;
    }
  });

  it('`report` draws real saturation and --vary results from the analyzer', () => {
    const sat = join(dir, 'sat.json');
    const vary = join(dir, 'vary.json');
    expect(runCli('saturation', CHAT, '--set', 'stop.requests=600', '--rates', '6:30:8', '--replications', '2', '-o', sat).code).toBe(0);
    expect(runCli('saturation', CHAT, '--set', 'stop.requests=600', '--rates', '6:30:8', '--replications', '2', '--vary', 'serving.maxNumSeqs=32,256', '-o', vary).code).toBe(0);
    const out = join(dir, 'all.html');
    const run = runCli('report', sim, sat, vary, '-o', out);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('3 results');
  });

  it('`report` draws a real closed-loop concurrency sweep (`saturation --concurrency`)', () => {
    const sweep = join(dir, 'sweep.json');
    expect(runCli('saturation', CHAT, '--set', 'stop.requests=300', '--concurrency', '1,4,16', '--replications', '1', '-o', sweep).code).toBe(0);
    const out = join(dir, 'sweep.html');
    const run = runCli('report', sweep, '-o', out);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^wrote .*sweep\.html \(a concurrency-sweep result, \d+ KiB\); open it in a browser\n$/);
    const html = readFileSync(out, 'utf8');
    const data = JSON.parse(/<script type="application\/json" id="headroom-data">([\s\S]*?)<\/script>/.exec(html)![1]!) as { entries: { result: { kind: string; levels: { concurrency: number }[] } }[] };
    expect(data.entries[0]!.result.kind).toBe('concurrency-sweep');
    expect(data.entries[0]!.result.levels.map((l) => l.concurrency)).toEqual([1, 4, 16]);
  });

  it('`report` draws real calibration checks: catalog constants and a fitted profile against the same scrape, compared', () => {
    const prom = join(dir, 'run.prom');
    const profile = join(dir, 'profile.json');
    const uncal = join(dir, 'uncal.json');
    const cal = join(dir, 'cal.json');
    expect(runCli('simulate', CHAT, '--set', 'stop.requests=600', '--metrics', prom).code).toBe(0);
    expect(runCli('calibrate', '--prometheus', prom, '--gpu', 'h100-sxm', '--tp', '1', '-o', profile).code).toBe(0);
    expect(runCli('calibrate', '--compare', '--prometheus', prom, '--gpu', 'h100-sxm', '--tp', '1', '-o', uncal).code).toBe(0);
    expect(runCli('calibrate', '--compare', '--prometheus', prom, '--gpu', 'h100-sxm', '--tp', '1', '--profile', profile, '-o', cal).code).toBe(0);
    const one = join(dir, 'calibration.html');
    const single = runCli('report', uncal, '-o', one);
    expect(single.code, single.stderr).toBe(0);
    expect(single.stdout).toMatch(/^wrote .*calibration\.html \(a calibration result, \d+ KiB\); open it in a browser\n$/);
    const out = join(dir, 'calibrations.html');
    const run = runCli('report', uncal, cal, '-o', out);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('2 results');
    const data = JSON.parse(/<script type="application\/json" id="headroom-data">([\s\S]*?)<\/script>/.exec(readFileSync(out, 'utf8'))![1]!) as {
      entries: { file: string; result: { kind: string; profile: string | null; deployment: { model: string }; runs: { file: string; load: object; statistics: unknown[] }[] } }[];
    };
    expect(data.entries.map((e) => [e.file, e.result.kind, e.result.profile])).toEqual([
      ['uncal.json', 'calibration', null],
      ['cal.json', 'calibration', profile],
    ]);
    expect(data.entries[0]!.result.deployment.model).toBe('llama-3.1-8b');
    expect(data.entries[0]!.result.runs[0]!.file).toBe(prom);
    expect(data.entries[0]!.result.runs[0]!.load).toBeDefined();
    expect(data.entries[0]!.result.runs[0]!.statistics).toHaveLength(3);
  });

  it('`report` draws real fabric results: one analysis, a --vary comparison, and the fabric analysis a check report gated on', () => {
    const PD = 'scenarios/llama-3.1-8b-pd-disaggregated.yaml';
    const quick = ['--set', 'stop.requests=1200', '--rates', '30,60', '--workers', '1'];
    const one = join(dir, 'fabric.json');
    const vary = join(dir, 'fabric-vary.json');
    const check = join(dir, 'fabric-check.json');
    expect(runCli('fabric', PD, ...quick, '-o', one).code).toBe(0);
    expect(runCli('fabric', PD, ...quick, '--vary', 'cluster.topology.spine.oversubscription=1,4', '-o', vary).code).toBe(0);
    // The spine saturates: the gate fails (exit 1) and the report still carries the analysis.
    expect(runCli('check', PD, '--set', 'stop.requests=1200', '--workers', '1', '--fail-on', 'fabric.linkUtilizationP99 < 80%', '-o', check).code).toBe(1);
    const single = runCli('report', one, '-o', join(dir, 'fabric.html'));
    expect(single.code, single.stderr).toBe(0);
    expect(single.stdout).toMatch(/^wrote .*fabric\.html \(a fabric result, \d+ KiB\); open it in a browser\n$/);
    const compared = runCli('report', vary, '-o', join(dir, 'fabric-vary.html'));
    expect(compared.code, compared.stderr).toBe(0);
    expect(compared.stdout).toMatch(/\(a fabric --vary comparison, \d+ KiB\)/);
    const out = join(dir, 'fabric-all.html');
    const run = runCli('report', one, vary, check, '-o', out);
    expect(run.code, run.stderr).toBe(0);
    const data = JSON.parse(/<script type="application\/json" id="headroom-data">([\s\S]*?)<\/script>/.exec(readFileSync(out, 'utf8'))![1]!) as { entries: { file: string; result: { kind: string; configurations?: unknown[] } }[] };
    expect(data.entries.map((e) => [e.file, e.result.kind, e.result.configurations?.length ?? null])).toEqual([
      ['fabric.json', 'fabric', null],
      ['fabric-vary.json', 'fabric', 2],
      ['fabric-check.json', 'simulation', null],
      ['fabric-check.json', 'fabric', null],
    ]);
  });

  it('a fabric analysis out of its bounds exits 2 naming the key path, and writes nothing', () => {
    const out = join(dir, 'bad-fabric.html');
    const one = JSON.parse(readFileSync(join(dir, 'fabric.json'), 'utf8')) as { run: { hottest: { profile: { utilization: number[] } }[] } };
    one.run.hottest[0]!.profile.utilization = new Array(1025).fill(0.5);
    expectInvalid(runCli('report', file('long-profile.json', JSON.stringify(one)), '-o', out), out, /long-profile\.json: run\.hottest\[0\]\.profile\.utilization: expected at most 1024 entries, got a list of 1025/);
  });

  it('a calibration check out of shape exits 2 naming the key path, and writes nothing', () => {
    const out = join(dir, 'bad-calibration.html');
    expectInvalid(runCli('report', file('runs.json', '{"kind": "calibration", "version": 1, "profile": null, "runs": "all"}'), '-o', out), out, /runs\.json: runs: expected array, got "all"/);
    const stat = '{"name": "mean time to first token (s)", "measured": -1, "simulated": 1, "errorPercent": 0}';
    expectInvalid(
      runCli('report', file('negative.json', `{"kind": "calibration", "version": 1, "profile": null, "runs": [{"file": "a.prom", "format": "x", "statistics": [${stat}]}]}`), '-o', out),
      out,
      /negative\.json: runs\[0\]\.statistics\[0\]\.measured: expected at least 0, got -1/,
    );
    expectInvalid(
      runCli('report', file('huge.json', `{"kind": "calibration", "version": 1, "profile": null, "runs": [{"file": "a.prom", "format": "x", "statistics": [${stat.replace('-1', '1e999')}]}]}`), '-o', out),
      out,
      /huge\.json: runs\[0\]\.statistics\[0\]\.measured: expected number, got Infinity/,
    );
  });

  it('invalid JSON exits 2 naming the file, and writes nothing', () => {
    const out = join(dir, 'bad.html');
    expectInvalid(runCli('report', file('broken.json', '{"kind": "simulation",'), '-o', out), out, /broken\.json: not valid JSON/);
  });

  it('foreign JSON exits 2 with what was expected', () => {
    const out = join(dir, 'foreign.html');
    expectInvalid(runCli('report', file('package.json', '{"name": "x", "version": "1.0.0"}'), '-o', out), out, /package\.json: kind: expected "simulation", "saturation", "saturation-comparison", "concurrency-sweep", "calibration", "fabric", "survivability", got nothing/);
    expectInvalid(runCli('report', file('partial.json', '{"kind": "simulation", "version": 1}'), '-o', out), out, /partial\.json: seed: expected number, got nothing/);
  });

  it('a __proto__ key, a missing file or a folder exits 2', () => {
    const out = join(dir, 'proto.html');
    expectInvalid(runCli('report', file('proto.json', '{"kind": "simulation", "__proto__": {"polluted": true}}'), '-o', out), out, /proto\.json: not valid JSON/);
    expectInvalid(runCli('report', join(dir, 'missing.json'), '-o', out), out, /missing\.json: file not found/);
    expectInvalid(runCli('report', dir, '-o', out), out, /expected a result file \(a regular file\), got a folder/);
  });

  it('one bad file among good ones stops the report: every problem is listed, nothing is written', () => {
    const out = join(dir, 'mixed.html');
    const run = runCli('report', sim, file('one.json', '[]'), file('two.json', '{"kind": "survival"}'), file('three.json', '{"kind": "fabric", "version": 1}'), '-o', out);
    expectInvalid(run, out, /one\.json: expected a Headroom result.*\n.*two\.json: kind: expected .*, got "survival".*\n.*three\.json: seed: expected number, got nothing/);
  });

  it('`report` without -o, or without a file, is a usage error (exit 2); --help has examples', () => {
    expect(runCli('report', sim).code).toBe(2);
    expect(runCli('report', '-o', join(dir, 'x.html')).code).toBe(2);
    const help = runCli('report', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:\n {2}headroom simulate .* && headroom report result\.json -o report\.html/);
  });

  it('a survivability result (a fixture, and a real `survive --json`) is drawn; a malformed one (an unknown outcome, a share over 1, a long timeline) exits 2 and writes nothing', () => {
    const good = file('survive.json', JSON.stringify(survivalFixture()));
    const out = join(dir, 'survive.html');
    const run = runCli('report', good, '-o', out);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^wrote .*survive\.html \(a survivability result, \d+ KiB\)/);
    const survive = runCli('survive', CHAT, '--set', 'cluster.gpusPerNode=4', '--set', 'serving.replicas=4', '--set', 'stop.requests=600', '--trials', '2', '--json');
    expect(survive.code, survive.stderr).toBe(0);
    const realOut = join(dir, 'survive-real.html');
    const real = runCli('report', file('survive-real.json', survive.stdout), '-o', realOut);
    expect(real.code, real.stderr).toBe(0);
    expect(readFileSync(realOut, 'utf8')).toContain('"kind":"survivability"');
    const bad = survivalFixture();
    bad.trials.perTrial[1]!.outcome = 'exploded' as never;
    bad.trials.survivalCurve[0] = 1.5;
    bad.timeline.goodputPerSecond = new Array<number>(4097).fill(1);
    const badOut = join(dir, 'bad-survive.html');
    expectInvalid(
      runCli('report', file('bad-survive.json', JSON.stringify(bad)), '-o', badOut),
      badOut,
      /bad-survive\.json: trials\.perTrial\[1\]\.outcome: expected "absorbed" or "degraded" or "collapsed" or "metastable", got "exploded"[\s\S]*trials\.survivalCurve\[0\]: expected at most 1, got 1\.5[\s\S]*timeline\.goodputPerSecond: expected at most 4096 entries/,
    );
  });
});
