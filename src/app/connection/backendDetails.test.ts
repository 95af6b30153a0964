import { describe, expect, it } from 'vitest';
import { kernelDetails } from './backendDetails';

describe('kernelDetails', () => {
  it('says nothing for a backend without fused kernels', () => {
    expect(kernelDetails(null)).toBeNull();
    expect(kernelDetails([])).toBeNull();
  });

  it('counts the ops when every kernel fits the device', () => {
    expect(
      kernelDetails([
        { op: 'adamw', fused: true, reason: null },
        { op: 'gelu', fused: true, reason: null },
      ]),
    ).toBe('fused kernels for all 2 ops');
  });

  it('names each op that fell back to the tfjs-op path, with the limit in its way', () => {
    expect(
      kernelDetails([
        { op: 'adamw', fused: true, reason: null },
        { op: 'attention', fused: false, reason: 'needs 9 storage buffers, the device allows 8' },
        { op: 'gelu', fused: true, reason: null },
        { op: 'layerNorm', fused: false, reason: 'needs 7 storage buffers, the device allows 4' },
      ]),
    ).toBe(
      'fused kernels for 2 of 4 ops; tfjs-op path for attention (needs 9 storage buffers, the device allows 8); ' +
        'layerNorm (needs 7 storage buffers, the device allows 4)',
    );
  });
});
