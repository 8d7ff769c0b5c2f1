import { GuApiError } from './errors.js';
import type { EventInput, IngestResult } from './types.js';

/** setTimeout and clearTimeout, injectable so tests drive time. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** HTTP status of the codes the stream replies with, so that its errors classify like REST's. */
const STATUS: Record<string, number> = {
  INVALID_REQUEST: 400,
  INVALID_EVENTS: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  PAYLOAD_TOO_LARGE: 413,
  READ_ONLY: 409,
  RATE_LIMITED: 429,
  NOT_READY: 503,
};

const OPEN = 1;

interface Waiting {
  resolve: (result: IngestResult) => void;
  reject: (error: unknown) => void;
  timer: unknown;
}

export interface EventStreamOptions {
  url: string;
  WebSocket: typeof WebSocket;
  timers: Timers;
  /** How long a batch may wait for its reply before the socket is taken for dead. */
  ackTimeoutMs: number;
  /** Delay before the n-th reconnection attempt (n ≥ 1). */
  backoff: (attempt: number) => number;
  onOpen: () => void;
}

/**
 * The WebSocket `/v1/events/stream`: each message `{ id, events }` is answered by one reply with the same id,
 * `{ id, accepted, duplicates, rejected }` or `{ id, error }`. Reconnects with backoff after the socket
 * closes; batches waiting for a reply when it does are rejected, for the caller to send them another way.
 */
export class EventStream {
  private socket?: WebSocket;
  private readonly waiting = new Map<string, Waiting>();
  private reconnectTimer?: unknown;
  private failures = 0;
  private closed = false;

  constructor(private readonly o: EventStreamOptions) {}

  get open(): boolean {
    return this.socket?.readyState === OPEN;
  }

  /** Opens the socket unless it is open, opening, waiting to reconnect, or closed for good. */
  connect(): void {
    if (this.closed || this.socket || this.reconnectTimer !== undefined) return;
    let socket: WebSocket;
    try {
      socket = new this.o.WebSocket(this.o.url);
    } catch {
      this.dropped();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.failures = 0;
      this.o.onOpen();
    };
    socket.onmessage = (event: MessageEvent) => this.reply(event.data);
    socket.onerror = () => this.drop(socket);
    socket.onclose = () => this.drop(socket);
  }

  /** Sends a batch; resolves with its result, rejects with a GuApiError reply or when the socket fails. */
  send(id: string, events: EventInput[]): Promise<IngestResult> {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN)
      return Promise.reject(new Error('the event stream is not open'));
    return new Promise<IngestResult>((resolve, reject) => {
      const timer = this.o.timers.setTimeout(() => {
        // No reply in time: the connection is likely dead without having said so.
        this.waiting.delete(id);
        reject(new Error('no reply on the event stream'));
        this.drop(socket);
      }, this.o.ackTimeoutMs);
      this.waiting.set(id, { resolve, reject, timer });
      try {
        socket.send(JSON.stringify({ id, events }));
      } catch (error) {
        this.settle(id)?.reject(error);
        this.drop(socket);
      }
    });
  }

  close(): void {
    this.closed = true;
    if (this.reconnectTimer !== undefined) this.o.timers.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    if (this.socket) this.drop(this.socket);
  }

  private settle(id: string): Waiting | undefined {
    const waiting = this.waiting.get(id);
    if (!waiting) return undefined;
    this.waiting.delete(id);
    this.o.timers.clearTimeout(waiting.timer);
    return waiting;
  }

  private reply(data: unknown): void {
    let message: {
      id?: unknown;
      error?: { code?: string; message?: string; details?: unknown };
    } & IngestResult;
    try {
      message = JSON.parse(typeof data === 'string' ? data : String(data));
    } catch {
      return;
    }
    if (typeof message?.id !== 'string') return;
    const waiting = this.settle(message.id);
    if (!waiting) return;
    if (message.error) {
      const code = message.error.code ?? 'INTERNAL';
      waiting.reject(
        new GuApiError(STATUS[code] ?? 500, code, message.error.message ?? code, message.error.details),
      );
    } else
      waiting.resolve({
        accepted: message.accepted ?? 0,
        duplicates: message.duplicates ?? 0,
        rejected: message.rejected ?? [],
      });
  }

  /** Forgets a failed socket, fails its waiting batches, and plans the next connection. */
  private drop(socket: WebSocket): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    socket.onopen = socket.onmessage = socket.onerror = socket.onclose = null;
    try {
      if (socket.readyState <= OPEN) socket.close();
    } catch {
      // nothing to close
    }
    for (const id of [...this.waiting.keys()]) this.settle(id)?.reject(new Error('the event stream closed'));
    this.dropped();
  }

  private dropped(): void {
    if (this.closed) return;
    const delay = this.o.backoff(++this.failures);
    this.reconnectTimer = this.o.timers.setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect();
    }, delay);
  }
}
