// The embedding view's own benchmark page (views-bench.html, driven by scripts/bench-views.mjs): the
// app's EmbeddingCanvas with N synthetic points (default 10,000, `?points=`), so panning can be timed
// at a size the built-in dataset's 1,000 test images never reach. Synthetic, seeded, labelled clusters.

import { createRoot } from 'react-dom/client';
import { EmbeddingCanvas } from '../app/views/EmbeddingCanvas';
import { gaussian, mulberry32 } from '../random';
import type { ProbeSetPayload } from '../viewTypes';
import '../styles.css';

const params = new URLSearchParams(window.location.search);
const count = Math.max(1, Math.min(200_000, Number(params.get('points')) || 10_000));
const oodCount = Math.max(0, Math.min(20_000, Number(params.get('ood') ?? 500) || 0));
const classes = 10;
const size = 16;

const random = mulberry32(1);
const normal = gaussian(random);
const coords = new Float32Array(count * 2);
const labels = new Int32Array(count);
const pixels = new Uint8Array(count * size * size * 3);
for (let i = 0; i < count; i++) {
  const label = i % classes;
  const angle = (2 * Math.PI * label) / classes;
  labels[i] = label;
  coords[2 * i] = 5 * Math.cos(angle) + normal();
  coords[2 * i + 1] = 5 * Math.sin(angle) + normal();
  pixels.fill((label * 25) % 256, i * size * size * 3, (i + 1) * size * size * 3);
}
const oodCoords = new Float32Array(oodCount * 2);
for (let i = 0; i < oodCount * 2; i++) oodCoords[i] = 2 * normal();

const probe: ProbeSetPayload = {
  generation: 1,
  size,
  count,
  pixels,
  labels,
  indices: Int32Array.from({ length: count }, (_, i) => i),
  classNames: Array.from({ length: classes }, (_, i) => `class ${i}`),
  oodCount,
  oodPixels: new Uint8Array(oodCount * size * size * 3),
  oodNote: null,
};

const container = document.getElementById('root');
if (!container) throw new Error('views-bench.html has no #root element');
createRoot(container).render(
  <div style={{ width: 900, padding: 20 }}>
    <EmbeddingCanvas probe={probe} points={{ coords, oodCoords }} showOod height={600} />
  </div>,
);
