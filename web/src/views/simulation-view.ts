import type { SimulationResult } from '../../../engine/simulation-result.js';
import { drawReplicaStrip } from '../charts/replica-strip.js';
import type { StyledTimeLine } from '../charts/time-series.js';
import { formatCount, formatGiB, formatSeconds } from '../format.js';
import { INK, OKABE_ITO, replicaLineStyle } from '../palette.js';
import { headlineCards } from '../shape/headline.js';
import { replicaStrip } from '../shape/replica-strip.js';
import type { Labelled } from '../shape/report-sections.js';
import { calibrationNotices, calibrationOf, describeEngines } from '../shape/scenario-summary.js';
import { MAX_REPLICA_LINES, simulationTimeLines } from '../shape/time-series.js';
import { cards } from '../ui/cards.js';
import { h } from '../ui/dom.js';
import { drawOnResize, figure } from '../ui/figure.js';
import type { LegendItem } from '../ui/legend.js';
import { notices } from '../ui/notices.js';
import { scenarioPanel } from '../ui/scenario-panel.js';
import { SeriesVisibility } from '../ui/series-visibility.js';
import { simulationVerdict } from '../shape/verdict.js';
import { verdictLine } from '../ui/verdict.js';
import { latencyPanel } from './latency-panel.js';
import { simulationSectionPanels } from './simulation-sections-panel.js';
import { timeSeriesPanel } from './time-series-panel.js';

/** The colour of replica i's line: the palette while replicas are few, grey when they form a band. */
function replicaStyle(i: number, replicas: number): { color: string; dash: string; width: number } {
  return replicas > MAX_REPLICA_LINES ? { color: '#9a9a9a', dash: '', width: 1 } : { ...replicaLineStyle(i), width: 1.25 };
}

/** One simulation result: cards, latency CDFs, time series with zoom, replica strip, the optional sections (pools, fabric, failures, autoscaling), scenario. */
export function simulationView(parent: HTMLElement, entry: Labelled<SimulationResult>): void {
  const { result } = entry;
  const view = h('article', { class: 'view view-simulation', attrs: { 'data-view': 'simulation' } });
  parent.appendChild(view);
  const visibility = new SeriesVisibility(view);
  const s = result.scenario;
  const gpus = s.cluster.nodes * s.cluster.gpusPerNode;
  view.append(
    h('h2', {}, entry.label),
    verdictLine(simulationVerdict(result)),
    h(
      'p',
      { class: 'subtitle' },
      `Simulation of ${s.model.name} on ${gpus} × ${s.cluster.gpu.name} (${describeEngines(s)}), seed ${result.seed}: ` +
        `${formatCount(result.requests.arrived)} requests over ${formatSeconds(result.run.simulatedSeconds)} of serving. From ${entry.file}.`,
    ),
    ...notices(calibrationNotices([entry]), 'calibration'),
    cards(headlineCards(result), 'Headline figures'),
  );

  latencyPanel(view, [{ key: 'result-0', label: entry.label, color: OKABE_ITO[0], dash: '', result }]);

  const replicas = result.timeSeries.perReplica.length;
  const legendItems: LegendItem[] = [{ key: 'total', label: replicas > 1 ? 'Total (KV: mean) of replicas' : 'Total', color: INK, width: 2.5 }];
  if (replicas > 1 && replicas <= MAX_REPLICA_LINES) {
    for (let i = 0; i < replicas; i++) legendItems.push({ key: `replica-${i}`, label: `Replica ${i}`, ...replicaStyle(i, replicas) });
  } else if (replicas > MAX_REPLICA_LINES) {
    legendItems.push({ key: 'replicas', label: `Replicas 0–${replicas - 1}`, ...replicaStyle(0, replicas) });
  }
  timeSeriesPanel(
    view,
    (metric) =>
      simulationTimeLines(result, metric).map((line, i): StyledTimeLine => {
        if (line.key === 'total') return { ...line, color: INK, dash: '', width: 2.5, seriesKey: 'total', inTooltip: true };
        const grouped = replicas > MAX_REPLICA_LINES;
        return { ...line, ...replicaStyle(i - 1, replicas), seriesKey: grouped ? 'replicas' : line.key, inTooltip: !grouped };
      }),
    legendItems,
    visibility,
  );

  const strip = replicaStrip(result);
  const stripSection = h('section', { class: 'panel' }, h('h3', {}, 'Utilisation per replica'), h('p', { class: 'strip-summary' }, strip.summary));
  view.appendChild(stripSection);
  const f = figure(stripSection, 'replica-strip', 'Per replica', 'colour: light = high (busy, KV); purple/orange = fewer/more requests than an even share');
  f.plot.classList.add('scroll-x');
  drawOnResize(f.plot, (width) => drawReplicaStrip(f.plot, width, strip));
  stripSection.appendChild(
    h(
      'p',
      { class: 'hint' },
      `Memory per GPU: ${formatGiB(result.memory.weightGiBPerGpu)} weights, ${formatGiB(result.memory.activationGiBPerGpu)} activations, ${formatGiB(result.memory.kvGiBPerGpu)} KV cache = ${formatCount(result.memory.kvTokensPerReplica)} tokens per replica.`,
    ),
  );

  simulationSectionPanels(view, result, visibility);

  view.appendChild(scenarioPanel(s, undefined, calibrationOf(result)));
}
