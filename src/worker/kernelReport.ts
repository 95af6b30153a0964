// What the backend badge is told about the fused WebGPU kernels. The ready event carries what the
// device's limits decide alone; an op can still fall back later for the shapes of a run (a binding
// larger than the device allows, a head too wide: model/webgpu/limits.ts), and that reaches the
// page as a 'kernels' event once, when it first happens (docs/webgpu.md).
import type { KernelDecision } from '../model/webgpu/kernelTypes';

/** `base` with every op that fell back in `decided` marked so, ops decided only at run time appended. */
export function withFallbacks(base: readonly KernelDecision[], decided: readonly KernelDecision[]): KernelDecision[] {
  const merged = new Map(base.map((d) => [d.op, d]));
  for (const d of decided) {
    const known = merged.get(d.op);
    if (!known || (known.fused && !d.fused)) merged.set(d.op, d);
  }
  return [...merged.values()];
}

export class KernelReport {
  private reported: KernelDecision[] | null = null;

  /** The decisions the ready event carried (null: not on webgpu, nothing to follow). */
  reset(initial: KernelDecision[] | null): void {
    this.reported = initial;
  }

  /** The decisions to send when an op fell back since the last report; null when nothing changed. */
  update(decided: readonly KernelDecision[]): KernelDecision[] | null {
    if (!this.reported) return null;
    const next = withFallbacks(this.reported, decided);
    const fallen = (list: KernelDecision[]) => list.filter((d) => !d.fused).length;
    if (fallen(next) === fallen(this.reported)) return null;
    this.reported = next;
    return next;
  }
}
