// Assembles src/main/selection/fps-simd.wat into src/main/selection/fps-simd-wasm.ts
// (see wasm-module.mjs). Run after editing the .wat:
//   node scripts/build-fps-wasm.mjs          (writes the .ts)
//   node scripts/build-fps-wasm.mjs --check  (exit 1 when the .ts is stale)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { wasmModule } from './wasm-module.mjs';

export const fpsModule = wasmModule({
  wat: 'src/main/selection/fps-simd.wat',
  ts: 'src/main/selection/fps-simd-wasm.ts',
  script: 'scripts/build-fps-wasm.mjs',
  constName: 'FPS_SIMD_WASM_BASE64',
  doc: 'The assembled furthest point sampling SIMD module',
  features: { simd: true, threads: true },
});

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await fpsModule.main(process.argv);
