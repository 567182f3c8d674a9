import { PRIORITY } from '../kernel/event-queue.js';
import type { RandomStreams } from '../kernel/random-streams.js';
import type { Kernel } from '../kernel/simulation-clock.js';
import type { Scenario } from '../scenario/scenario-types.js';
import { interarrivalSampler } from './arrivals.js';
import { lengthSampler } from './token-lengths.js';
import type { WorkloadData } from './workload-data.js';
import type { PrefixChain } from '../replica/prefix-cache.js';
import { PrefixChains, turnChain, UNSHARED_CHAIN, type Conversation } from './prefix-workload.js';

/** Named random streams of the workload: one per concern, so changing one never reshuffles another. */
export const WORKLOAD_STREAMS = {
  arrivals: 'arrivals',
  inputTokens: 'input-tokens',
  outputTokens: 'output-tokens',
  prefix: 'prefix-groups',
  sessionThink: 'session-think',
} as const;

export interface ArrivalHooks {
  /**
   * A request arrives now with these lengths; `client` is its closed-loop client, or -1; `prefix`
   * its prompt's segment chain (null: the workload shares nothing), `session` its conversation (-1: none).
   */
  dispatch(promptTokens: number, outputTokens: number, client: number, prefix: PrefixChain | null, session: number): void;
  /** How many requests have arrived so far. */
  arrived(): number;
}

/** What to call when a request is done: its client has the reply `replyDelay` seconds from now. */
export type RequestDone = (request: { client: number; session: number }, replyDelay: number) => void;

/**
 * Puts the scenario's arrival process on the kernel: the next arrival is scheduled when the
 * current one happens (one pending arrival event at a time), until stop.requests arrivals or
 * stop.duration. Returns what to call when a request finishes, for closed loops (its client gets
 * the reply, thinks, then sends again) and conversations (the next turn comes after the user
 * thinks); null when nothing waits for replies.
 */
export function scheduleArrivals(
  kernel: Kernel,
  scenario: Scenario,
  data: WorkloadData,
  streams: RandomStreams,
  hooks: ArrivalHooks,
): RequestDone | null {
  const { workload, stop } = scenario;
  const maxRequests = stop.requests ?? Infinity;
  const endOfArrivals = stop.duration ?? Infinity;
  const mayArrive = (time: number): boolean => hooks.arrived() < maxRequests && time <= endOfArrivals;
  const arrival = workload.arrival;
  const chains = new PrefixChains();

  if (arrival.process === 'trace') {
    const trace = data.trace;
    if (trace === null) throw new Error(`trace ${arrival.file} was not loaded`);
    const withPrefixes = trace.prefixBlocks !== undefined && trace.prefixBlocks !== null;
    let i = 0;
    const arriveNext = (): void => {
      hooks.dispatch(trace.inputTokens[i]!, trace.outputTokens[i]!, -1, withPrefixes ? chains.traceChain(trace, i) : null, -1);
      i++;
      if (i < trace.arrivals.length && mayArrive(trace.arrivals[i]!)) kernel.at(trace.arrivals[i]!, 'arrival', arriveNext);
    };
    if (trace.arrivals.length > 0 && mayArrive(trace.arrivals[0]!)) kernel.at(trace.arrivals[0]!, 'arrival', arriveNext);
    return null;
  }

  const nextInput = lengthSampler(workload.inputTokens, streams.stream(WORKLOAD_STREAMS.inputTokens), data.inputSamples);
  const nextOutput = lengthSampler(workload.outputTokens, streams.stream(WORKLOAD_STREAMS.outputTokens), data.outputSamples);
  const { prefix, sessions } = workload;
  const prefixStream = prefix === null ? null : streams.stream(WORKLOAD_STREAMS.prefix);
  const thinkStream = sessions === null ? null : streams.stream(WORKLOAD_STREAMS.sessionThink);
  const maxModelLen = scenario.serving.maxModelLen;
  const conversations = new Map<number, Conversation>();
  let nextConversation = 0;

  /** A new request (or a conversation's first turn): a shared prefix in front of a share of them. */
  const sendNew = (client: number): void => {
    let group = -1;
    if (prefixStream !== null && prefixStream() < prefix!.share) group = Math.floor(prefixStream() * prefix!.groups);
    const shared = group < 0 ? 0 : prefix!.tokens;
    const prompt = shared + nextInput();
    const output = nextOutput();
    if (sessions === null) {
      const chain = prefix === null ? null : group < 0 ? UNSHARED_CHAIN : chains.groupChain(group, shared);
      hooks.dispatch(prompt, output, client, chain, -1);
      return;
    }
    const c: Conversation = { id: nextConversation++, client, turns: 1, keys: [], ends: [], pendingKey: chains.freshKey(), pendingEnd: prompt + output };
    if (group >= 0) {
      c.keys.push(chains.groupKey(group));
      c.ends.push(shared);
    }
    conversations.set(c.id, c);
    hooks.dispatch(prompt, output, client, turnChain(c, c.pendingKey), c.id);
  };

  /** The conversation's next turn: all it said and heard so far, then a new message; false when it is over. */
  const sendTurn = (c: Conversation): boolean => {
    if (c.turns >= sessions!.turns) return false;
    const prompt = c.pendingEnd + nextInput();
    const output = nextOutput();
    // A conversation that outgrows the context window ends (applications start a new one).
    if (prompt + output > maxModelLen) return false;
    c.keys.push(c.pendingKey);
    c.ends.push(c.pendingEnd);
    c.turns++;
    c.pendingKey = chains.freshKey();
    c.pendingEnd = prompt + output;
    hooks.dispatch(prompt, output, c.client, turnChain(c, c.pendingKey), c.id);
    return true;
  };

  /** A conversation's turn is done: after the user thinks, its next turn, or (closed loop) the client's next conversation. */
  const conversationDone = (session: number, replyDelay: number, next: (client: number) => void): void => {
    const c = conversations.get(session);
    if (c === undefined) return;
    const think = -Math.log(1 - thinkStream!()) * sessions!.thinkTimeSeconds;
    kernel.after(replyDelay + think, 'arrival', () => {
      if (!mayArrive(kernel.now)) {
        conversations.delete(session);
        return;
      }
      if (sendTurn(c)) return;
      conversations.delete(session);
      if (c.client >= 0) next(c.client);
    }, PRIORITY.NORMAL);
  };

  if (arrival.process === 'closed') {
    const send = (client: number) => (): void => {
      if (mayArrive(kernel.now)) sendNew(client);
    };
    for (let c = 0; c < arrival.concurrency; c++) kernel.at(0, 'arrival', send(c));
    return (request, replyDelay) => {
      if (request.session >= 0) conversationDone(request.session, replyDelay, (client) => send(client)());
      else if (request.client >= 0) kernel.after(replyDelay + arrival.thinkTime, 'arrival', send(request.client), PRIORITY.NORMAL);
    };
  }

  const gap = interarrivalSampler(arrival, streams.stream(WORKLOAD_STREAMS.arrivals));
  const arriveNext = (): void => {
    // Conversations' later turns count toward stop.requests too: one may have taken the last place.
    if (!mayArrive(kernel.now)) return;
    sendNew(-1);
    const at = kernel.now + gap();
    if (mayArrive(at)) kernel.at(at, 'arrival', arriveNext);
  };
  const first = gap();
  if (mayArrive(first)) kernel.at(first, 'arrival', arriveNext);
  return sessions === null ? null : (request, replyDelay) => {
    if (request.session >= 0) conversationDone(request.session, replyDelay, () => undefined);
  };
}
