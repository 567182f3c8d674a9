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
  const w = frameWidth(width);
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

/** frameWidth(width) -> the width chartFrame draws at for a container this wide (at least 240 px). */
export function frameWidth(width: number): number {
  return Math.max(240, Math.round(width > 0 ? width : FALLBACK_WIDTH));
}

/**
 * growTop(frame, top) -> the frame with its top margin raised to `top` (when higher): the SVG grows
 * by the difference and the plot moves down, its size unchanged. Call before axisTitles.
 */
export function growTop(frame: ChartFrame, top: number): void {
  const extra = Math.ceil(top - frame.margin.top);
  if (extra <= 0) return;
  frame.margin = { ...frame.margin, top: frame.margin.top + extra };
  frame.height += extra;
  frame.svg.attr('viewBox', `0 0 ${frame.width} ${frame.height}`).attr('height', frame.height);
  frame.plot.attr('transform', `translate(${frame.margin.left},${frame.margin.top})`);
}

/**
 * measureLabels(host, texts, className, estimate) -> the width in pixels each text takes as an SVG
 * label of that class (measured in a throwaway SVG inside host), or `estimate(text)` where the
 * browser cannot measure (host not laid out: hidden, or no layout engine).
 */
export function measureLabels(host: HTMLElement, texts: readonly string[], className: string, estimate: (text: string) => number): number[] {
  if (texts.length === 0) return [];
  const probe = select(host).append('svg').attr('class', 'chart-svg measure-probe').attr('width', 0).attr('height', 0).attr('aria-hidden', 'true');
  const widths = texts.map((text) => {
    const node = probe.append('text').attr('class', className).text(text).node();
    const measured = node && typeof node.getComputedTextLength === 'function' ? node.getComputedTextLength() : 0;
    return measured > 0 ? measured : estimate(text);
  });
  probe.remove();
  return widths;
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

