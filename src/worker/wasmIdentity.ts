// tfjs-backend-wasm's Identity kernel copies its input, where the cpu, webgl and webgpu backends
// share the storage (reference-counted, as every backend's Reshape does). Identity is what tfjs runs
// to keep each tensor an op saves for its gradient, so on wasm every saved activation was a second
// copy: hundreds of copies per training step, and most of the step's peak memory (the small preset did not
// fit the 4 GiB wasm heap). tfjs never writes into an existing tensor's storage, so sharing is safe;
// this swaps in a sharing Identity for wasm (`npm run bench` measures the difference).
import * as tf from '@tensorflow/tfjs';

interface RefCounting {
  incRef(dataId: tf.DataId): void;
}

let installed = false;

/** Replaces wasm's Identity with one that shares storage. Call before the wasm backend runs kernels. */
export function shareWasmIdentity(): void {
  const original = tf.getKernel('Identity', 'wasm');
  if (installed || !original) return;
  const copying = original.kernelFunc;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      if (x.dtype === 'string') return copying(args); // strings live outside the wasm heap
      (args.backend as unknown as RefCounting).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });
  installed = true;
}
