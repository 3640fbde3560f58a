// Assembles src/main/ml/wasm-conv-simd.wat into src/main/ml/wasm-conv-simd-wasm.ts
// (see wasm-module.mjs). Run after editing the .wat:
//   node scripts/build-conv-wasm.mjs          (writes the .ts)
//   node scripts/build-conv-wasm.mjs --check  (exit 1 when the .ts is stale)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { wasmModule } from './wasm-module.mjs';

export const convModule = wasmModule({
  wat: 'src/main/ml/wasm-conv-simd.wat',
  ts: 'src/main/ml/wasm-conv-simd-wasm.ts',
  script: 'scripts/build-conv-wasm.mjs',
  constName: 'CONV_SIMD_WASM_BASE64',
  doc: 'The assembled conv data-movement SIMD module (wasm-conv-simd.ts)',
  features: { simd: true, bulk_memory: true },
});

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await convModule.main(process.argv);
