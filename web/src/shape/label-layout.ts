/**
 * Placing chart labels so no two meet: pure arithmetic on pixel positions (tested in Node, checked
 * with real bounding boxes in Chromium). Widths are estimated from the text where the chart cannot
 * measure it.
 */

/**
 * nudgeLabels(ys, height, top, bottom) -> label centres moved apart vertically so no two boxes of
 * that height overlap: greedy from the top in order of y, then pushed back up from the bottom edge.
 * Every label is nudged whatever its x, which is simple and never lets two boxes meet.
 */
export function nudgeLabels(ys: readonly number[], height: number, top: number, bottom: number): number[] {
  const order = ys.map((y, i) => ({ y, i })).sort((a, b) => a.y - b.y || a.i - b.i);
  const out = new Array<number>(ys.length);
  let prev = -Infinity;
  for (const o of order) {
    const y = Math.max(o.y, top + height / 2, prev + height);
    out[o.i] = prev = y;
  }
  let next = Infinity;
  for (let k = order.length - 1; k >= 0; k--) {
    const i = order[k]!.i;
    out[i] = next = Math.min(out[i]!, bottom - height / 2, next - height);
  }
  return out;
}

/** A label's horizontal extent in pixels. */
export interface Span {
  start: number;
  end: number;
}

/**
 * packRows(spans, gap) -> a row for each label (0, 1, 2, ...) such that two labels in one row are at
 * least `gap` apart: each label, left to right, takes the lowest row whose last label ends before it
 * starts. As few rows as any left-to-right greedy needs; labels that do not meet share row 0.
 */
export function packRows(spans: readonly Span[], gap = 6): number[] {
  const order = spans.map((s, i) => ({ ...s, i })).sort((a, b) => a.start - b.start || a.i - b.i);
  const rowEnds: number[] = [];
  const rows = new Array<number>(spans.length);
  for (const s of order) {
    let row = rowEnds.findIndex((end) => end + gap <= s.start);
    if (row === -1) row = rowEnds.push(s.end) - 1;
    else rowEnds[row] = s.end;
    rows[s.i] = row;
  }
  return rows;
}

/**
 * estimateTextWidth(text, fontPx) -> a generous width in pixels for a label in the report's sans
 * serif (0.62 em a character covers digits and most letters of the wide fonts too).
 */
export function estimateTextWidth(text: string, fontPx = 11): number {
  return Math.ceil([...text].length * fontPx * 0.62);
}

/**
 * shortLabel(text, max) -> the text, or when longer than `max` characters its start and end around
 * an ellipsis: the end usually tells compared results apart (a file name, an override's value).
 */
export function shortLabel(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const keep = Math.max(2, max - 1);
  const head = Math.ceil(keep * 0.4);
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - (keep - head)).join('')}`;
}
