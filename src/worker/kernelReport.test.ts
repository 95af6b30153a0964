import { describe, expect, it } from 'vitest';
import type { KernelDecision } from '../model/webgpu/kernelTypes';
import { KernelReport, withFallbacks } from './kernelReport';

const fits = (op: string): KernelDecision => ({ op, fused: true, reason: null });
const wide: KernelDecision = { op: 'attention', fused: false, reason: 'head width 96 is above 64' };

describe('withFallbacks', () => {
  it('marks an op that fell back for a run’s shapes, keeps the others and their order', () => {
    expect(withFallbacks([fits('adamw'), fits('attention'), fits('gelu')], [fits('gelu'), wide])).toEqual([
      fits('adamw'),
      wide,
      fits('gelu'),
    ]);
  });

  it('never turns a fallback back into a fused kernel', () => {
    const tooFew: KernelDecision = { op: 'layerNorm', fused: false, reason: 'needs 7 storage buffers, the device allows 4' };
    expect(withFallbacks([tooFew], [fits('layerNorm')])).toEqual([tooFew]);
  });
});

describe('KernelReport', () => {
  it('reports once, when an op first falls back after the ready event', () => {
    const report = new KernelReport();
    report.reset([fits('attention'), fits('gelu')]);
    expect(report.update([fits('attention'), fits('gelu')])).toBeNull();
    expect(report.update([wide, fits('gelu')])).toEqual([wide, fits('gelu')]);
    expect(report.update([wide, fits('gelu')])).toBeNull();
  });

  it('follows nothing off webgpu', () => {
    const report = new KernelReport();
    report.reset(null);
    expect(report.update([wide])).toBeNull();
  });
});
