// How the benchmark scripts print one combination's figures (scripts/bench.mjs, scripts/bench-gpu.mjs).

const fmt = (v, digits = 1) => (v === null || v === undefined ? '-' : Number(v).toFixed(digits));
const mib = (bytes) => (bytes === null ? '-' : `${(bytes / 2 ** 20).toFixed(1)}MiB`);

export function describe(r) {
  const mem = (m) => `${m.numTensors}t/${mib(m.numBytes)}${m.gpuBytes === null ? '' : `/gpu ${mib(m.gpuBytes)}`}`;
  const threads = r.wasmThreads === null ? '' : ` threads=${r.wasmThreads}`;
  return [
    `${r.backend.padEnd(6)} ${r.preset.padEnd(5)} batch ${r.batch}${r.imageSize ? ` ${r.imageSize}px` : ''} ${fmt(r.msPerStep).padStart(8)} ms/step  ${fmt(r.imagesPerSec).padStart(6)} img/s`,
    `${fmt(r.achievedGflops, 2).padStart(6)} GFLOP/s of ${fmt(r.matmulGflops, 1)} matmul (${fmt(100 * r.matmulFraction)}%)`,
    `${fmt(r.flopsPerStep / 1e9, 2)} GFLOP/step  ${r.kernelsPerStep} kernels/step  first ${fmt(r.firstStepMs, 0)} ms`,
    `steps ${r.stepsTimed}  mem ${mem(r.memoryAfterWarmup)} -> ${mem(r.memoryAfterSteps)}${threads}`,
    ...(r.dispatchesPerStep === null
      ? []
      : [
          `per step: ${fmt(r.dispatchesPerStep, 0)} dispatches, ${fmt(r.submitsPerStep, 0)} submits, ${fmt(r.readbacksPerStep, 0)} readbacks, ` +
            `${fmt(r.buffersCreatedPerStep, 1)} buffers created, ${fmt(r.bytesUploadedPerStep / 1024, 1)} KiB uploaded, encode ${fmt(r.encodeMsPerStep)} ms`,
        ]),
  ].join(' | ');
}
