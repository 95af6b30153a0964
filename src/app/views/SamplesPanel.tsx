// Samples of the selected run: unconditional samples and completions (the original beside it: the top
// half kept, the bottom half sampled), refreshed every K steps in the worker and on demand, with a
// temperature. Pixels arrive as transferred bytes and are drawn through ImageData, scaled up crisply.

import { useEffect, useRef } from 'react';
import { VIEW_LIMITS, type SampleGrid } from '../../viewTypes';
import { putImage } from '../common/pixelTiles';
import type { ViewActions } from './viewsController';
import type { StepFrame, ViewSnapshot } from './viewStore';

const GAP = 6;
const TARGET_PX = 64;

interface Tile {
  pixels: Uint8Array;
  index: number;
  x: number;
  y: number;
  /** Pixel row from which the image is the model's (a completion's kept/sampled seam), or null. */
  seam: number | null;
}

/** Lays out the grid: unconditional samples on top, then original|completion pairs. */
function layout(
  grid: SampleGrid,
  originals: Uint8Array | null,
  width: number,
  scale: number,
): { tiles: Tile[]; height: number; width: number } {
  const cell = grid.size * scale;
  const cols = Math.max(1, Math.floor((width + GAP) / (cell + GAP)));
  const tiles: Tile[] = [];
  let y = 0;
  for (let i = 0; i < grid.unconditionalCount; i++) {
    const c = i % cols;
    if (i > 0 && c === 0) y += cell + GAP;
    tiles.push({ pixels: grid.unconditional, index: i, x: c * (cell + GAP), y, seam: null });
  }
  if (grid.unconditionalCount > 0) y += cell + 2 * GAP;
  const pairCols = Math.max(1, Math.floor((width + GAP) / (2 * cell + 2 * GAP)));
  for (let i = 0; i < grid.completionCount; i++) {
    const c = i % pairCols;
    if (i > 0 && c === 0) y += cell + GAP;
    const x = c * (2 * cell + 2 * GAP);
    if (originals) tiles.push({ pixels: originals, index: grid.completionSources[i], x, y, seam: null });
    tiles.push({ pixels: grid.completions, index: i, x: x + cell + GAP / 2, y, seam: grid.keptRows });
  }
  if (grid.completionCount > 0) y += cell;
  return { tiles, height: Math.max(cell, y), width };
}

function SampleCanvas({ frame, originals }: { frame: StepFrame<SampleGrid>; originals: Uint8Array | null }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const grid = frame.value;
    const scale = Math.max(1, Math.round(TARGET_PX / grid.size));
    const { tiles, height, width } = layout(grid, originals, canvas.parentElement?.clientWidth ?? 560, scale);
    canvas.width = width;
    canvas.height = height;
    ctx.imageSmoothingEnabled = false;
    // One scratch canvas per image size: putImageData ignores scaling, drawImage does not.
    const scratch = document.createElement('canvas');
    scratch.width = grid.size;
    scratch.height = grid.size;
    const sctx = scratch.getContext('2d');
    if (!sctx) return;
    const cell = grid.size * scale;
    for (const tile of tiles) {
      putImage(sctx, tile.pixels, tile.index, grid.size, 0, 0);
      ctx.drawImage(scratch, tile.x, tile.y, cell, cell);
      if (tile.seam !== null) {
        ctx.fillStyle = '#ef4444';
        ctx.fillRect(tile.x - 3, tile.y + tile.seam * scale - 1, 3, 2);
        ctx.fillRect(tile.x + cell, tile.y + tile.seam * scale - 1, 3, 2);
      }
    }
    // The count is written where it is drawn: a state update here would render the panel twice.
    gridRef.current?.setAttribute('data-value', String(grid.unconditionalCount + grid.completionCount));
  }, [frame, originals]);
  return (
    <div className="samples-grid" data-testid="samples-grid" data-value={0} ref={gridRef}>
      <canvas
        ref={ref}
        role="img"
        aria-label={`${frame.value.unconditionalCount} unconditional samples and ${frame.value.completionCount} completions of the top half of held-out images, at step ${frame.step}, temperature ${frame.value.temperature.toFixed(2)}`}
      />
    </div>
  );
}

export function SamplesPanel({
  samples,
  views,
  actions,
}: {
  samples: StepFrame<SampleGrid> | null;
  views: ViewSnapshot;
  actions: ViewActions;
}) {
  const { settings } = views;
  const originals = views.probe && samples && views.probe.size === samples.value.size ? views.probe.pixels : null;
  const grid = samples?.value;
  return (
    <section className="panel samples" aria-label="Samples">
      <header className="panel-header">
        <h2>Samples</h2>
        <div className="chart-options">
          <label className="field">
            temperature <output>{settings.temperature.toFixed(2)}</output>
            <input
              type="range"
              data-testid="sample-temperature"
              aria-valuetext={settings.temperature.toFixed(2)}
              data-value={settings.temperature}
              min={VIEW_LIMITS.temperature.min}
              max={VIEW_LIMITS.temperature.max}
              step={VIEW_LIMITS.temperature.step}
              value={settings.temperature}
              // Dragging costs at most one extra sampling pass: the worker keeps one pending refresh.
              onChange={(e) => actions.setViewSettings({ temperature: Number(e.currentTarget.value) })}
            />
          </label>
          <label className="field">
            every
            <input
              type="number"
              min={VIEW_LIMITS.every.min}
              max={VIEW_LIMITS.every.max}
              value={settings.samplesEvery}
              onChange={(e) => {
                const v = Math.round(Number(e.currentTarget.value));
                if (v >= VIEW_LIMITS.every.min && v <= VIEW_LIMITS.every.max) actions.setViewSettings({ samplesEvery: v });
              }}
            />
            steps
          </label>
          <button data-testid="samples-refresh" onClick={() => actions.refreshView('samples')}>
            Sample now
          </button>
        </div>
      </header>
      <p className="hint">
        {grid
          ? `Step ${samples.step}, temperature ${grid.temperature.toFixed(2)}, ${grid.ms.toFixed(0)} ms in the worker. Top: ${grid.unconditionalCount} unconditional samples. Below: original | completion (the rows above the red marks are the original's, the rest sampled).`
          : 'Waiting for the first samples…'}
      </p>
      {samples ? (
        <SampleCanvas frame={samples} originals={originals} />
      ) : (
        <div className="samples-grid" data-testid="samples-grid" data-value={0} />
      )}
    </section>
  );
}
