// The embedding view's panel: which projection (live PCA every K steps, or an on-demand UMAP whose
// parameters are set before it runs), UMAP progress and cancel, the class legend, and the OOD overlay.

import { useMemo, useState } from 'react';
import { VIEW_LIMITS, type UmapParams } from '../../viewTypes';
import { classColor, OOD_COLOR } from './embeddingGeometry';
import { EmbeddingCanvas } from './EmbeddingCanvas';
import type { ViewActions } from './viewsController';
import type { RunViews, ViewSnapshot } from './viewStore';

function NumberField({
  label,
  value,
  min,
  max,
  step,
  onChange,
  testId,
}: {
  label: string;
  value: number;
  min: number;
  max: number;
  step: number;
  onChange: (v: number) => void;
  testId?: string;
}) {
  return (
    <label className="field">
      {label}
      <input
        type="number"
        data-testid={testId}
        value={value}
        min={min}
        max={max}
        step={step}
        onChange={(e) => {
          const v = Number(e.currentTarget.value);
          if (Number.isFinite(v) && v >= min && v <= max) onChange(v);
        }}
      />
    </label>
  );
}

function UmapControls({ params, views, actions }: { params: UmapParams; views: ViewSnapshot; actions: ViewActions }) {
  const umap = views.umap;
  const running = umap?.state === 'running';
  const maxNeighbours = Math.max(2, (views.probe?.count ?? 3) - 1);
  return (
    <div className="umap-controls">
      <NumberField
        label="neighbours"
        value={params.nNeighbors}
        min={2}
        max={Math.min(200, maxNeighbours)}
        step={1}
        onChange={(v) => actions.setUmapParams({ nNeighbors: Math.round(v) })}
      />
      <NumberField
        label="min dist"
        value={params.minDist}
        min={0}
        max={1}
        step={0.05}
        onChange={(v) => actions.setUmapParams({ minDist: v })}
      />
      <NumberField
        label="epochs (0 = auto)"
        value={params.epochs}
        min={0}
        max={2000}
        step={50}
        onChange={(v) => actions.setUmapParams({ epochs: Math.round(v) })}
      />
      <NumberField
        label="seed"
        value={params.seed}
        min={0}
        max={2 ** 31 - 1}
        step={1}
        onChange={(v) => actions.setUmapParams({ seed: Math.round(v) })}
      />
      <label className="field">
        metric
        <select
          value={params.metric}
          onChange={(e) => actions.setUmapParams({ metric: e.currentTarget.value === 'euclidean' ? 'euclidean' : 'cosine' })}
        >
          <option value="cosine">cosine</option>
          <option value="euclidean">euclidean</option>
        </select>
      </label>
      {running ? (
        <button data-testid="umap-cancel" onClick={actions.cancelUmap}>
          Cancel UMAP
        </button>
      ) : (
        <button data-testid="umap-run" onClick={actions.runUmap} disabled={!views.probe}>
          Run UMAP
        </button>
      )}
      {running && <progress data-testid="umap-progress" value={umap.done} max={Math.max(1, umap.total)} />}
      {umap && !running && umap.state !== 'done' && (
        <span className="hint">
          UMAP {umap.state}
          {umap.message ? `: ${umap.message}` : ''}
        </span>
      )}
    </div>
  );
}

export function EmbeddingPanel({ runViews, views, actions }: { runViews: RunViews; views: ViewSnapshot; actions: ViewActions }) {
  const [showOod, setShowOod] = useState(true);
  const probe = views.probe;
  // UMAP only when this run has one; otherwise the live PCA.
  const chosen = views.projection === 'umap' && runViews.umap ? runViews.umap : runViews.pca;
  const points = useMemo(() => (chosen ? { coords: chosen.value.coords, oodCoords: chosen.value.oodCoords } : null), [chosen]);
  const frame = chosen?.value ?? null;
  const classCount = probe?.classNames.length ?? 0;
  return (
    <section className="panel embedding" aria-label="Embedding view">
      <header className="panel-header">
        <h2>Representations r(x)</h2>
        <div className="chart-options">
          <label className="toggle">
            <input type="radio" name="projection" checked={frame?.method !== 'umap'} onChange={() => actions.setProjection('pca')} /> PCA
          </label>
          <label className="toggle">
            <input
              type="radio"
              name="projection"
              checked={frame?.method === 'umap'}
              disabled={!runViews.umap}
              onChange={() => actions.setProjection('umap')}
            />{' '}
            UMAP
          </label>
          <NumberField
            label="PCA every"
            testId="embedding-every"
            value={views.settings.embeddingEvery}
            min={VIEW_LIMITS.every.min}
            max={VIEW_LIMITS.every.max}
            step={1}
            onChange={(v) => actions.setViewSettings({ embeddingEvery: Math.round(v) })}
          />
          <button onClick={() => actions.refreshView('embedding')}>Refresh</button>
        </div>
      </header>
      <p className="hint">
        {frame
          ? `${frame.method.toUpperCase()} of ${probe?.count ?? 0} held-out images at step ${chosen?.step}` +
            (frame.method === 'pca' && frame.explained.length === 2
              ? ` · axes explain ${(100 * frame.explained[0]).toFixed(1)}% and ${(100 * frame.explained[1]).toFixed(1)}% of the variance`
              : '') +
            ` · ${frame.ms.toFixed(0)} ms in the worker · wheel to zoom, drag to pan, double-click to reset`
          : probe
            ? 'Waiting for the first projection…'
            : 'Load a dataset to see its representations.'}
      </p>
      {probe ? (
        <EmbeddingCanvas
          probe={probe}
          points={points}
          showOod={showOod}
          description={
            frame
              ? `${frame.method.toUpperCase()} of r(x) for ${probe.count} held-out images in ${classCount} classes at step ${chosen?.step}` +
                (probe.oodCount > 0 && showOod ? `, with ${probe.oodCount} out-of-distribution images as crosses` : '')
              : 'Waiting for the first projection'
          }
        />
      ) : (
        <div className="embedding-canvas" data-testid="embedding-view" data-value={0} />
      )}
      {probe && (
        <div className="legend">
          {probe.classNames.map((name, i) => (
            <span key={name + i} className="legend-item">
              <span className="swatch" style={{ background: classColor(i) }} /> {name}
            </span>
          ))}
          {probe.labels.some((l) => l < 0 || l >= classCount) && (
            <span className="legend-item">
              <span className="swatch" style={{ background: classColor(-1) }} /> unlabelled
            </span>
          )}
          {probe.oodCount > 0 ? (
            <label className="legend-item">
              <input type="checkbox" checked={showOod} onChange={(e) => setShowOod(e.currentTarget.checked)} />
              <span style={{ color: OOD_COLOR }}>✕</span> OOD ({probe.oodCount})
            </label>
          ) : (
            <span className="legend-item hint">{probe.oodNote}</span>
          )}
        </div>
      )}
      <UmapControls params={views.umapParams} views={views} actions={actions} />
    </section>
  );
}
