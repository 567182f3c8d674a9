import { describe, expect, it } from 'vitest';
import { estimateTextWidth, nudgeLabels, packRows, shortLabel } from '../../web/src/shape/label-layout.js';

describe('chart label layout', () => {
  it('packRows(spans, gap) keeps apart labels in one row and stacks overlapping ones in the fewest rows', () => {
    expect(packRows([{ start: 0, end: 50 }, { start: 60, end: 100 }, { start: 200, end: 250 }], 6)).toEqual([0, 0, 0]);
    // Five labels on top of each other (close saturation rates): five rows.
    const close = [0, 1, 2, 3, 4].map((i) => ({ start: 100 + i * 3, end: 260 + i * 3 }));
    expect(packRows(close, 6)).toEqual([0, 1, 2, 3, 4]);
    // A label that clears the first row's last one goes back to row 0.
    expect(packRows([{ start: 0, end: 100 }, { start: 50, end: 150 }, { start: 110, end: 200 }], 6)).toEqual([0, 1, 0]);
    // The gap counts: 4 px apart is too close for a gap of 6.
    expect(packRows([{ start: 0, end: 50 }, { start: 54, end: 90 }], 6)).toEqual([0, 1]);
  });

  it('no two labels packRows puts in one row overlap, whatever their order', () => {
    const spans = Array.from({ length: 40 }, (_, i) => {
      const start = (i * 7919) % 500;
      return { start, end: start + 30 + ((i * 31) % 90) };
    });
    const rows = packRows(spans, 4);
    for (let i = 0; i < spans.length; i++) {
      for (let j = i + 1; j < spans.length; j++) {
        if (rows[i] !== rows[j]) continue;
        const [a, b] = [spans[i]!, spans[j]!];
        expect(a.end + 4 <= b.start || b.end + 4 <= a.start, `labels ${i} and ${j} share row ${rows[i]} and overlap`).toBe(true);
      }
    }
  });

  it('nudgeLabels separates end-of-line labels that would sit on one another (five lines ending together)', () => {
    const ys = nudgeLabels([40, 41, 40.5, 42, 39], 14, 0, 196);
    const sorted = [...ys].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(14 - 1e-9);
    expect(Math.min(...ys)).toBeGreaterThanOrEqual(7);
  });

  it('shortLabel(text, max) keeps short names and cuts long ones in the middle, keeping the end that tells them apart', () => {
    expect(shortLabel('serving.maxNumSeqs=64', 28)).toBe('serving.maxNumSeqs=64');
    const short = shortLabel('llama-3.1-8b-h100-chat (baseline-run.json)', 20);
    expect([...short]).toHaveLength(20);
    expect(short).toBe('llama-3.…e-run.json)');
    expect(shortLabel('llama-3.1-8b-h100-chat (a.json)', 20).endsWith('(a.json)')).toBe(true);
  });

  it('estimateTextWidth grows with the text and the font size', () => {
    expect(estimateTextWidth('')).toBe(0);
    expect(estimateTextWidth('maxNumSeqs=256')).toBeGreaterThan(estimateTextWidth('maxNumSeqs=16'));
    expect(estimateTextWidth('abc', 12)).toBeGreaterThan(estimateTextWidth('abc', 11));
  });
});
