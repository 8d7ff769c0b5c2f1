/* global WebAssembly, Buffer */
// Compiles each package's WebAssembly text (src/**/*.wat) into a module beside its compiled JavaScript:
// dist/**/NAME.wat.js exports the binary as `wasm` (a Uint8Array), so that code loads it with an import
// and no file access, and NAME.wat.d.ts in src types it.
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import wabtInit from 'wabt';

const wabt = await wabtInit();
const files = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : name.endsWith('.wat') ? [path] : [];
  });

for (const pkg of readdirSync('packages')) {
  const src = join('packages', pkg, 'src');
  if (!statSync(src, { throwIfNoEntry: false })?.isDirectory()) continue;
  for (const file of files(src)) {
    const module = wabt.parseWat(file, readFileSync(file, 'utf8'), { simd: true, threads: true });
    const { buffer } = module.toBinary({ write_debug_names: true });
    // Validated where it matters: WebAssembly.Module validates the binary with the engine's own features.
    new WebAssembly.Module(buffer);
    module.destroy();
    const out = join('packages', pkg, 'dist', `${relative(src, file)}.js`);
    mkdirSync(dirname(out), { recursive: true });
    const base64 = Buffer.from(buffer).toString('base64');
    writeFileSync(
      out,
      `// Compiled from ${relative(join('packages', pkg), file)} by scripts/build-wasm.mjs.\n` +
        `export const wasm = Uint8Array.from(atob('${base64}'), (c) => c.charCodeAt(0));\n`,
    );
    console.log(`${file} → ${out} (${buffer.length} bytes)`);
  }
}
