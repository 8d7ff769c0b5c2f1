/** The part of the WebAssembly JavaScript API the core uses (TypeScript declares it only in its DOM library). */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number; shared?: boolean });
    readonly buffer: ArrayBuffer | SharedArrayBuffer;
    /** Grows by `pages` of 64 KiB; returns the size before, in pages. */
    grow(pages: number): number;
  }
}
