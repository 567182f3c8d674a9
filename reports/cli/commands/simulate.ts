import { parseDuration } from '../../../engine/scenario/duration.js';
import { loadScenario } from '../../../engine/scenario/load-scenario.js';
import { simulate, simulateWithVllmMetrics } from '../../../engine/simulate.js';
import { DEFAULT_TRACE_EVENTS, traceRun, type TraceWindow } from '../../../analyzers/trace/trace-run.js';
import { formatPrometheus } from '../../writers/prometheus.js';
import { formatSimulationSummary } from '../../writers/terminal-table.js';
import { writeFileAtomically } from '../../write-file-atomically.js';
import { EXIT, ExitError } from '../exit-codes.js';
import { checkDistinctPaths, checkOutputPath, emit } from '../output.js';

export interface SimulateCommandOptions {
  set: string[];
  seed?: number;
  json?: boolean;
  output?: string;
  metrics?: string;
  trace?: string;
  traceWindow?: string;
}

/** `--trace-window from:to` (durations; either side may be empty) -> seconds, or exit 2 saying what was expected. */
export function parseTraceWindow(text: string | undefined): TraceWindow {
  const window: TraceWindow = { from: 0, to: Infinity, maxEvents: DEFAULT_TRACE_EVENTS };
  if (text === undefined) return window;
  const parts = text.split(':');
  const bad = (why: string): never => {
    throw new ExitError(EXIT.INVALID_INPUT, `--trace-window ${JSON.stringify(text)}: expected from:to with durations like 30s:2m (either side may be empty), ${why}`);
  };
  if (parts.length !== 2) bad('got no single ":"');
  const side = (part: string, fallback: number): number => {
    if (part.trim() === '') return fallback;
    const d = parseDuration(/^\s*[\d.]+\s*$/.test(part) ? Number(part) : part);
    return d.ok ? d.seconds : bad(`got ${JSON.stringify(part)}`);
  };
  window.from = side(parts[0]!, 0);
  window.to = side(parts[1]!, Infinity);
  if (!(window.to > window.from)) bad('got an empty window');
  return window;
}

/** `headroom simulate <scenario>`: one seeded run, summarized or as JSON. */
export function simulateCommand(file: string, options: SimulateCommandOptions): void {
  checkOutputPath(options.output);
  checkOutputPath(options.metrics, '--metrics');
  checkOutputPath(options.trace, '--trace');
  checkDistinctPaths(
    [
      { flag: '-o', path: options.output },
      { flag: '--metrics', path: options.metrics },
      { flag: '--trace', path: options.trace },
    ],
    [file],
  );
  if (options.traceWindow !== undefined && options.trace === undefined) throw new ExitError(EXIT.INVALID_INPUT, '--trace-window needs --trace <file>');
  const window = parseTraceWindow(options.traceWindow);
  const started = performance.now();
  const { scenario, data } = loadScenario(file, { sets: options.set, ...(options.seed !== undefined ? { seed: options.seed } : {}) });
  // Each export records during its own run: the runs are the same (same seed), the recorders differ.
  const result = options.metrics === undefined && options.trace === undefined ? simulate(scenario, data) : null;
  const withMetrics = options.metrics === undefined ? null : simulateWithVllmMetrics(scenario, data);
  const traced = options.trace === undefined ? null : traceRun(scenario, data, window);
  const run = result ?? withMetrics?.result ?? traced!.result;
  const wall = (performance.now() - started) / 1000;
  const write = (flag: string, path: string, text: string) => {
    try {
      writeFileAtomically(path, text);
    } catch (error) {
      throw new ExitError(EXIT.INVALID_INPUT, `${flag} ${path}: cannot write (${(error as Error).message})`);
    }
  };
  if (withMetrics !== null) write('--metrics', options.metrics!, formatPrometheus(withMetrics.metrics));
  if (traced !== null) write('--trace', options.trace!, `${JSON.stringify(traced.trace)}\n`);
  const traceNote = () => {
    if (traced === null) return '';
    const o = traced.trace.otherData;
    const cut = o.truncatedAtSeconds === null ? '' : ` (stopped recording at ${o.truncatedAtSeconds.toFixed(1)} s: ${DEFAULT_TRACE_EVENTS} events; narrow --trace-window)`;
    return `  trace: ${o.events} events in ${o.window.fromSeconds}-${o.window.toSeconds.toFixed(1)} s written to ${options.trace}${cut}; open it in ui.perfetto.dev\n`;
  };
  emit(run, () => `${formatSimulationSummary(run)}  wall time ${wall.toFixed(2)} s\n${traceNote()}`, options);
}
