import { describe, expect, it } from 'vitest';
import { boundaryMap, outcomeCounts, survivalCards, survivalCurveSentence, survivalSteps, survivalTimeline, survivalVerdict, TRIAL_COLUMNS, trialRows } from '../../web/src/shape/survival.js';
import { noBoundary, survivalFixture } from './fixtures/survival.js';

describe('survivability view models', () => {
  const result = survivalFixture();

  it('the verdict says a collapse is not survival, and an all-absorbed run is', () => {
    const v = survivalVerdict(result);
    expect(v.status).toBe('missed');
    expect(v.text).toBe('Does not survive: 1 of 4 trials collapsed (2 absorbed, 1 degraded, 1 collapsed); SLO attainment 86.0% (p5 60.0%) against 100.0% without the failures over 4 trials');
    const absorbed = { ...result, trials: { ...result.trials, outcomes: { absorbed: 4, degraded: 0, collapsed: 0, metastable: 0 } } };
    expect(survivalVerdict(absorbed)).toEqual({ status: 'met', text: 'Survives: every trial absorbed the failures; SLO attainment 86.0% (p5 60.0%) against 100.0% without the failures over 4 trials' });
    const degraded = { ...result, trials: { ...result.trials, outcomes: { absorbed: 3, degraded: 1, collapsed: 0, metastable: 0 } } };
    expect(survivalVerdict(degraded).text).toMatch(/^Survives, degraded: 3 absorbed, 1 degraded;/);
    expect(outcomeCounts(result)).toBe('2 absorbed, 1 degraded, 1 collapsed');
  });

  it('cards: attainment mean and p5 against the baseline, goodput loss, outcomes, spares (or why not)', () => {
    const cards = survivalCards(result);
    expect(cards.map((c) => [c.key, c.value])).toEqual([
      ['attainment', '86.0%'],
      ['attainmentP5', '60.0%'],
      ['goodputLoss', '10.0%'],
      ['outcomes', '3 / 4 survived'],
      ['sparesNeeded', '+1'],
    ]);
    expect(cards[0]!.status).toBe('missed');
    expect(cards[0]!.detail).toContain('baseline 100.0%');
    expect(cards[4]!.detail).toContain('through 1 node at 10.0 req/s');
    const none = { ...result, spares: { ...result.spares!, needed: null, reason: 'no tried count keeps the SLO' } };
    expect(survivalCards(none)[4]!).toMatchObject({ value: '–', status: 'none' });
    expect(survivalCards(none)[4]!.detail).toContain('no tried count keeps the SLO');
    expect(survivalCards(noBoundary())[4]!.value).toBe('–');
  });

  it('the timeline: three lines of one step per bucket, x = index x bucketSeconds; markers failure -> detected -> recovered', () => {
    const tl = survivalTimeline(result);
    expect(tl.bucketSeconds).toBe(2);
    expect(tl.extent).toEqual([0, 200]);
    expect(tl.lines.map((l) => l.key)).toEqual(['arrivals', 'baseline', 'goodput']);
    const goodput = tl.lines.find((l) => l.key === 'goodput')!.points;
    expect(goodput).toHaveLength(100);
    expect(goodput[20]).toEqual({ t0: 40, t1: 42, value: 4 });
    expect(goodput[40]).toEqual({ t0: 80, t1: 82, value: 10 });
    expect(tl.markers.map((m) => [m.at, m.detectedAt, m.recoveredAt, m.bandEnd])).toEqual([
      [40, 70, 100, 100],
      [150, 180, null, 200],
    ]);
    expect(tl.markers[1]!.title).toBe('node failure at 2.50 min, detected 3.00 min, not recovered within the run');
  });

  it('the survival curve is the trial attainments ascending as shares of trials; the table has a row per trial', () => {
    const shuffled = { ...result, trials: { ...result.trials, survivalCurve: [0.95, 0.6, 0.99, 0.9] } };
    expect(survivalSteps(shuffled)).toEqual([
      { attainment: 0.6, share: 0.25 },
      { attainment: 0.9, share: 0.5 },
      { attainment: 0.95, share: 0.75 },
      { attainment: 0.99, share: 1 },
    ]);
    expect(survivalCurveSentence(result)).toBe('4 trials: the worst 60.0%, the median 95.0%, the best 99.0%; 100.0% without the failures.');
    const rows = trialRows(result);
    expect(rows).toHaveLength(4);
    expect(rows[1]!.cells).toHaveLength(TRIAL_COLUMNS.length);
    expect(rows[1]).toEqual({ outcome: 'collapsed', cells: ['2', '2', '60.0%', '100.0%', '6', '12', '1', '0', 'not recovered', 'collapsed'] });
    expect(rows[0]!.cells[8]).toBe('60.0 s');
  });

  it('the boundary map: a cell per size and rate with its outcome and attainment; null without a boundary', () => {
    const map = boundaryMap(result)!;
    expect(map.rates).toEqual([5, 10, 15, 20]);
    expect(map.rows.map((r) => r.summary)).toEqual(['survives up to 20.0 req/s', 'survives up to 10.0 req/s', 'survives none of the swept rates']);
    expect(map.cells).toHaveLength(12);
    expect(map.cells.filter((c) => c.row === 2).map((c) => [c.outcome, c.text])).toEqual([
      ['collapsed', '40.0%'],
      ['collapsed', '30.0%'],
      ['collapsed', '20.0%'],
      ['metastable', '5%'],
    ]);
    expect(map.cells[0]!.title).toContain('1 GPU at 5.00 req/s: absorbed');
    // A size that skipped a rate gets an empty cell, not a shifted one.
    const gap = { ...result, boundary: { ...result.boundary!, sizes: [{ ...result.boundary!.sizes[0]!, points: result.boundary!.sizes[0]!.points.filter((p) => p.rate !== 10) }] } };
    expect(boundaryMap(gap)!.cells.map((c) => c.outcome)).toEqual(['absorbed', null, 'degraded', 'degraded']);
    expect(boundaryMap(noBoundary())).toBeNull();
  });
});
