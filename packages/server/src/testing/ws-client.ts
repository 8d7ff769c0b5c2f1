import { createRequire } from 'node:module';

/** The parts of the `ws` client the tests use (the package ships no types and @types/ws is not installed). */
export interface WsClient {
  readonly readyState: number;
  on(event: 'open' | 'close', listener: () => void): this;
  on(event: 'message', listener: (data: Buffer) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  send(data: string): void;
  close(): void;
}

export const WebSocket = createRequire(import.meta.url)('ws') as new (url: string) => WsClient;
