// The fused WebGPU kernels in real Chromium WebGPU (SwiftShader here): each against its tfjs-op
// reference, and a short training run on webgpu against the same run on wasm (docs/webgpu.md).
import { expect, test } from '@playwright/test';
import { trackConsoleErrors } from './helpers';

interface Result {
  name: string;
  errors: Record<string, number>;
  worst: number;
  fusedKernels: string[];
  dispatches?: { fused: number; reference: number };
}
interface Step {
  total: number;
  con: number;
  bpd: number;
  conTop1: number;
}

test('every fused kernel matches its tfjs-op reference within 1e-4, forward and gradients', async ({ page }) => {
  test.setTimeout(600_000);
  const errors = trackConsoleErrors(page);
  await page.goto('/gpu-checks.html');
  await page.waitForFunction(() => 'hybridChecks' in window);
  const answer = await page.evaluate(() => window.hybridChecks.run({ kind: 'kernels', only: null }));
  if (answer.type !== 'kernels') throw new Error(`unexpected answer ${answer.type}`);
  const results = answer.results as Result[];
  expect(results.length).toBeGreaterThan(15);
  for (const result of results) {
    // NaN or Infinity (a kernel that wrote nothing, or garbage) fails here too.
    expect(result.worst, `${result.name}: ${JSON.stringify(result.errors)}`).toBeLessThan(1e-4);
    // The fused side really ran our kernels: tfjs kernels named Hybrid*, or fewer dispatches.
    if (result.dispatches) expect(result.dispatches.fused, result.name).toBeLessThan(result.dispatches.reference);
    else expect(result.fusedKernels.length, result.name).toBeGreaterThan(0);
  }
  expect(errors).toEqual([]);
});

test('20 tiny-preset steps on webgpu give wasm’s total loss, L_con and bits/dim within 1e-3 at every step', async ({ page }) => {
  test.setTimeout(900_000);
  const errors = trackConsoleErrors(page);
  await page.goto('/gpu-checks.html');
  await page.waitForFunction(() => 'hybridChecks' in window);
  // The tiny architecture on batches of 8 rather than 32: a quarter of the work on the software
  // adapter. docs/webgpu.md gives the call that runs the full preset on gpu-checks.html.
  const answer = await page.evaluate(() =>
    window.hybridChecks.run({ kind: 'parity', preset: 'tiny', steps: 20, batch: 8, backends: ['wasm', 'webgpu'] }),
  );
  if (answer.type !== 'parity') throw new Error(`unexpected answer ${answer.type}`);
  const [wasm, webgpu] = answer.runs as { backend: string; steps: Step[] }[];
  expect([wasm.backend, webgpu.backend]).toEqual(['wasm', 'webgpu']);
  expect(webgpu.steps.length).toBe(20);
  const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
  webgpu.steps.forEach((step, i) => {
    const expected = wasm.steps[i];
    for (const key of ['total', 'con', 'bpd'] as const) {
      expect(Number.isFinite(step[key]), `step ${i + 1} ${key}`).toBe(true);
      expect(relative(step[key], expected[key]), `step ${i + 1} ${key}: ${step[key]} vs ${expected[key]}`).toBeLessThan(1e-3);
    }
  });
  // The run trained: the losses moved.
  expect(webgpu.steps[19].total).not.toBe(webgpu.steps[0].total);
  expect(errors).toEqual([]);
});
