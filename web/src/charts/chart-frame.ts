import { select, type Selection } from 'd3';
import { uniqueId } from '../ui/dom.js';

export interface Margin {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** An SVG drawn at its container's width, with a plot group inside the margins and a clip path. */
export interface ChartFrame {
  svg: Selection<SVGSVGElement, unknown, null, undefined>;
  plot: Selection<SVGGElement, unknown, null, undefined>;
  width: number;
  height: number;
  innerWidth: number;
  innerHeight: number;
  margin: Margin;
  /** `url(#...)` of a clip path the size of the plot area. */
  clip: string;
}

/** The width a chart draws at when its container has none yet (a hidden tab, a test's first layout). */
export const FALLBACK_WIDTH = 640;

/**
 * chartFrame(host, width, height, margin, label) -> an empty SVG replacing any drawn before. The
 * viewBox lets print and narrow containers scale it; `label` is its accessible name.
 */
export function chartFrame(host: HTMLElement, width: number, height: number, margin: Margin, label: string): ChartFrame {
  const w = Math.max(240, Math.round(width > 0 ? width : FALLBACK_WIDTH));
  select(host).selectAll('svg.chart-svg').remove();
  const svg = select(host)
    .append('svg')
    .attr('class', 'chart-svg')
    .attr('viewBox', `0 0 ${w} ${height}`)
    .attr('width', w)
    .attr('height', height)
    .attr('role', 'group')
    .attr('aria-label', label);
  svg.append('title').text(label);
  const clipId = uniqueId('clip');
  const innerWidth = w - margin.left - margin.right;
  const innerHeight = height - margin.top - margin.bottom;
  svg.append('clipPath').attr('id', clipId).append('rect').attr('width', innerWidth).attr('height', innerHeight);
  const plot = svg.append('g').attr('class', 'plot-area').attr('transform', `translate(${margin.left},${margin.top})`);
  return { svg, plot, width: w, height, innerWidth, innerHeight, margin, clip: `url(#${clipId})` };
}

/** Axis titles with units, under the x axis and along the y axis. */
export function axisTitles(frame: ChartFrame, x: string, y: string): void {
  const { svg, margin, innerWidth, innerHeight } = frame;
  svg
    .append('text')
    .attr('class', 'axis-title')
    .attr('x', margin.left + innerWidth / 2)
    .attr('y', margin.top + innerHeight + margin.bottom - 6)
    .attr('text-anchor', 'middle')
    .text(x);
  svg
    .append('text')
    .attr('class', 'axis-title')
    .attr('transform', `translate(14,${margin.top + innerHeight / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle')
    .text(y);
}

/** A tick count that keeps labels apart at this length in pixels. */
export function tickCount(pixels: number, spacing = 80): number {
  return Math.max(2, Math.floor(pixels / spacing));
}

