import { PRIORITY } from '../kernel/event-queue.js';
import type { RandomStreams } from '../kernel/random-streams.js';
import type { Kernel } from '../kernel/simulation-clock.js';
import type { Scenario } from '../scenario/scenario-types.js';
import { interarrivalSampler } from './arrivals.js';
import { lengthSampler } from './token-lengths.js';
import type { WorkloadData } from './workload-data.js';

/** Named random streams of the workload: one per concern, so changing one never reshuffles another. */
export const WORKLOAD_STREAMS = {
  arrivals: 'arrivals',
  inputTokens: 'input-tokens',
  outputTokens: 'output-tokens',
} as const;

export interface ArrivalHooks {
  /** A request arrives now with these lengths; `client` is its closed-loop client, or -1. */
  dispatch(promptTokens: number, outputTokens: number, client: number): void;
  /** How many requests have arrived so far. */
  arrived(): number;
}

/**
 * Puts the scenario's arrival process on the kernel: the next arrival is scheduled when the
 * current one happens (one pending arrival event at a time), until stop.requests arrivals or
 * stop.duration. Returns, for closed loops, what to call when a request finishes (its client
 * gets the reply `replyDelay` seconds later, thinks, then sends again); null for open loops.
 */
export function scheduleArrivals(
  kernel: Kernel,
  scenario: Scenario,
  data: WorkloadData,
  streams: RandomStreams,
  hooks: ArrivalHooks,
): ((client: number, replyDelay: number) => void) | null {
  const { workload, stop } = scenario;
  const maxRequests = stop.requests ?? Infinity;
  const endOfArrivals = stop.duration ?? Infinity;
  const mayArrive = (time: number): boolean => hooks.arrived() < maxRequests && time <= endOfArrivals;
  const arrival = workload.arrival;

  if (arrival.process === 'trace') {
    const trace = data.trace;
    if (trace === null) throw new Error(`trace ${arrival.file} was not loaded`);
    let i = 0;
    const arriveNext = (): void => {
      hooks.dispatch(trace.inputTokens[i]!, trace.outputTokens[i]!, -1);
      i++;
      if (i < trace.arrivals.length && mayArrive(trace.arrivals[i]!)) kernel.at(trace.arrivals[i]!, 'arrival', arriveNext);
    };
    if (trace.arrivals.length > 0 && mayArrive(trace.arrivals[0]!)) kernel.at(trace.arrivals[0]!, 'arrival', arriveNext);
    return null;
  }

  const nextInput = lengthSampler(workload.inputTokens, streams.stream(WORKLOAD_STREAMS.inputTokens), data.inputSamples);
  const nextOutput = lengthSampler(workload.outputTokens, streams.stream(WORKLOAD_STREAMS.outputTokens), data.outputSamples);
  if (arrival.process === 'closed') {
    const send = (client: number) => (): void => {
      if (mayArrive(kernel.now)) hooks.dispatch(nextInput(), nextOutput(), client);
    };
    for (let c = 0; c < arrival.concurrency; c++) kernel.at(0, 'arrival', send(c));
    return (client, replyDelay) => void kernel.after(replyDelay + arrival.thinkTime, 'arrival', send(client), PRIORITY.NORMAL);
  }

  const gap = interarrivalSampler(arrival, streams.stream(WORKLOAD_STREAMS.arrivals));
  const arriveNext = (): void => {
    hooks.dispatch(nextInput(), nextOutput(), -1);
    const at = kernel.now + gap();
    if (mayArrive(at)) kernel.at(at, 'arrival', arriveNext);
  };
  const first = gap();
  if (mayArrive(first)) kernel.at(first, 'arrival', arriveNext);
  return null;
}
