/** The binary of kernels.wat, compiled by scripts/build-wasm.mjs into kernels.wat.js beside this module. */
export declare const wasm: Uint8Array;
