import { describe, expect, it } from 'vitest';
import { fabricCards, fabricVerdict, gapSentence, perNodeGap } from '../../web/src/shape/fabric-summary.js';
import { idleFabric, pdFabric } from './fixtures/fabric.js';

describe('fabric view head (web/src/shape/fabric-summary)', () => {
  it('fabricVerdict(result) says the spine is hidden from the per-node view, with the onset and the SLO break', () => {
    expect(fabricVerdict(pdFabric())).toEqual({
      status: 'missed',
      text: 'Hidden from the per-node view: GPUs 80% busy and KV 35% at peak look healthy while rack0 leaf -> spine runs at p99 94%; fabric pressure begins at 60.0 req/s, the SLO breaks at 75.0 req/s',
    });
  });

  it('fabricVerdict says "under pressure" when the per-node view shows it too, "not under pressure" below 80%, and "no traffic" for an idle fabric', () => {
    const busy = { ...pdFabric(), hiddenFromPerNodeView: false, perNode: { gpuBusyFraction: 0.95, kvOccupancyMean: 0.5, kvOccupancyPeak: 0.97, healthy: false } };
    expect(fabricVerdict(busy).text).toMatch(/^Fabric under pressure: rack0 leaf -> spine runs at p99 94%; the per-node view shows stress too \(GPUs 95% busy, KV 97% at peak\)/);
    const calm = pdFabric();
    calm.hiddenFromPerNodeView = false;
    calm.linkUtilizationP99 = 0.5;
    calm.run.hottest[0]!.utilizationP99 = 0.5;
    expect(fabricVerdict(calm)).toEqual({ status: 'met', text: "Fabric not under pressure at today's 60.0 req/s: the hottest link, rack0 leaf -> spine, at p99 50%; fabric pressure begins at 60.0 req/s, the SLO breaks at 75.0 req/s" });
    expect(fabricVerdict(idleFabric())).toEqual({
      status: 'none',
      text: 'No traffic crossed the fabric: the per-node view (GPUs 60% busy, KV 20% at peak) is the whole story; no fabric pressure onset in the sweep, the SLO held at every swept rate',
    });
  });

  it('perNodeGap(result) puts GPU busy and KV beside the hottest link, each against its threshold', () => {
    expect(perNodeGap(pdFabric()).map((b) => [b.key, b.group, b.text, b.threshold, b.over])).toEqual([
      ['gpu-busy', 'per-node', '80%', 0.85, false],
      ['kv-mean', 'per-node', '6%', null, false],
      ['kv-peak', 'per-node', '35%', 0.9, false],
      ['link-p99', 'fabric', '94%', 0.8, true],
      ['link-mean', 'fabric', '73%', null, false],
    ]);
    expect(perNodeGap(pdFabric())[3]!.label).toBe('Hottest link p99: rack0 leaf -> spine');
    // Nothing crossed the fabric: the per-node bars only.
    expect(perNodeGap(idleFabric()).map((b) => b.key)).toEqual(['gpu-busy', 'kv-mean', 'kv-peak']);
  });

  it('gapSentence(result) makes the point: per node looks healthy while the spine is saturated', () => {
    expect(gapSentence(pdFabric())).toBe(
      'Per node looks healthy (GPUs 80% busy, KV 6% full on average and 35% at peak) while the spine is saturated: rack0 leaf -> spine runs at p99 94%, filled by kv-transfer. A per-node dashboard would stay green.',
    );
    expect(gapSentence(idleFabric())).toBe('Per node: GPUs 60% busy, KV 10% full on average and 20% at peak. No link carried traffic, so there is nothing the per-node view could miss.');
  });

  it('fabricCards(result) shows the gate fields check reads, flagged against their thresholds, and the onset and SLO break', () => {
    const cards = fabricCards(pdFabric());
    expect(cards.map((c) => [c.key, c.value, c.status])).toEqual([
      ['linkUtilizationP99', '94%', 'missed'],
      ['linkUtilizationMean', '73%', 'none'],
      ['communicationShare', '3.3%', 'none'],
      ['stretchShare', '0.00%', 'met'],
      ['handOffWaitMean', '185 ms', 'none'],
      ['pressureOnset', '60.0 req/s', 'none'],
      ['sloBreak', '75.0 req/s', 'none'],
      ['links', '66 of 132', 'none'],
    ]);
    expect(cards[0]!.detail).toBe('rack0 leaf -> spine · fabric.linkUtilizationP99');
    expect(cards[0]!.statusText).toBe('at or over 80%');
    const idle = fabricCards(idleFabric());
    expect(idle.find((c) => c.key === 'handOffWaitMean')!.detail).toBe('no KV hand-offs (prefill and decode not disaggregated)');
    expect(idle.find((c) => c.key === 'pressureOnset')!.value).toBe('none found');
    expect(idle.find((c) => c.key === 'sloBreak')).toMatchObject({ value: 'not in the sweep', detail: 'every swept rate met the SLO' });
  });
});
