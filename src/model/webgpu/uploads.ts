// Host → GPU uploads through queue.writeBuffer into the backend's pooled buffers. tfjs-backend-webgpu
// 4.22 uploads every tensor through a staging buffer it creates for that one upload (or a new buffer
// mapped at creation), so each batch, augmentation parameter table or scalar constant of a training
// step created a GPU buffer: 88 per tiny step (npm run bench). writeBuffer stages inside the
// implementation, and the destination comes from the same pool tfjs uses, so after warm-up a step
// creates none. Order is kept: a write lands on the queue before any later submit, and the pool
// never hands out a buffer that unsubmitted commands still use (tfjs defers those releases).
import type { DataId } from '@tensorflow/tfjs';
import type { BackendInternals } from './runner';

interface Stored {
  values: ArrayLike<number> | null;
  resource: unknown;
  dtype: string;
  shape: number[];
}

const patched = new WeakSet<object>();

export function installPooledUploads(backend: BackendInternals): void {
  if (patched.has(backend)) return;
  patched.add(backend);
  const original = backend.uploadToGPU.bind(backend);
  backend.uploadToGPU = (dataId: DataId) => {
    const data = backend.tensorMap.get(dataId) as unknown as Stored;
    const numeric = data.dtype === 'float32' || data.dtype === 'int32' || data.dtype === 'bool';
    const count = data.shape.reduce((a, b) => a * b, 1);
    if (data.resource != null || data.values == null || !numeric || count === 0) {
      original(dataId);
      return;
    }
    const { values } = data;
    const typed =
      data.dtype === 'float32'
        ? values instanceof Float32Array
          ? values
          : Float32Array.from(values)
        : values instanceof Int32Array
          ? values
          : Int32Array.from(values);
    const buffer = backend.bufferManager.acquireBuffer(
      typed.byteLength,
      GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    );
    backend.queue.writeBuffer(buffer, 0, typed.buffer, typed.byteOffset, typed.byteLength);
    data.resource = buffer;
    data.values = null;
  };
}
