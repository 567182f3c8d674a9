import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { prefixBase, withPrefixCache } from '../web/fixtures/prefix-cache.js';
import { buildHtmlReport, defaultMadeBy, embedJson, htmlReport, REPORT_LIMITS, validateReportInput } from '../../reports/writers/html.js';
import type { ReportPayload } from '../../web/src/payload.js';
import { calibratedFixture, calibrationFixture, withoutOptionalFields } from '../web/fixtures/calibration.js';
import { loadScenario } from '../../engine/scenario/load-scenario.js';
import { simulate } from '../../engine/simulate.js';
import { fabricComparison, idleFabric, PD, pdFabric, wideFabric } from '../web/fixtures/fabric.js';
import { chatScenario, concurrencyFixture, costFixture, HOSTILE_NAME, saturationFixture, simulated, sizingFixture, uncalibrated, varyFixture, withoutCalibration } from '../web/fixtures/results.js';
import { ensureReportApp } from './report-files.js';
import { noBoundary, survivalFixture } from '../web/fixtures/survival.js';
import { allSections } from '../web/fixtures/simulation-sections.js';

/** A stand-in for the built app: the same head and data slot as web/index.html, one inline script. */
const APP = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Headroom report</title>
    <script type="module" crossorigin>console.log("app")</script>
  </head>
  <body>
    <main id="app"></main>
    <script type="application/json" id="headroom-data"></script>
  </body>
</html>
`;

const payload = (name: string): ReportPayload => ({
  format: 'headroom-report',
  version: 1,
  generator: 'headroom test',
  entries: [{ file: 'r.json', result: { ...simulated(), scenario: { ...chatScenario(), name } } }],
});

describe('reports/writers/html', () => {
  it('embedJson(value) leaves no "<", ">" or "&" in the text, so no label can close the script or open a comment', () => {
    const value = { name: HOSTILE_NAME, sep: 'a\u2028b\u2029c' };
    const text = embedJson(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('buildHtmlReport(app, payload) fills the one data slot and adds a CSP that allows the app script by hash and no connection', () => {
    const html = buildHtmlReport(APP, payload(HOSTILE_NAME));
    const hash = createHash('sha256').update('console.log("app")').digest('base64');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)" \/>/.exec(html)?.[1];
    expect(csp).toBe(`default-src 'none'; script-src 'sha256-${hash}'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`);
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script'));
    const data = /<script type="application\/json" id="headroom-data">([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect((JSON.parse(data) as ReportPayload).entries[0]!.result).toMatchObject({ scenario: { name: HOSTILE_NAME } });
    expect(html).not.toContain('<img');
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });

  it('buildHtmlReport refuses an app without exactly one data slot or with an external script', () => {
    expect(() => buildHtmlReport(APP.replace('id="headroom-data"', 'id="other"'), payload('x'))).toThrow(/0 data slots/);
    expect(() => buildHtmlReport(APP.replace('<script type="module" crossorigin>', '<script type="module" src="https://cdn.example/app.js">'), payload('x'))).toThrow(/external script/);
  });

  it('htmlReport(entries) from the built app is one file under 2 MB that refers to nothing outside itself', () => {
    ensureReportApp();
    const html = htmlReport(payload('demo').entries, 'headroom test');
    expect(Buffer.byteLength(html)).toBeLessThan(2_000_000);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=["']?https?:|src=["']https?:/i);
    expect(html).not.toMatch(/\b(fetch|XMLHttpRequest|WebSocket|EventSource|sendBeacon)\s*\(/);
  });

  it('validateReportInput(value, file) accepts simulation, saturation, --vary comparison and concurrency sweep results', () => {
    for (const result of [simulated(), saturationFixture(chatScenario()), varyFixture(chatScenario()), concurrencyFixture(chatScenario())]) {
      expect(validateReportInput(JSON.parse(JSON.stringify(result)), 'r.json')).toHaveProperty('entry');
    }
  });

  it('validateReportInput accepts cost, keep-up and sizing figures, and older files without them', () => {
    const priced = simulated(['cost.gpuHourUsd=2.5']);
    const sat = saturationFixture(chatScenario());
    const sized = { ...sat, costAtSaturation: costFixture(), sizing: sizingFixture() };
    const noSize = { ...sat, sizing: { ...sizingFixture(), replicasNeeded: null, gpusNeeded: null, marginPercent: null, nextSize: null, cost: null, reason: 'no saturation rate' } };
    const { window: _, ...throughput } = priced.throughput;
    const older = { ...priced, throughput } as Record<string, unknown>;
    delete older.cost;
    const olderSat = { ...sat, points: sat.points.map(({ keepsUp: _k, ...p }) => p) } as Record<string, unknown>;
    for (const key of ['costAtSaturation', 'sustainedCapacity', 'sizing']) delete olderSat[key];
    const vary = varyFixture(chatScenario());
    const pricedVary = { ...vary, configurations: vary.configurations.map((c) => ({ ...c, costAtSaturation: costFixture() })) };
    for (const result of [priced, sized, noSize, older, olderSat, pricedVary]) {
      expect(validateReportInput(JSON.parse(JSON.stringify(result)), 'r.json')).toHaveProperty('entry');
    }
  });

  it('validateReportInput rejects mistyped cost, keep-up, sizing and concurrency figures with their key paths', () => {
    const issues = (value: unknown) => (validateReportInput(JSON.parse(JSON.stringify(value)), 'x.json') as { issues?: string[] }).issues ?? [];
    const priced = simulated(['cost.gpuHourUsd=2.5']);
    expect(issues({ ...priced, cost: { ...priced.cost, usdPerHour: 'lots' } })).toEqual(['x.json: cost.usdPerHour: expected number, got "lots"']);
    expect(issues({ ...priced, throughput: { ...priced.throughput, window: { ...priced.throughput.window, keptUp: 'yes' } } })).toEqual(['x.json: throughput.window.keptUp: expected boolean, got "yes"']);
    const sat = saturationFixture(chatScenario());
    expect(issues({ ...sat, sizing: { ...sizingFixture(), checked: 'all' } })).toEqual(['x.json: sizing.checked: expected array, got "all"']);
    expect(issues({ ...sat, sustainedCapacity: { requestsPerSecond: 20 } })).toEqual(['x.json: sustainedCapacity.measuredAtRate: expected number, got nothing']);
    const sweep = concurrencyFixture(chatScenario());
    expect(issues({ ...sweep, levels: sweep.levels.map((l, i) => (i === 2 ? { ...l, concurrency: 'four' } : l)) })).toEqual(['x.json: levels[2].concurrency: expected number, got "four"']);
    expect(issues({ ...sweep, levels: [] })).toEqual(['x.json: levels: expected at least 1 entry, got an empty list']);
  });

  it('validateReportInput accepts a simulation with prefixCache and rejects a hit rate out of range or a missing figure, by key path', () => {
    const cached = withPrefixCache(prefixBase());
    expect(validateReportInput(JSON.parse(JSON.stringify(cached)), 'r.json')).toHaveProperty('entry');
    const issues = (value: unknown) => (validateReportInput(JSON.parse(JSON.stringify(value)), 'x.json') as { issues?: string[] }).issues ?? [];
    const pc = cached.prefixCache!;
    expect(issues({ ...cached, prefixCache: { ...pc, hitRate: { ...pc.hitRate, tokens: 1.5 } } })).toEqual(['x.json: prefixCache.hitRate.tokens: expected at most 1, got 1.5']);
    const { evictedBlocks: _dropped, ...rest } = pc;
    expect(issues({ ...cached, prefixCache: rest })).toEqual(['x.json: prefixCache.evictedBlocks: expected number, got nothing']);
  });

  it('validateReportInput accepts a calibration fitted, borrowed or absent (older files), and rejects a mistyped one', () => {
    const sim = simulated();
    const sat = saturationFixture(chatScenario());
    for (const result of [sim, uncalibrated(sim), withoutCalibration(sim), sat, uncalibrated(sat), withoutCalibration(sat)]) {
      expect(validateReportInput(JSON.parse(JSON.stringify(result)), 'r.json')).toHaveProperty('entry');
    }
    expect(validateReportInput({ ...sim, calibration: { ...sim.calibration, fitted: 'yes' } }, 'x.json')).toEqual({ issues: ['x.json: calibration.fitted: expected boolean, got "yes"'] });
    expect(validateReportInput({ ...sat, calibration: { ...uncalibrated(sat).calibration, borrowedFrom: 7 } }, 'x.json')).toEqual({ issues: ['x.json: calibration.borrowedFrom: expected string, got 7'] });
  });

  it('validateReportInput rejects foreign JSON with "file: key.path: expected X, got Y"', () => {
    const issues = (value: unknown) => ('issues' in validateReportInput(value, 'x.json') ? (validateReportInput(value, 'x.json') as { issues: string[] }).issues : []);
    expect(issues([1, 2])).toEqual(['x.json: expected a Headroom result (a JSON object with "kind"), got a list of 2']);
    expect(issues({ hello: 'world' })[0]).toBe('x.json: kind: expected "simulation", "saturation", "saturation-comparison", "concurrency-sweep", "calibration", "fabric", "survivability", got nothing; is this a Headroom result file?');
    expect(issues({ kind: 'survivability' })[0]).toBe('x.json: version: expected 1, got nothing');
    expect(issues({ kind: 'fabric-comparison' })[0]).toMatch(/^x\.json: kind: expected .*, got "fabric-comparison"/);
    const sim = JSON.parse(JSON.stringify(simulated())) as Record<string, unknown>;
    expect(issues({ ...sim, version: 2 })).toEqual(['x.json: version: expected 1, got 2']);
    expect(issues({ ...sim, latency: { ...(sim.latency as object), ttft: { count: 'many' } } })[0]).toMatch(/^x\.json: latency\.ttft\.count: expected number, got "many"$/);
    const ts = sim.timeSeries as { total: Record<string, number[]> };
    const long = { ...sim, timeSeries: { ...ts, total: { ...ts.total, running: new Array(REPORT_LIMITS.seriesPoints + 1).fill(1) } } };
    expect(issues(long)[0]).toBe(`x.json: timeSeries.total.running: expected at most ${REPORT_LIMITS.seriesPoints} entries, got a list of ${REPORT_LIMITS.seriesPoints + 1}`);
  });

  it('validateReportInput accepts calibration checks, uncalibrated or with a profile, and older ones without deployment or load', () => {
    for (const result of [calibrationFixture(), calibratedFixture(), withoutOptionalFields(calibratedFixture())]) {
      expect(validateReportInput(JSON.parse(JSON.stringify(result)), 'c.json')).toHaveProperty('entry');
    }
    // A run with nothing compared is still a run.
    const empty = { ...calibrationFixture(), runs: [{ file: 'idle.prom', format: 'prometheus (vllm)', statistics: [] }] };
    expect(validateReportInput(empty, 'c.json')).toHaveProperty('entry');
  });

  it('validateReportInput bounds a calibration check: runs, statistics, text lengths, finite and non-negative figures, known keys', () => {
    const issues = (value: unknown) => (validateReportInput(value, 'x.json') as { issues?: string[] }).issues ?? [];
    const base = calibrationFixture();
    const run = base.runs[0]!;
    const L = REPORT_LIMITS;
    expect(issues({ ...base, runs: Array.from({ length: L.calibrationRuns + 1 }, () => run) })).toEqual([`x.json: runs: expected at most ${L.calibrationRuns} entries, got a list of ${L.calibrationRuns + 1}`]);
    expect(issues({ ...base, runs: [] })).toEqual(['x.json: runs: expected at least 1 entry, got an empty list']);
    expect(issues({ ...base, runs: [{ ...run, statistics: Array.from({ length: L.calibrationStatistics + 1 }, () => run.statistics[0]) }] })).toEqual([
      `x.json: runs[0].statistics: expected at most ${L.calibrationStatistics} entries, got a list of ${L.calibrationStatistics + 1}`,
    ]);
    expect(issues({ ...base, runs: [{ ...run, file: 'x'.repeat(L.calibrationText + 1) }] })[0]).toMatch(new RegExp(`^x\\.json: runs\\[0\\]\\.file: expected at most ${L.calibrationText} characters, got "x{57}\\.\\.\\."$`));
    expect(issues({ ...base, profile: 'p'.repeat(L.calibrationText + 1) })[0]).toMatch(/^x\.json: profile: expected at most 4096 characters/);
    const stat = (patch: object) => ({ ...base, runs: [{ ...run, statistics: [{ ...run.statistics[0], ...patch }] }] });
    expect(issues(stat({ measured: -1 }))).toEqual(['x.json: runs[0].statistics[0].measured: expected at least 0, got -1']);
    expect(issues(stat({ simulated: Infinity }))).toEqual(['x.json: runs[0].statistics[0].simulated: expected number, got Infinity']);
    expect(issues(stat({ errorPercent: null }))).toEqual(['x.json: runs[0].statistics[0].errorPercent: expected number, got null']);
    expect(issues(stat({ name: 42 }))).toEqual(['x.json: runs[0].statistics[0].name: expected string, got 42']);
    expect(issues({ ...base, runs: [{ ...run, load: { ...run.load, burst: 'no' } }] })).toEqual(['x.json: runs[0].load.burst: expected boolean, got "no"']);
    expect(issues({ ...base, deployment: { ...base.deployment, tensorParallelSize: 0 } })).toEqual(['x.json: deployment.tensorParallelSize: expected more than 0, got 0']);
    expect(issues({ ...base, profile: 3 })).toEqual(['x.json: profile: expected string, got 3']);
    expect(issues({ ...base, version: 2 })).toEqual(['x.json: version: expected 1, got 2']);
    expect(issues({ ...base, scenario: {} })).toEqual(['x.json: scenario: unknown key in a calibration result; expected one of kind, version, profile, deployment, runs']);
  });

  it('validateReportInput accepts a simulation of a disaggregated deployment, which carries its pools and its fabric summary', () => {
    const { scenario, data } = loadScenario(PD, { sets: ['stop.requests=200'] });
    const result = simulate(scenario, data);
    expect(Object.keys(result)).toEqual(expect.arrayContaining(['disaggregation', 'fabric']));
    expect(validateReportInput(JSON.parse(JSON.stringify(result)), 'pd.json')).toHaveProperty('entry');
  });

  it('validateReportInput accepts fabric analyses (busy, 64 x 8, idle) and fabric --vary comparisons', () => {
    for (const result of [pdFabric(), wideFabric(), idleFabric(), fabricComparison()]) {
      expect(validateReportInput(JSON.parse(JSON.stringify(result)), 'f.json')).toHaveProperty('entry');
    }
  });

  it('validateReportInput bounds a fabric analysis: links, hottest links, profile buckets, coupling, points, configurations, texts, finite non-negative figures, known keys', () => {
    const issues = (value: unknown) => (validateReportInput(JSON.parse(JSON.stringify(value)), 'x.json') as { issues?: string[] }).issues ?? [];
    const L = REPORT_LIMITS;
    const base = pdFabric();
    const withRun = (patch: object) => ({ ...base, run: { ...base.run, ...patch } });
    const link = base.run.linkLoads[0]!;
    const hot = base.run.hottest[0]!;
    expect(issues(withRun({ linkLoads: new Array(L.fabricLinks + 1).fill(link) }))).toEqual([`x.json: run.linkLoads: expected at most ${L.fabricLinks} entries, got a list of ${L.fabricLinks + 1}`]);
    expect(issues(withRun({ hottest: new Array(L.hottestLinks + 1).fill(hot) }))).toEqual([`x.json: run.hottest: expected at most ${L.hottestLinks} entries, got a list of ${L.hottestLinks + 1}`]);
    expect(issues(withRun({ hottest: [{ ...hot, profile: { bucketSeconds: 1, utilization: new Array(L.profileBuckets + 1).fill(0.5) } }] }))).toEqual([
      `x.json: run.hottest[0].profile.utilization: expected at most ${L.profileBuckets} entries, got a list of ${L.profileBuckets + 1}`,
    ]);
    const square = (n: number) => Array.from({ length: n }, () => new Array<number>(n).fill(0));
    expect(issues(withRun({ coupling: square(L.couplingEngines + 1) }))[0]).toBe(`x.json: run.coupling: expected at most ${L.couplingEngines} entries, got a list of ${L.couplingEngines + 1}`);
    expect(issues({ ...base, points: new Array(L.fabricPoints + 1).fill(base.points[0]) })).toEqual([`x.json: points: expected at most ${L.fabricPoints} entries, got a list of ${L.fabricPoints + 1}`]);
    const cmp = fabricComparison();
    expect(issues({ ...cmp, configurations: new Array(L.configurations + 1).fill(cmp.configurations[0]) })).toEqual([
      `x.json: configurations: expected at most ${L.configurations} entries, got a list of ${L.configurations + 1}`,
    ]);
    expect(issues({ ...cmp, configurations: [] })).toEqual(['x.json: configurations: expected at least 1 entry, got an empty list']);
    expect(issues(withRun({ linkLoads: [{ ...link, id: 'x'.repeat(L.fabricText + 1) }] }))[0]).toMatch(/^x\.json: run\.linkLoads\[0\]\.id: expected at most 4096 characters/);
    expect(issues({ ...base, findings: ['y'.repeat(L.fabricText + 1)] })[0]).toMatch(/^x\.json: findings\[0\]: expected at most 4096 characters/);
    expect(issues(withRun({ linkLoads: [{ ...link, utilizationP99: -0.5 }] }))).toEqual(['x.json: run.linkLoads[0].utilizationP99: expected at least 0, got -0.5']);
    expect(validateReportInput({ ...base, linkUtilizationP99: Infinity }, 'x.json')).toEqual({ issues: ['x.json: linkUtilizationP99: expected number, got Infinity'] });
    expect(issues(withRun({ coupling: [[0, 'a lot']] }))).toEqual(['x.json: run.coupling[0][1]: expected number, got "a lot"']);
    expect(issues({ ...base, scenario: { ...base.scenario, cluster: { ...base.scenario.cluster, gpusPerNode: 1e9 } } })).toEqual(['x.json: scenario.cluster.gpusPerNode: expected at most 72, got 1000000000']);
    expect(issues({ ...base, scenario: { ...base.scenario, cluster: { ...base.scenario.cluster, topology: { racks: 0 } } } })).toEqual(['x.json: scenario.cluster.topology.racks: expected more than 0, got 0']);
    expect(issues({ ...base, run: { ...base.run, mode: 'some' } })).toEqual(['x.json: run.mode: expected "shared" or "all", got "some"']);
    expect(issues({ ...base, injected: 1 })).toEqual([`x.json: injected: unknown key in a fabric result; expected one of ${'kind, version, seed, scenario, calibration, rate, run, perNode, linkUtilizationP99, linkUtilizationMean, communicationShare, stretchShare, handOffWaitMean, hiddenFromPerNodeView, points, pressureOnset, pressureOnsetReason, sloBreakRate, sloBreakReason, findings'}`]);
    expect(issues({ ...cmp, findings: [] })).toEqual(['x.json: findings: unknown key in a fabric --vary comparison; expected one of kind, version, configurations, infeasible']);
  });

  it('defaultMadeBy(argv, env) is "headroom" and the arguments (shell-quoted where needed), at now or SOURCE_DATE_EPOCH', () => {
    expect(defaultMadeBy(['report', 'a.json', "it's here.json", '-o', 'r.html'], { SOURCE_DATE_EPOCH: '0' })).toEqual({
      command: `headroom report a.json 'it'\\''s here.json' -o r.html`,
      at: '1970-01-01T00:00:00.000Z',
    });
    const at = Date.parse(defaultMadeBy([], {}).at);
    expect(Math.abs(at - Date.now())).toBeLessThan(60_000);
    expect(defaultMadeBy([], {}).command).toBe('headroom');
  });

  it('htmlReport embeds madeBy in the page payload, and the result JSON inside it is unchanged', () => {
    ensureReportApp();
    const entries = payload('demo').entries;
    const before = JSON.stringify(entries);
    const html = htmlReport(entries, 'headroom test', { command: 'headroom report x.json', at: '2025-01-01T00:00:00.000Z' });
    const data = JSON.parse(/<script type="application\/json" id="headroom-data">([\s\S]*?)<\/script>/.exec(html)![1]!) as ReportPayload;
    expect(data.madeBy).toEqual({ command: 'headroom report x.json', at: '2025-01-01T00:00:00.000Z' });
    expect(JSON.stringify(data.entries)).toBe(before);
    expect(JSON.stringify(entries)).toBe(before);
  });

  it('validateReportInput accepts a survivability analysis (with or without a boundary) and refuses one past its bounds', () => {
    const issues = (value: unknown) => {
      const read = validateReportInput(JSON.parse(JSON.stringify(value)), 's.json');
      return 'issues' in read ? read.issues : [];
    };
    expect(issues(survivalFixture())).toEqual([]);
    expect(issues(noBoundary())).toEqual([]);
    const s = survivalFixture();
    expect(issues({ ...s, extra: 1 })[0]).toMatch(/^s\.json: extra: unknown key in a survivability result/);
    expect(issues({ ...s, version: 2 })).toEqual(['s.json: version: expected 1, got 2']);
    expect(issues({ ...s, timeline: { ...s.timeline, markers: new Array(REPORT_LIMITS.markers + 1).fill(s.timeline.markers[0]) } })[0]).toBe(`s.json: timeline.markers: expected at most ${REPORT_LIMITS.markers} entries, got a list of ${REPORT_LIMITS.markers + 1}`);
    expect(issues({ ...s, timeline: { ...s.timeline, bucketSeconds: 0 } })[0]).toMatch(/^s\.json: timeline\.bucketSeconds: expected more than 0/);
    const sizes = new Array(REPORT_LIMITS.boundarySizes + 1).fill(s.boundary!.sizes[0]);
    expect(issues({ ...s, boundary: { ...s.boundary!, sizes } })[0]).toBe(`s.json: boundary.sizes: expected at most ${REPORT_LIMITS.boundarySizes} entries, got a list of ${REPORT_LIMITS.boundarySizes + 1}`);
    expect(issues({ ...s, trials: { ...s.trials, perTrial: [{ ...s.trials.perTrial[0]!, lostInFlight: -1 }] } })[0]).toMatch(/^s\.json: trials\.perTrial\[0\]\.lostInFlight: expected at least 0/);
    expect(issues({ ...s, findings: ['x'.repeat(REPORT_LIMITS.fabricText + 1)] })[0]).toMatch(/^s\.json: findings\[0\]: expected at most 4096 characters/);
    // Infinity and NaN are not JSON, but a parsed object handed in directly must not slip them through.
    expect(validateReportInput({ ...JSON.parse(JSON.stringify(s)), seed: Infinity }, 's.json')).toHaveProperty('issues');
  });

  it('validateReportInput accepts a simulation with survival and autoscaling sections, and bounds them', () => {
    const issues = (value: unknown) => {
      const read = validateReportInput(JSON.parse(JSON.stringify(value)), 'r.json');
      return 'issues' in read ? read.issues : [];
    };
    const r = allSections();
    expect(issues(r)).toEqual([]);
    const a = r.autoscaling!;
    expect(issues({ ...r, autoscaling: { ...a, inService: { ...a.inService, bucketSeconds: 0 } } })[0]).toMatch(/^r\.json: autoscaling\.inService\.bucketSeconds: expected more than 0/);
    expect(issues({ ...r, autoscaling: { ...a, events: new Array(REPORT_LIMITS.markers + 1).fill(a.events[0]) } })[0]).toBe(`r.json: autoscaling.events: expected at most ${REPORT_LIMITS.markers} entries, got a list of ${REPORT_LIMITS.markers + 1}`);
    const s = r.survival!;
    expect(issues({ ...r, survival: { ...s, timeline: { ...s.timeline, goodputPerSecond: [-1] } } })[0]).toMatch(/^r\.json: survival\.timeline\.goodputPerSecond\[0\]: expected at least 0/);
  });
});
