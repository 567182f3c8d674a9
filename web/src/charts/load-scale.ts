import { create, interpolateYlOrRd } from 'd3';
import { LINK_PRESSURE } from '../shape/fabric-links.js';

/**
 * The colour of a link's load, shared by the topology and the heatmap: yellow-orange-red by
 * utilization (light to dark, so the order survives colour-blindness and grey print), a flat grey
 * for a link that carried nothing, and (drawn by the charts) a black outline from LINK_PRESSURE up,
 * so a pressured link never depends on colour alone.
 */
export const NO_TRAFFIC = '#e6e6e6';
export const PRESSURE_OUTLINE = '#000';

/** loadColor(0.94) -> a dark red; null (no traffic) -> NO_TRAFFIC. Values clamp to [0, 1]. */
export function loadColor(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return NO_TRAFFIC;
  return interpolateYlOrRd(0.08 + 0.92 * Math.min(1, Math.max(0, value)));
}

export function pressured(value: number | null): boolean {
  return value !== null && value >= LINK_PRESSURE;
}

/**
 * loadLegend(caption) -> the colour scale as a small SVG: a ramp from 0% to 100% with the pressure
 * line marked, a swatch for how a pressured link is marked and (optionally) one for "no traffic".
 */
export function loadLegend(caption: string, withNoTraffic = true, pressureText = `outlined: ≥ ${Math.round(LINK_PRESSURE * 100)}% (pressure)`): SVGSVGElement {
  const steps = 20;
  const rampWidth = 260;
  const width = withNoTraffic ? 620 : 490;
  const svg = create('svg').attr('class', 'load-legend').attr('width', width).attr('height', 40).attr('viewBox', `0 0 ${width} 40`).attr('role', 'img').attr('aria-label', `${caption}: 0% light yellow to 100% dark red; outlined at or over ${Math.round(LINK_PRESSURE * 100)}%`);
  svg.append('text').attr('class', 'legend-scale-caption').attr('x', 0).attr('y', 11).text(caption);
  const ramp = svg.append('g').attr('transform', 'translate(0,16)');
  for (let i = 0; i < steps; i++) {
    ramp.append('rect').attr('class', 'ramp-step').attr('x', (i * rampWidth) / steps).attr('y', 0).attr('width', rampWidth / steps + 0.5).attr('height', 10).attr('fill', loadColor((i + 0.5) / steps));
  }
  const px = LINK_PRESSURE * rampWidth;
  ramp.append('line').attr('x1', px).attr('x2', px).attr('y1', -3).attr('y2', 13).attr('stroke', PRESSURE_OUTLINE).attr('stroke-width', 1.5);
  for (const [t, label] of [[0, '0%'], [0.5, '50%'], [LINK_PRESSURE, `${Math.round(LINK_PRESSURE * 100)}%`], [1, '100%']] as const) {
    ramp.append('text').attr('class', 'legend-tick').attr('x', t * rampWidth).attr('y', 22).attr('text-anchor', t === 0 ? 'start' : t === 1 ? 'end' : 'middle').text(label);
  }
  let x = rampWidth + 20;
  const swatch = (fill: string, stroke: string, text: string) => {
    svg.append('rect').attr('x', x).attr('y', 16).attr('width', 16).attr('height', 10).attr('fill', fill).attr('stroke', stroke).attr('stroke-width', stroke === PRESSURE_OUTLINE ? 1.5 : 1);
    svg.append('text').attr('class', 'legend-tick').attr('x', x + 21).attr('y', 25).text(text);
    x += 26 + text.length * 6.2;
  };
  swatch(loadColor(0.9), PRESSURE_OUTLINE, pressureText);
  if (withNoTraffic) swatch(NO_TRAFFIC, '#bbb', 'no traffic');
  return svg.node()!;
}
