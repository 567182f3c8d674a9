import type { ReportableResult, ReportPayload } from '../payload.js';
import { entryLabels, reportSections } from '../shape/report-sections.js';
import { h } from '../ui/dom.js';
import { calibrationView } from './calibration-view.js';
import { concurrencySweepView } from './concurrency-sweep-view.js';
import { fabricComparisonView } from './fabric-comparison-view.js';
import { fabricView } from './fabric-view.js';
import { saturationOverlayView } from './saturation-overlay-view.js';
import { saturationView } from './saturation-view.js';
import { simulationComparisonView } from './simulation-comparison-view.js';
import { simulationView } from './simulation-view.js';
import { survivalView } from './survival-view.js';
import { varyComparisonView } from './vary-comparison-view.js';

/** What the header calls each kind of result; typed so that a new kind cannot go unnamed. */
export const KIND_NAMES: Record<ReportableResult['kind'], string> = {
  simulation: 'simulation',
  saturation: 'saturation analysis',
  'saturation-comparison': '--vary comparison',
  'concurrency-sweep': 'concurrency sweep',
  calibration: 'calibration check',
  fabric: 'fabric pressure analysis',
  survivability: 'survivability analysis',
};

/** renderReport(root, payload) -> the whole page: header, one view per section, footer. */
export function renderReport(root: HTMLElement, payload: ReportPayload): void {
  const labels = entryLabels(payload.entries);
  document.title = `Headroom report: ${labels.join(' vs ')}`;
  const files = h('ul', { class: 'file-list' }, ...payload.entries.map((e, i) => h('li', {}, h('code', {}, e.file), ` ${KIND_NAMES[e.result.kind]}: ${labels[i]}`)));
  root.replaceChildren(
    h('header', { class: 'report-header' }, h('h1', {}, 'Headroom report'), files),
  );
  for (const section of reportSections(payload.entries)) {
    if (section.kind === 'simulation') {
      if (section.entries.length === 1) simulationView(root, section.entries[0]!);
      else simulationComparisonView(root, section.entries);
    } else if (section.kind === 'saturation') {
      if (section.entries.length === 1) saturationView(root, section.entries[0]!);
      else saturationOverlayView(root, section.entries, `${section.entries.length} saturation analyses compared`);
    } else if (section.kind === 'saturation-comparison') varyComparisonView(root, section.entries[0]);
    else if (section.kind === 'calibration') calibrationView(root, section.entries);
    else if (section.kind === 'fabric') fabricView(root, section.entries[0]);
    else if (section.kind === 'fabric-comparison') fabricComparisonView(root, section.entries[0]);
    else if (section.kind === 'survivability') survivalView(root, section.entries[0]);
    else concurrencySweepView(root, section.entries[0]);
  }
  // Strings only (text nodes): the command line may hold anything a shell accepts.
  const madeBy = payload.madeBy;
  const made = madeBy && typeof madeBy.command === 'string' ? h('p', { class: 'made-by' }, 'made by ', h('code', {}, `\`${madeBy.command}\``), ` at ${String(madeBy.at)}`) : null;
  root.appendChild(
    h(
      'footer',
      { class: 'report-footer' },
      made,
      `Written by ${payload.generator}. This file is self-contained: it loads nothing from the network or disk, so it opens anywhere, offline, as it is.`,
    ),
  );
}
