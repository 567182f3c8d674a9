import { axisBottom, axisLeft, scaleBand, scaleLinear } from 'd3';
import type { EngineBar } from '../shape/fabric-engines.js';
import { hoverTooltip } from '../ui/hover-tooltip.js';
import type { Tooltip } from '../ui/tooltip.js';
import { axisTitles, chartFrame, frameWidth } from './chart-frame.js';
import { ROLE_COLORS } from './coupling-matrix.js';

export interface EngineBarsData {
  bars: EngineBar[];
  value: (b: EngineBar) => number;
  title: string;
  yTitle: string;
  yTick: (n: number) => string;
}

const MARGIN = { top: 12, right: 12, bottom: 40, left: 70 };
/** Narrowest bar slot; with more engines than fit, the chart scrolls sideways. */
const MIN_SLOT = 2;

/**
 * Draws one bar per engine (class `mark`, data-series its role so the legend can hide a pool),
 * coloured by role, against its engine index; each bar's title and tooltip carry every figure of
 * the engine.
 */
export function drawEngineBars(host: HTMLElement, width: number, data: EngineBarsData, tooltip: Tooltip, tooltipHost: HTMLElement): void {
  const slots = Math.max(1, data.bars.length);
  const w = Math.max(frameWidth(width), MARGIN.left + MARGIN.right + slots * MIN_SLOT);
  const frame = chartFrame(host, w, 220, MARGIN, data.title);
  host.classList.toggle('scroll-x', w > host.clientWidth && host.clientWidth > 0);
  const { plot, innerWidth, innerHeight } = frame;
  const x = scaleBand<number>().domain(data.bars.map((_, i) => i)).range([0, innerWidth]).paddingInner(data.bars.length > 64 ? 0.05 : 0.2);
  const max = Math.max(0, ...data.bars.map(data.value));
  const y = scaleLinear().domain([0, max > 0 ? max * 1.08 : 1]).range([innerHeight, 0]).nice();
  const every = Math.max(1, Math.ceil(28 / Math.max(1, x.bandwidth())));
  plot
    .append('g')
    .attr('class', 'axis axis-x')
    .attr('transform', `translate(0,${innerHeight})`)
    .call(
      axisBottom(x)
        .tickValues(x.domain().filter((i) => i % every === 0))
        .tickFormat((i) => String(data.bars[i]?.engine ?? i)),
    );
  plot.append('g').attr('class', 'axis axis-y').call(axisLeft(y).ticks(5).tickFormat((d) => data.yTick(Number(d))));
  axisTitles(frame, 'Engine', data.yTitle);
  const marks = plot
    .append('g')
    .attr('class', 'engine-bars')
    .selectAll<SVGRectElement, EngineBar>('rect')
    .data(data.bars)
    .join('rect')
    .attr('class', 'mark engine-bar')
    .attr('data-series', (b) => b.role)
    .attr('data-engine', (b) => String(b.engine))
    .attr('data-value', (b) => String(data.value(b)))
    .attr('x', (_, i) => x(i) ?? 0)
    .attr('width', x.bandwidth())
    .attr('y', (b) => y(data.value(b)))
    // A zero still shows a hairline, so a bar is never mistaken for a missing engine.
    .attr('height', (b) => Math.max(1, innerHeight - y(data.value(b))))
    .attr('fill', (b) => ROLE_COLORS[b.role]);
  marks.append('title').text((b) => b.title);
  const indexOf = new Map(data.bars.map((b, i) => [b, i]));
  hoverTooltip(
    marks,
    tooltip,
    tooltipHost,
    (b) => ({ title: b.name, rows: b.details.map(([label, value]) => ({ label, value })) }),
    (b) => indexOf.get(b) ?? -1,
  );
}
