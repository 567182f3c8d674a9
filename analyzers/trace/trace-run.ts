import type { DropReason, Replica } from '../../engine/replica/replica.js';
import type { Sequence } from '../../engine/replica/sequence.js';
import type { Scenario } from '../../engine/scenario/scenario-types.js';
import type { SimulationResult } from '../../engine/simulation-result.js';
import { simulate } from '../../engine/simulate.js';
import type { StepBatch } from '../../engine/step-time/step-time-model.js';
import { NO_WORKLOAD_DATA, type WorkloadData } from '../../engine/workload/workload-data.js';

/**
 * A run as a Chrome / Perfetto trace-event file (the JSON "Trace Event Format" that
 * ui.perfetto.dev and chrome://tracing open): each engine's steps with their batch composition,
 * its queue, running and KV levels as counters, each request's queued / prefill / decode spans,
 * and the router's decision per request with its reason. So an engineer can see why a request
 * waited: which steps it sat behind, what they held, what the router saw when it chose.
 *
 * Bounded: only what starts inside the window is kept, and at most `maxEvents` events (the rest
 * of the run is simulated as usual, and the file says where it stopped recording).
 */
export interface TraceWindow {
  /** Simulated seconds; events that start in [from, to) are kept. */
  from: number;
  to: number;
  maxEvents: number;
}

export const DEFAULT_TRACE_EVENTS = 200_000;

/** One trace event (the fields this writer uses of the format). Times are microseconds. */
export interface TraceEvent {
  ph: 'X' | 'b' | 'e' | 'i' | 'C' | 'M';
  name: string;
  pid: number;
  tid?: number;
  ts?: number;
  dur?: number;
  cat?: string;
  id?: number;
  s?: 'g' | 'p' | 't';
  args?: Record<string, number | string>;
}

export interface TraceFile {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ms';
  otherData: {
    generator: string;
    scenario: string;
    seed: number;
    window: { fromSeconds: number; toSeconds: number };
    events: number;
    /** Simulated time at which the event cap stopped the recording, or null when everything in the window is there. */
    truncatedAtSeconds: number | null;
  };
}

const ROUTER_PID = 0;
const STEPS_TID = 1;
const us = (seconds: number) => Math.round(seconds * 1e9) / 1e3;

/** Simulates `scenario` while recording its trace; the result is the one `simulate` returns. */
export function traceRun(scenario: Scenario, data: WorkloadData = NO_WORKLOAD_DATA, window: TraceWindow): { result: SimulationResult; trace: TraceFile } {
  const events: TraceEvent[] = [];
  let truncatedAt: number | null = null;
  const inWindow = (t: number) => t >= window.from && t < window.to;
  const push = (time: number, ...added: TraceEvent[]): void => {
    if (truncatedAt !== null) return;
    if (events.length + added.length > window.maxEvents) {
      truncatedAt = time;
      return;
    }
    events.push(...added);
  };
  const named = new Set<number>();
  const nameEngine = (replica: Replica) => {
    const pid = replica.index + 1;
    if (named.has(pid)) return pid;
    named.add(pid);
    events.push(
      { ph: 'M', name: 'process_name', pid, args: { name: `engine ${replica.index}` } },
      { ph: 'M', name: 'process_sort_index', pid, args: { sort_index: pid } },
      { ph: 'M', name: 'thread_name', pid, tid: STEPS_TID, args: { name: 'steps' } },
    );
    return pid;
  };
  events.push(
    { ph: 'M', name: 'process_name', pid: ROUTER_PID, args: { name: 'router' } },
    { ph: 'M', name: 'thread_name', pid: ROUTER_PID, tid: 1, args: { name: 'decisions' } },
  );

  const onRoute = (seq: Sequence, replica: Replica, reason: string, time: number) => {
    if (!inWindow(time)) return;
    push(time, {
      ph: 'i',
      s: 't',
      name: `request ${seq.id} -> engine ${replica.index}`,
      cat: 'router',
      pid: ROUTER_PID,
      tid: 1,
      ts: us(time),
      args: { request: seq.id, engine: replica.index, reason, promptTokens: seq.promptTokens, outputTokens: seq.outputTokens },
    });
  };

  const afterStep = (replica: Replica, end: number, batch: Readonly<StepBatch>) => {
    const start = replica.stepStartedAt;
    if (!inWindow(start)) return;
    const pid = nameEngine(replica);
    const st = replica.lastStepTime;
    const communication = st === null ? 0 : st.layers * st.perLayer.communicationSeconds;
    const parts = [
      batch.prefillTokens > 0 ? `prefill ${batch.prefillTokens} (${batch.prefillSeqs} seq)` : '',
      batch.decodeSeqs > 0 ? `decode ${batch.decodeSeqs}` : '',
    ].filter((p) => p !== '');
    push(
      end,
      {
        ph: 'X',
        name: parts.join(' + '),
        cat: 'step',
        pid,
        tid: STEPS_TID,
        ts: us(start),
        dur: us(end - start),
        args: {
          prefillTokens: batch.prefillTokens,
          prefillSeqs: batch.prefillSeqs,
          prefillContextTokens: batch.prefillContextTokens,
          decodeSeqs: batch.decodeSeqs,
          decodeContextTokens: batch.decodeContextTokens,
          bound: st?.bound ?? 'unknown',
          communicationMs: Math.round(communication * 1e6) / 1e3,
          waitingAfter: replica.waiting.length,
          runningAfter: replica.running.length,
        },
      },
      { ph: 'C', name: 'requests', pid, ts: us(end), args: { waiting: replica.waiting.length, running: replica.running.length } },
      { ph: 'C', name: 'KV cache usage', pid, ts: us(end), args: { used: Math.round((1e4 * replica.kv.used) / replica.kv.capacity) / 1e4 } },
    );
  };

  const onRequestEnd = (seq: Sequence, time: number, replica: Replica | null, dropped: DropReason | null) => {
    if (!inWindow(seq.arrivalTime)) return;
    if (replica === null) {
      push(time, { ph: 'i', s: 'g', name: `request ${seq.id} dropped: ${dropped}`, cat: 'request', pid: ROUTER_PID, tid: 1, ts: us(time), args: { request: seq.id } });
      return;
    }
    const pid = nameEngine(replica);
    const span = (name: string, from: number, to: number): TraceEvent[] => [
      { ph: 'b', name, cat: 'request', id: seq.id, pid, ts: us(from) },
      { ph: 'e', name, cat: 'request', id: seq.id, pid, ts: us(to) },
    ];
    const whole = span(`request ${seq.id}`, seq.arrivalTime, time);
    whole[0]!.args = { promptTokens: seq.promptTokens, outputTokens: seq.outputTokens, preemptions: seq.preemptions };
    push(
      time,
      whole[0]!,
      ...span('queued', seq.arrivalTime, seq.scheduledAt),
      ...span('prefill', seq.scheduledAt, seq.firstTokenAt),
      ...span('decode', seq.firstTokenAt, time),
      whole[1]!,
    );
  };

  const result = simulate(scenario, data, { onRoute, afterStep, onRequestEnd });
  return {
    result,
    trace: {
      traceEvents: events,
      displayTimeUnit: 'ms',
      otherData: {
        generator: 'headroom simulate --trace',
        scenario: scenario.name,
        seed: scenario.seed,
        window: { fromSeconds: window.from, toSeconds: Math.min(window.to, result.run.simulatedSeconds) },
        events: events.length,
        truncatedAtSeconds: truncatedAt,
      },
    },
  };
}
