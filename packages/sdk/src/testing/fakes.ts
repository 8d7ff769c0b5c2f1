/**
 * Fakes of the browser for the SDK's tests in Node: a clock with timers, a WebSocket, fetch, and a tiny DOM.
 * Not exported by the package.
 */
import type { Timers } from '../stream.js';

/** Lets pending promise chains run to completion. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A clock whose timers run only when the test advances it. */
export class FakeClock implements Timers {
  private timers: { id: number; at: number; callback: () => void }[] = [];
  private nextId = 1;

  constructor(public time = Date.UTC(2025, 0, 15, 3, 0, 0)) {}

  readonly now = (): number => this.time;

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ id, at: this.time + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Timers waiting, for assertions. */
  get pendingTimers(): number[] {
    return this.timers.map((t) => t.at - this.time).sort((a, b) => a - b);
  }

  /** Moves time forward, running each timer due on the way at its time, with promises settled between. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = due.at;
      due.callback();
    }
    this.time = target;
    await settle();
  }
}

/** A WebSocket the test opens, answers and breaks by hand. Every instance is kept in `instances`. */
export class FakeWebSocket {
  static instances: FakeWebSocket[] = [];
  static reset(): void {
    FakeWebSocket.instances = [];
  }
  static get last(): FakeWebSocket | undefined {
    return FakeWebSocket.instances.at(-1);
  }

  readyState = 0;
  sent: string[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;

  constructor(readonly url: string) {
    FakeWebSocket.instances.push(this);
  }

  /** Batches sent, parsed. */
  get messages(): { id: string; events: Record<string, unknown>[] }[] {
    return this.sent.map((s) => JSON.parse(s));
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('InvalidStateError: not open');
    this.sent.push(data);
  }

  close(): void {
    if (this.readyState >= 2) return;
    this.readyState = 3;
    this.onclose?.({});
  }

  // Driven by the test:
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  reply(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }

  /** Acknowledges a batch as the server would: all accepted. */
  ack(index = this.sent.length - 1): void {
    const { id, events } = this.messages[index];
    this.reply({ id, accepted: events.length, duplicates: 0, rejected: [] });
  }

  fail(): void {
    this.readyState = 3;
    this.onerror?.({});
    this.onclose?.({});
  }
}

export interface FetchCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: unknown;
}

type Answer = { status: number; body?: unknown } | Error;

/** fetch that records its calls and answers from a script (then with `fallback`). */
export class FakeFetch {
  calls: FetchCall[] = [];
  private script: Answer[] = [];

  constructor(private fallback: (call: FetchCall) => Answer = () => ({ status: 200, body: {} })) {}

  /** The next answers, in order; an Error is a network failure. */
  answer(...answers: Answer[]): this {
    this.script.push(...answers);
    return this;
  }

  /** Answers event batches as the server does: all accepted. */
  static events(): FakeFetch {
    return new FakeFetch((call) => ({
      status: 200,
      body: { accepted: (call.body as unknown[]).length, duplicates: 0, rejected: [] },
    }));
  }

  readonly fetch = (async (input: string, init: RequestInit = {}) => {
    const call: FetchCall = {
      url: String(input),
      method: init.method ?? 'GET',
      headers: { ...(init.headers as Record<string, string>) },
      ...(typeof init.body === 'string' ? { body: JSON.parse(init.body) } : {}),
    };
    this.calls.push(call);
    const answer = this.script.shift() ?? this.fallback(call);
    if (answer instanceof Error) throw answer;
    const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
    return {
      ok: answer.status >= 200 && answer.status < 300,
      status: answer.status,
      statusText: '',
      text: async () => text,
    } as Response;
  }) as typeof fetch;

  /** Event bodies of the calls so far. */
  get batches(): Record<string, unknown>[][] {
    return this.calls
      .filter((c) => c.url.includes('/v1/events'))
      .map((c) => c.body as Record<string, unknown>[]);
  }
}

// ── A tiny DOM: just what the widget uses ───────────────────────────────────────────────────────────────

export class FakeElement {
  readonly children: FakeElement[] = [];
  readonly attributes = new Map<string, string>();
  className = '';
  private text = '';
  private readonly listeners = new Map<string, Set<(event: unknown) => void>>();

  constructor(
    readonly tagName: string,
    readonly ownerDocument: FakeDocument,
  ) {}

  get textContent(): string {
    return this.text + this.children.map((c) => c.textContent).join('');
  }

  set textContent(value: string) {
    this.children.length = 0;
    this.text = value;
  }

  setAttribute(name: string, value: string): void {
    this.attributes.set(name, String(value));
  }

  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }

  appendChild<T extends FakeElement>(child: T): T {
    this.children.push(child);
    return child;
  }

  replaceChildren(...children: FakeElement[]): void {
    this.text = '';
    this.children.splice(0, this.children.length, ...children);
  }

  addEventListener(type: string, listener: (event: unknown) => void): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(listener);
  }

  removeEventListener(type: string, listener: (event: unknown) => void): void {
    this.listeners.get(type)?.delete(listener);
  }

  dispatch(type: string): void {
    for (const listener of this.listeners.get(type) ?? []) listener({ type });
  }

  listenerCount(type: string): number {
    return this.listeners.get(type)?.size ?? 0;
  }

  /** Descendants (self included) whose class list has the class. */
  findAll(className: string): FakeElement[] {
    const own = this.className.split(/\s+/).includes(className) ? [this] : [];
    return [...own, ...this.children.flatMap((c) => c.findAll(className))];
  }

  find(className: string): FakeElement | undefined {
    return this.findAll(className)[0];
  }
}

export class FakeDocument {
  createElement(tag: string): FakeElement {
    return new FakeElement(tag.toUpperCase(), this);
  }
}

/** An element to mount into, typed as the widget expects. */
export function fakeMount(): { el: FakeElement; html: HTMLElement } {
  const el = new FakeDocument().createElement('div');
  return { el, html: el as unknown as HTMLElement };
}

/** An IntersectionObserver whose entries the test delivers. */
export class FakeIntersectionObserver {
  static instances: FakeIntersectionObserver[] = [];
  observed: unknown[] = [];
  disconnected = false;

  constructor(
    private readonly callback: (entries: Partial<IntersectionObserverEntry>[]) => void,
    readonly options?: IntersectionObserverInit,
  ) {
    FakeIntersectionObserver.instances.push(this);
  }

  observe(target: unknown): void {
    this.observed.push(target);
  }

  disconnect(): void {
    this.disconnected = true;
  }

  /** Reports the observed element as this share visible. */
  show(ratio: number): void {
    if (this.disconnected) return;
    this.callback([
      {
        isIntersecting: ratio > 0,
        intersectionRatio: ratio,
        rootBounds: null,
        intersectionRect: { height: 0 } as DOMRectReadOnly,
      },
    ]);
  }
}
