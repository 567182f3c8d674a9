import { describe, expect, it } from 'vitest';
import { entryLabels, reportSections, withFile } from '../../web/src/shape/report-sections.js';
import { fabricComparison, pdFabric } from './fixtures/fabric.js';
import { chatScenario, concurrencyFixture, saturationFixture, simulated, varyFixture } from './fixtures/results.js';

describe('reportSections', () => {
  it('reportSections(entries) groups results by kind in order of first appearance, keeping the command line order', () => {
    const sim = simulated();
    const sat = saturationFixture(chatScenario());
    const vary = varyFixture(chatScenario());
    const sections = reportSections([
      { file: 'a.json', result: sim },
      { file: 's.json', result: sat },
      { file: 'b.json', result: sim },
      { file: 'v.json', result: vary },
      { file: 'c1.json', result: concurrencyFixture(chatScenario()) },
      { file: 'c2.json', result: concurrencyFixture(chatScenario()) },
    ]);
    expect(sections.map((s) => [s.kind, s.entries.map((e) => e.file)])).toEqual([
      ['simulation', ['a.json', 'b.json']],
      ['saturation', ['s.json']],
      ['saturation-comparison', ['v.json']],
      // Each concurrency sweep is a view of its own.
      ['concurrency-sweep', ['c1.json']],
      ['concurrency-sweep', ['c2.json']],
    ]);
  });

  it('reportSections gives each fabric analysis and each fabric --vary comparison (both kind "fabric") a view of its own', () => {
    const entries = [
      { file: 'f1.json', result: pdFabric() },
      { file: 'cmp.json', result: fabricComparison() },
      { file: 'f2.json', result: pdFabric() },
    ];
    expect(reportSections(entries).map((s) => [s.kind, s.entries.map((e) => e.file)])).toEqual([
      ['fabric', ['f1.json']],
      ['fabric-comparison', ['cmp.json']],
      ['fabric', ['f2.json']],
    ]);
    expect(entryLabels(entries)).toEqual(['llama-3.1-8b-pd-disaggregated (f1.json)', 'fabric comparison of 2 configurations', 'llama-3.1-8b-pd-disaggregated (f2.json)']);
  });

  it('entryLabels(entries) adds the file name only where two scenario names collide', () => {
    const sim = simulated();
    const other = simulated(['name=other']);
    expect(
      entryLabels([
        { file: 'a.json', result: sim },
        { file: 'b.json', result: sim },
        { file: 'c.json', result: other },
      ]),
    ).toEqual(['llama-3.1-8b-h100-chat (a.json)', 'llama-3.1-8b-h100-chat (b.json)', 'other']);
    expect(withFile({ label: 'x (a.json)', file: 'a.json' })).toBe('x (a.json)');
    expect(withFile({ label: 'x', file: 'a.json' })).toBe('x (a.json)');
  });
});
