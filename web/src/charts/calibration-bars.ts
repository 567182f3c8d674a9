import { scaleLinear } from 'd3';
import { INK } from '../palette.js';
import type { CalibrationBarRow } from '../shape/calibration.js';
import { chartFrame } from './chart-frame.js';

const MARGIN = { top: 6, right: 8, bottom: 6, left: 8 };
/** A statistic's heading, each bar, the space between bars and between statistics (px). */
const HEADING = 18;
const BAR = 15;
const BAR_GAP = 4;
const ROW_GAP = 12;
/** Room kept right of the longest bar for its text ("17.0 s (+1819.6%)"). */
const TEXT_ROOM = 132;

/**
 * Draws one measured run: per statistic a heading and horizontal bars from a zero line, the
 * measured value and each simulation's (class `mark`, `data-series` the legend key, coloured by
 * `color(series)`), each bar with its value beside it and a simulated bar with its error. Each
 * statistic has its own axis from zero (seconds and running sequences share no unit); within one,
 * bars are to scale.
 */
export function drawCalibrationBars(host: HTMLElement, width: number, rows: readonly CalibrationBarRow[], title: string, color: (series: string) => string): void {
  const rowHeight = (r: CalibrationBarRow) => HEADING + r.bars.length * (BAR + BAR_GAP) + ROW_GAP;
  const inner = rows.length === 0 ? 40 : rows.reduce((sum, r) => sum + rowHeight(r), 0) - ROW_GAP;
  const frame = chartFrame(host, width, inner + MARGIN.top + MARGIN.bottom, MARGIN, `${title}: measured against simulated`);
  const { plot, innerWidth } = frame;
  if (rows.length === 0) {
    plot.append('text').attr('class', 'empty').attr('x', innerWidth / 2).attr('y', 24).attr('text-anchor', 'middle').text('No statistic of this run could be compared');
    return;
  }
  const barsWidth = Math.max(40, innerWidth - TEXT_ROOM);
  let top = 0;
  for (const row of rows) {
    const x = scaleLinear().domain([0, row.max]).range([0, barsWidth]);
    const g = plot.append('g').attr('class', 'calibration-statistic').attr('transform', `translate(0,${top})`);
    g.append('text').attr('class', 'statistic-label').attr('x', 0).attr('y', HEADING - 5).text(row.label);
    const span = row.bars.length * (BAR + BAR_GAP) - BAR_GAP;
    g.append('line').attr('class', 'zero-line').attr('x1', 0).attr('x2', 0).attr('y1', HEADING - 2).attr('y2', HEADING + span + 2);
    const bars = g
      .selectAll('g.bar')
      .data(row.bars)
      .join('g')
      .attr('class', 'bar')
      .attr('data-series', (b) => b.series)
      .attr('transform', (_, i) => `translate(0,${HEADING + i * (BAR + BAR_GAP)})`);
    bars
      .append('rect')
      .attr('class', (b) => `mark bar-${b.series === 'measured' ? 'measured' : 'simulated'}`)
      .attr('x', 0)
      .attr('y', 0)
      // A value too small to see still shows a sliver, so a bar is never mistaken for a missing one.
      .attr('width', (b) => Math.max(1.5, x(b.value)))
      .attr('height', BAR)
      .attr('fill', (b) => color(b.series))
      .attr('data-value', (b) => String(b.value))
      .append('title')
      .text((b) => b.title);
    bars
      .append('text')
      .attr('class', (b) => `bar-label${b.series === 'measured' ? '' : ' bar-error'}`)
      .attr('x', (b) => Math.max(1.5, x(b.value)) + 5)
      .attr('y', BAR / 2)
      .attr('dy', '0.35em')
      .attr('fill', INK)
      .text((b) => b.text);
    top += rowHeight(row);
  }
}
