import type { Sequence } from './sequence.js';

/** A double-ended queue on a growable ring buffer: the waiting queue (preempted go to the front). */
export class SequenceDeque {
  private buffer: (Sequence | undefined)[] = new Array(16);
  private head = 0;
  private n = 0;

  get length(): number {
    return this.n;
  }

  peekFront(): Sequence | undefined {
    return this.n === 0 ? undefined : this.buffer[this.head];
  }

  pushBack(seq: Sequence): void {
    this.ensureRoom();
    this.buffer[(this.head + this.n) & (this.buffer.length - 1)] = seq;
    this.n++;
  }

  pushFront(seq: Sequence): void {
    this.ensureRoom();
    this.head = (this.head - 1) & (this.buffer.length - 1);
    this.buffer[this.head] = seq;
    this.n++;
  }

  /** Takes every sequence out, front to back. */
  drain(): Sequence[] {
    const out: Sequence[] = [];
    for (let seq = this.popFront(); seq !== undefined; seq = this.popFront()) out.push(seq);
    return out;
  }

  popFront(): Sequence | undefined {
    if (this.n === 0) return undefined;
    const seq = this.buffer[this.head];
    this.buffer[this.head] = undefined;
    this.head = (this.head + 1) & (this.buffer.length - 1);
    this.n--;
    return seq;
  }

  private ensureRoom(): void {
    if (this.n < this.buffer.length) return;
    const bigger: (Sequence | undefined)[] = new Array(this.buffer.length * 2);
    for (let i = 0; i < this.n; i++) bigger[i] = this.buffer[(this.head + i) & (this.buffer.length - 1)];
    this.buffer = bigger;
    this.head = 0;
  }
}

/** The running sequences of a replica in admission order; the tail is the first to be preempted. */
export class RunningList {
  head: Sequence | null = null;
  tail: Sequence | null = null;
  length = 0;

  append(seq: Sequence): void {
    seq.prev = this.tail;
    seq.next = null;
    if (this.tail) this.tail.next = seq;
    else this.head = seq;
    this.tail = seq;
    this.length++;
  }

  /** Takes every sequence out, in admission order. */
  drain(): Sequence[] {
    const out: Sequence[] = [];
    for (let seq = this.head; seq !== null; ) {
      const next = seq.next;
      seq.prev = null;
      seq.next = null;
      out.push(seq);
      seq = next;
    }
    this.head = this.tail = null;
    this.length = 0;
    return out;
  }

  remove(seq: Sequence): void {
    if (seq.prev) seq.prev.next = seq.next;
    else this.head = seq.next;
    if (seq.next) seq.next.prev = seq.prev;
    else this.tail = seq.prev;
    seq.prev = null;
    seq.next = null;
    this.length--;
  }
}
