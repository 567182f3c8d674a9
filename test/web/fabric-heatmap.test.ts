import { describe, expect, it } from 'vitest';
import { HEATMAP_BUCKETS, HEATMAP_ROWS, heatmapCells, heatmapExtent, heatmapOverview, heatmapRows, rowTitle } from '../../web/src/shape/fabric-heatmap.js';
import { idleFabric, pdFabric } from './fixtures/fabric.js';

describe('the link x time heatmap (web/src/shape/fabric-heatmap)', () => {
  it('heatmapRows(result) keeps the hottest links in order with their profiles', () => {
    const rows = heatmapRows(pdFabric());
    expect(rows.map((r) => [r.key, r.id, r.p99, r.bucketSeconds, r.values.length])).toEqual([
      ['link-0', 'rack0 leaf -> spine', 0.94, 1, 40],
      ['link-1', 'spine -> rack1 leaf', 0.94, 1, 40],
      ['link-2', 'leaf -> node3 nic0', 0.9, 1, 40],
    ]);
    expect(rows[0]!.traffic).toBe('kv-transfer 7,900 GB');
    expect(rowTitle(rows[0]!, 'NVLink')).toBe('rack0 leaf -> spine: rack uplink (leaf to spine), p99 94%, mean 73%, carrying kv-transfer 7,900 GB');
    expect(heatmapRows(idleFabric())).toEqual([]);
    expect(heatmapExtent([])).toEqual([0, 1]);
  });

  it('heatmapRows bounds what it keeps: 16 rows, 1,024 buckets, values finite and non-negative, a bucket size of 0 draws nothing', () => {
    const result = pdFabric();
    const link = result.run.hottest[0]!;
    result.run.hottest = Array.from({ length: 20 }, () => ({ ...link, profile: { bucketSeconds: 2, utilization: [Number.NaN, -1, 0.5, ...new Array<number>(2000).fill(0.2)] } }));
    result.run.hottest[1] = { ...link, profile: { bucketSeconds: 0, utilization: [1, 1] } };
    const rows = heatmapRows(result);
    expect(rows).toHaveLength(HEATMAP_ROWS);
    expect(rows[0]!.values).toHaveLength(HEATMAP_BUCKETS);
    expect(rows[0]!.values.slice(0, 3)).toEqual([0, 0, 0.5]);
    expect(rows[1]!.values).toEqual([]);
    expect(heatmapExtent(rows)).toEqual([0, 2048]);
  });

  it('heatmapCells(rows, domain, columns) draws one cell per bucket when they fit, and merges k buckets into their maximum when not', () => {
    const rows = heatmapRows(pdFabric());
    const all = heatmapCells(rows, [0, 40], 400);
    expect(all).toHaveLength(3 * 40);
    expect(all[4]).toMatchObject({ row: 0, t0: 4, t1: 5, value: 0.94, buckets: 1, title: 'rack0 leaf -> spine, 4.00 s to 5.00 s: 94%' });
    // 10 columns for 40 buckets: 4 merge, and every merged cell holds the burst (every 5th bucket).
    const merged = heatmapCells(rows, [0, 40], 10);
    expect(merged.filter((c) => c.row === 0).map((c) => [c.t0, c.t1, c.value])).toEqual([
      [0, 4, 0.73],
      [4, 8, 0.94],
      [8, 12, 0.94],
      [12, 16, 0.94],
      [16, 20, 0.94],
      [20, 24, 0.73],
      [24, 28, 0.94],
      [28, 32, 0.94],
      [32, 36, 0.94],
      [36, 40, 0.94],
    ]);
    expect(merged[1]!.title).toBe('rack0 leaf -> spine, 4.00 s to 8.00 s: 94% (the highest of 4 buckets)');
  });

  it('heatmapCells shows only the buckets that meet a zoomed window', () => {
    const rows = heatmapRows(pdFabric());
    const cells = heatmapCells(rows, [10.5, 20], 400).filter((c) => c.row === 0);
    expect(cells.map((c) => c.t0)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(heatmapCells(rows, [100, 200], 400)).toEqual([]);
  });

  it('heatmapOverview(rows) is the busiest link per bucket, for the brush strip', () => {
    const overview = heatmapOverview(heatmapRows(pdFabric()));
    expect(overview).toHaveLength(40);
    expect(overview[0]).toEqual({ t0: 0, t1: 1, value: 0.73 });
    expect(overview[4]).toEqual({ t0: 4, t1: 5, value: 0.94 });
    expect(heatmapOverview([])).toEqual([]);
  });
});
