// Which fused kernels this device can run at all, from its limits alone (storage buffers per stage,
// invocations and memory per workgroup): what the worker reports when it is ready, for the backend
// badge's details. Shape-dependent limits (a binding larger than the device allows, a head too wide)
// are decided per call and recorded by runsFused (limits.ts, fusedKernelReport).
import { adamwNeeds } from './adamw';
import { attentionNeeds } from './attention';
import { augmentNeeds } from './augment';
import { columnSumNeeds } from './columnSum';
import { contrastiveNeeds } from './contrastive';
import { dmolNeeds } from './dmol';
import { embedNeeds } from './embed';
import { geluNeeds } from './gelu';
import { layerNormNeeds } from './layerNorm';
import { misfit, type DeviceLimits, type KernelDecision, type KernelNeeds } from './limits';

/** Each fused op with its needs at a shape that asks nothing of the shape-dependent limits. */
const OPS: [string, KernelNeeds][] = [
  ['adamw', adamwNeeds(0)],
  ['attention', attentionNeeds({ batch: 1, tokens: 1, heads: 1 }, 1)],
  ['augment', augmentNeeds(0)],
  ['columnSum', columnSumNeeds(0, 1)],
  ['contrastive', contrastiveNeeds(0, 2)],
  ['dmol', dmolNeeds(0, 1)],
  ['embed', embedNeeds(0)],
  ['gelu', geluNeeds(0)],
  ['layerNorm', layerNormNeeds(0, 1)],
];

export function staticKernelSupport(limits: DeviceLimits): KernelDecision[] {
  return OPS.map(([op, needs]) => {
    const reason = misfit(needs, limits);
    return { op, fused: reason === null, reason };
  });
}
