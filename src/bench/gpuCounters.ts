// Counts what a GPU pays for, at the WebGPU API itself rather than from tfjs's profile: compute
// dispatches, queue submits, GPU→CPU readbacks (mapAsync for reading), buffers created and bytes
// uploaded (queue.writeBuffer and buffers mapped at creation). It wraps the methods on the
// prototypes of this global scope's WebGPU classes, so every device made here afterwards (tfjs's
// too) is counted. Used by the benchmark worker only; the app never installs it.

export interface GpuCounts {
  dispatches: number;
  submits: number;
  readbacks: number;
  buffersCreated: number;
  bytesUploaded: number;
}

const counts: GpuCounts = { dispatches: 0, submits: 0, readbacks: 0, buffersCreated: 0, bytesUploaded: 0 };
let installed = false;

type Method<T> = (this: T, ...args: never[]) => unknown;

/** Replaces proto[name] by a function that calls `count` with the arguments, then the original. */
function wrap<T extends object>(proto: T | undefined, name: string, count: (args: unknown[]) => void): void {
  if (!proto) return;
  const original = (proto as Record<string, unknown>)[name] as Method<T> | undefined;
  if (typeof original !== 'function') return;
  (proto as Record<string, unknown>)[name] = function (this: T, ...args: never[]) {
    count(args);
    return original.apply(this, args);
  };
}

function byteLength(data: unknown): number {
  return ArrayBuffer.isView(data) || data instanceof ArrayBuffer ? data.byteLength : 0;
}

/** writeBuffer(buffer, offset, data, dataOffset?, size?): size counts elements of a typed array, bytes of an ArrayBuffer. */
function writtenBytes(args: unknown[]): number {
  const [, , data, dataOffset, size] = args;
  if (typeof size === 'number') {
    const element = ArrayBuffer.isView(data) && 'BYTES_PER_ELEMENT' in data ? (data.BYTES_PER_ELEMENT as number) : 1;
    return size * element;
  }
  const offset = typeof dataOffset === 'number' ? dataOffset : 0;
  const element = ArrayBuffer.isView(data) && 'BYTES_PER_ELEMENT' in data ? (data.BYTES_PER_ELEMENT as number) : 1;
  return byteLength(data) - offset * element;
}

/** Installs the counters once; returns false where this scope has no WebGPU. */
export function installGpuCounters(): boolean {
  if (installed) return true;
  const scope = globalThis as typeof globalThis & Partial<Record<string, { prototype: object }>>;
  if (!scope.GPUDevice) return false;
  const readMode = (globalThis as { GPUMapMode?: { READ: number } }).GPUMapMode?.READ ?? 1;
  wrap(scope.GPUComputePassEncoder?.prototype, 'dispatchWorkgroups', () => void (counts.dispatches += 1));
  wrap(scope.GPUComputePassEncoder?.prototype, 'dispatchWorkgroupsIndirect', () => void (counts.dispatches += 1));
  wrap(scope.GPUQueue?.prototype, 'submit', () => void (counts.submits += 1));
  wrap(scope.GPUQueue?.prototype, 'writeBuffer', (args) => void (counts.bytesUploaded += writtenBytes(args)));
  wrap(scope.GPUBuffer?.prototype, 'mapAsync', (args) => {
    if (((args[0] as number) & readMode) !== 0) counts.readbacks += 1;
  });
  wrap(scope.GPUDevice?.prototype, 'createBuffer', (args) => {
    const descriptor = args[0] as GPUBufferDescriptor;
    counts.buffersCreated += 1;
    // A buffer mapped at creation is filled by the CPU before it is unmapped: an upload of its size.
    if (descriptor.mappedAtCreation) counts.bytesUploaded += descriptor.size;
  });
  installed = true;
  return true;
}

/** The counts so far (a copy). */
export function gpuCounts(): GpuCounts {
  return { ...counts };
}

/** Per-step averages of the counts between two snapshots. */
export function perStep(before: GpuCounts, after: GpuCounts, steps: number): GpuCounts {
  const per = (k: keyof GpuCounts) => (after[k] - before[k]) / steps;
  return {
    dispatches: per('dispatches'),
    submits: per('submits'),
    readbacks: per('readbacks'),
    buffersCreated: per('buffersCreated'),
    bytesUploaded: per('bytesUploaded'),
  };
}
