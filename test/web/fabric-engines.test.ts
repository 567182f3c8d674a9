import { describe, expect, it } from 'vitest';
import { couplingModel, engineBars, engineRoles, engineRows, engineSentence } from '../../web/src/shape/fabric-engines.js';
import { idleFabric, pdFabric, wideFabric } from './fixtures/fabric.js';

describe('engines, coupling and communication share (web/src/shape/fabric-engines)', () => {
  it('engineRoles(scenario, n): the first prefill.replicas engines prefill, the rest decode; plain engines without disaggregation', () => {
    const roles = engineRoles(pdFabric().scenario, 24);
    expect(roles.filter((r) => r === 'prefill')).toHaveLength(16);
    expect(roles.slice(15, 17)).toEqual(['prefill', 'decode']);
    expect(engineRoles(idleFabric().scenario, 2)).toEqual(['engine', 'engine']);
  });

  it('couplingModel(result) -> every cell of the matrix, the strongest pair and the split by role, in words', () => {
    const model = couplingModel(pdFabric());
    expect(model.status).toBe('matrix');
    expect(model.n).toBe(24);
    expect(model.cells).toHaveLength(24 * 24);
    // Engine i waits (16 - j) / 10 s on prefill engine j: the most, 1.6 s, on engine 0, first from engine 1.
    expect(model.max).toBeCloseTo(1.6, 10);
    expect(model.cells.find((c) => c.i === 3 && c.j === 2)).toMatchObject({ seconds: 1.4, title: 'engine 3 (prefill) waited 1.40 s on engine 2 (prefill)\'s traffic' });
    expect(model.cells.find((c) => c.i === 3 && c.j === 3)!.seconds).toBe(0);
    expect(model.rowTotals[16]).toBe(0);
    expect(model.sentences).toEqual([
      "Strongest pair: engine 1 (prefill) waited 1.60 s in all on engine 0 (prefill)'s traffic (step stretch and KV hand-off waits, by its share of the links they shared).",
      'Of the 3.40 min of waiting attributed between engines, 100% is prefill engines waiting on prefill engines.',
    ]);
  });

  it('couplingModel says why there is no matrix past 64 engines, that nothing waited when all is zero, and ignores odd figures', () => {
    expect(couplingModel(wideFabric())).toMatchObject({ status: 'not-recorded', cells: [], sentences: ["The coupling matrix is not recorded past 64 engines; this run has 320. Each engine's stretch and hand-off waits are in the bars below."] });
    expect(couplingModel(idleFabric()).sentences).toEqual(["No engine waited on another engine's traffic: the engines are not coupled through the fabric in this run."]);
    const odd = idleFabric();
    odd.run.coupling = [[5, Number.NaN, -1], [2]];
    const model = couplingModel(odd);
    expect(model.n).toBe(2);
    expect(model.cells.map((c) => c.seconds)).toEqual([0, 0, 2, 0]);
  });

  it('engineBars(result) -> one bar per engine with its role and every figure for its tooltip', () => {
    const bars = engineBars(pdFabric());
    expect(bars).toHaveLength(24);
    expect(bars[0]).toMatchObject({ engine: 0, role: 'prefill', name: 'engine 0 (prefill)', communicationShare: 0, handOffWait: 0.18, handOffs: 450 });
    expect(bars[16]!.details).toEqual([
      ['communication', '10.0% of busy time'],
      ['stretch', '500 ms over 40 steps'],
      ['on the fabric', '900 GB'],
      ['KV hand-offs', 'none'],
    ]);
    expect(bars[0]!.title).toBe('engine 0 (prefill): communication 0.0% of busy time; stretch 0 s over 0 steps; on the fabric 480 GB; KV hand-offs 450, 180 ms mean wait');
    expect(engineRows(pdFabric())[16]).toEqual(['16', 'decode', '10.0%', '500 ms', '40', '900 GB', '0', '–']);
  });

  it('engineSentence(bars) names the spread: the median, the engine that communicates most and the longest hand-off wait', () => {
    expect(engineSentence(engineBars(pdFabric()))).toBe(
      "Communication share: median 0.0%, highest 10.0% on engine 16 (decode); KV hand-offs wait up to 195 ms on average beyond an idle fabric's time, on engine 15 (prefill).",
    );
    expect(engineSentence([])).toBe('No engine ran.');
  });
});
