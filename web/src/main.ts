import './styles.css';
import { PAYLOAD_ELEMENT_ID, type ReportPayload } from './payload.js';
import { h } from './ui/dom.js';
import { renderReport } from './views/render-report.js';

/**
 * The report app's entry: reads the result JSON that `headroom report` embedded in the page,
 * draws the views its results call for, and marks the moment the first render is done
 * (performance mark "headroom:rendered", <html data-rendered>) for tests and timing.
 */
function readPayload(): ReportPayload | string {
  const text = document.getElementById(PAYLOAD_ELEMENT_ID)?.textContent ?? '';
  if (text.trim() === '') return 'This page holds no result. Write a report with: headroom report result.json -o report.html';
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    return 'The result embedded in this page is not valid JSON.';
  }
  const p = payload as Partial<ReportPayload> | null;
  if (!p || p.format !== 'headroom-report' || !Array.isArray(p.entries) || p.entries.length === 0) return 'The data embedded in this page is not a Headroom report.';
  return p as ReportPayload;
}

const root = document.getElementById('app')!;
const payload = readPayload();
if (typeof payload === 'string') {
  root.replaceChildren(h('p', { class: 'notice' }, payload));
} else {
  try {
    renderReport(root, payload);
  } catch (error) {
    root.appendChild(h('p', { class: 'notice' }, `The report could not be drawn: ${error instanceof Error ? error.message : String(error)}`));
    throw error;
  }
}
performance.mark('headroom:rendered');
document.documentElement.dataset.rendered = 'true';
