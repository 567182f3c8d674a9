/**
 * The one ordering rule of the simulator: events fire in order of (time, priority, sequence).
 * `sequence` is the scheduling order, so events at the same time and priority fire first-scheduled
 * first. Lower priority numbers fire first.
 */
export const PRIORITY = {
  /** Before anything else at the same instant (e.g. a failure that must preempt work). */
  URGENT: 0,
  /** Work finishing (a batch ends) before new work arrives at the same instant. */
  COMPLETION: 1,
  NORMAL: 2,
  /** Bookkeeping that should observe everything else at that instant. */
  LATE: 3,
} as const;
export type Priority = (typeof PRIORITY)[keyof typeof PRIORITY];

export interface QueuedEvent {
  readonly time: number;
  readonly priority: number;
  readonly sequence: number;
}

/** True when a fires before b. */
export function firesBefore(a: QueuedEvent, b: QueuedEvent): boolean {
  if (a.time !== b.time) return a.time < b.time;
  if (a.priority !== b.priority) return a.priority < b.priority;
  return a.sequence < b.sequence;
}

/** Binary min-heap under `firesBefore`. Sift loops are written out for speed (millions of pops). */
export class EventQueue<E extends QueuedEvent> {
  private readonly heap: E[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(event: E): void {
    const heap = this.heap;
    heap.push(event);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (!firesBefore(event, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = event;
  }

  peek(): E | undefined {
    // Never read past the end: an out-of-bounds read deoptimises every optimised caller (the
    // kernel's loop and the replica's step end inline this) the first time the queue runs dry.
    const heap = this.heap;
    return heap.length > 0 ? heap[0] : undefined;
  }

  pop(): E | undefined {
    const heap = this.heap;
    if (heap.length === 0) return undefined;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length === 0) return top;
    const n = heap.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let child = l;
      let c = heap[l]!;
      if (r < n && firesBefore(heap[r]!, c)) {
        child = r;
        c = heap[r]!;
      }
      if (!firesBefore(c, last)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}
