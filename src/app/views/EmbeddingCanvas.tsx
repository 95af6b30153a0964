// The embedding scatter on a <canvas> (SVG would need one node per point). Redraws happen in
// requestAnimationFrame, never in React renders: zoom (wheel) and pan (drag) only touch refs, and hover
// re-renders only when the point under the cursor changes. Points are drawn as one path per class colour (one fill per
// class, not per point), which keeps 10,000 points well inside a frame.

import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import type { ProbeSetPayload } from '../../viewTypes';
import {
  classColor,
  fitBounds,
  groupByClass,
  IDENTITY_VIEW,
  nearestPoint,
  OOD_COLOR,
  panBy,
  toScreen,
  zoomAt,
  type Viewport,
} from './embeddingGeometry';
import { clearedHiDpiContext } from '../common/hiDpiCanvas';
import { Thumbnail } from '../common/Thumbnail';

export interface EmbeddingPoints {
  coords: Float32Array;
  oodCoords: Float32Array;
}

interface Hover {
  ood: boolean;
  index: number;
  x: number;
  y: number;
}

const POINT = 3;
const HOVER_RADIUS = 8;
const KEY_PAN = 24;
const KEY_ZOOM = 1.25;
const KEY_HOVER_RADIUS = 24;

export function EmbeddingCanvas({
  probe,
  points,
  showOod,
  height = 380,
  description = 'Embedding of the held-out images',
}: {
  probe: ProbeSetPayload;
  points: EmbeddingPoints | null;
  showOod: boolean;
  height?: number;
  /** What the picture shows, for screen readers; the keys are added to it. */
  description?: string;
}) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const viewRef = useRef<Viewport>(IDENTITY_VIEW);
  const screenRef = useRef<{ probe: Float32Array; ood: Float32Array }>({ probe: new Float32Array(0), ood: new Float32Array(0) });
  const frameRef = useRef<number | null>(null);
  const dragRef = useRef<{ x: number; y: number } | null>(null);
  const [hover, setHover] = useState<Hover | null>(null);
  const [drawn, setDrawn] = useState(0);
  const groups = useMemo(() => groupByClass(probe.labels, probe.classNames.length), [probe]);

  const draw = useCallback(() => {
    frameRef.current = null;
    const canvas = canvasRef.current;
    const started = performance.now();
    const surface = canvas ? clearedHiDpiContext(canvas) : null;
    if (!surface) return;
    const { ctx, width, height: h } = surface;
    if (!points) {
      setDrawn(0);
      return;
    }
    // A frame computed before the OOD set changed has an overlay of the wrong size: leave it out.
    const ood = showOod && points.oodCoords.length === 2 * probe.oodCount ? points.oodCoords : new Float32Array(0);
    const bounds = fitBounds(points.coords, ood);
    const screen = toScreen(points.coords, bounds, width, h, viewRef.current, 12, screenRef.current.probe);
    const oodScreen = toScreen(ood, bounds, width, h, viewRef.current, 12, screenRef.current.ood);
    screenRef.current = { probe: screen, ood: oodScreen };
    const inside = (x: number, y: number) => x >= -POINT && y >= -POINT && x <= width + POINT && y <= h + POINT;
    let count = 0;
    for (const { label, indices } of groups) {
      ctx.beginPath();
      for (const i of indices) {
        const x = screen[2 * i];
        const y = screen[2 * i + 1];
        if (!inside(x, y)) continue;
        ctx.rect(x - POINT / 2, y - POINT / 2, POINT, POINT);
        count++;
      }
      ctx.fillStyle = classColor(label);
      ctx.fill();
    }
    if (oodScreen.length > 0) {
      // OOD points as small crosses in one stroked path, so they read apart from every class colour.
      ctx.beginPath();
      for (let i = 0; i + 1 < oodScreen.length; i += 2) {
        const x = oodScreen[i];
        const y = oodScreen[i + 1];
        if (!inside(x, y)) continue;
        ctx.moveTo(x - 3, y - 3);
        ctx.lineTo(x + 3, y + 3);
        ctx.moveTo(x - 3, y + 3);
        ctx.lineTo(x + 3, y - 3);
        count++;
      }
      ctx.strokeStyle = OOD_COLOR;
      ctx.lineWidth = 1;
      ctx.stroke();
    }
    setDrawn(count);
    // For scripts/bench-views.mjs (a PerformanceObserver sees it); cleared so a long session keeps no buffer.
    performance.measure('embedding-draw', { start: started });
    performance.clearMeasures('embedding-draw');
  }, [points, showOod, probe, groups]);

  const requestDraw = useCallback(() => {
    if (frameRef.current === null) frameRef.current = requestAnimationFrame(draw);
  }, [draw]);

  useEffect(() => {
    requestDraw();
    return () => {
      if (frameRef.current !== null) cancelAnimationFrame(frameRef.current);
      frameRef.current = null;
    };
  }, [requestDraw]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const observer = new ResizeObserver(() => requestDraw());
    observer.observe(canvas);
    // React's onWheel is passive and cannot stop the page from scrolling while zooming.
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const rect = canvas.getBoundingClientRect();
      viewRef.current = zoomAt(viewRef.current, Math.exp(-event.deltaY * 0.0015), event.clientX - rect.left, event.clientY - rect.top);
      setHover(null);
      requestDraw();
    };
    canvas.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      observer.disconnect();
      canvas.removeEventListener('wheel', onWheel);
    };
  }, [requestDraw]);

  /** Shows the point nearest to (x, y), if one is within `radius` pixels. */
  const pickAt = (x: number, y: number, radius: number) => {
    const i = nearestPoint(screenRef.current.probe, x, y, radius);
    const j = i < 0 ? nearestPoint(screenRef.current.ood, x, y, radius) : -1;
    const next = i >= 0 ? { ood: false, index: i, x, y } : j >= 0 ? { ood: true, index: j, x, y } : null;
    setHover((prev) => (prev?.index === next?.index && prev?.ood === next?.ood ? prev : next));
  };

  const onPointerMove = (event: PointerEvent<HTMLCanvasElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const x = event.clientX - rect.left;
    const y = event.clientY - rect.top;
    if (dragRef.current) {
      viewRef.current = panBy(viewRef.current, x - dragRef.current.x, y - dragRef.current.y);
      dragRef.current = { x, y };
      requestDraw();
      return;
    }
    pickAt(x, y, HOVER_RADIUS);
  };

  // The keyboard does what the mouse does: arrows pan, + and - zoom at the centre, 0 resets, and the
  // point nearest the centre is described as a hovered one would be.
  const onKeyDown = (event: KeyboardEvent<HTMLCanvasElement>) => {
    const cx = event.currentTarget.clientWidth / 2;
    const cy = event.currentTarget.clientHeight / 2;
    const pans: Record<string, [number, number]> = {
      ArrowLeft: [KEY_PAN, 0],
      ArrowRight: [-KEY_PAN, 0],
      ArrowUp: [0, KEY_PAN],
      ArrowDown: [0, -KEY_PAN],
    };
    if (event.key in pans) viewRef.current = panBy(viewRef.current, ...pans[event.key]);
    else if (event.key === '+' || event.key === '=') viewRef.current = zoomAt(viewRef.current, KEY_ZOOM, cx, cy);
    else if (event.key === '-') viewRef.current = zoomAt(viewRef.current, 1 / KEY_ZOOM, cx, cy);
    else if (event.key === '0') viewRef.current = IDENTITY_VIEW;
    else if (event.key === 'Escape') setHover(null);
    else return;
    event.preventDefault();
    if (event.key === 'Escape') return;
    requestDraw();
    // After the redraw (queued first) has placed the points.
    requestAnimationFrame(() => pickAt(cx, cy, KEY_HOVER_RADIUS));
  };

  const hoverLabel = hover && !hover.ood ? probe.labels[hover.index] : -1;
  const label = `${description}. Arrow keys pan, plus and minus zoom, 0 resets; the image nearest the centre is described.`;
  return (
    <div className="embedding-canvas" data-testid="embedding-view" data-value={drawn}>
      <canvas
        ref={canvasRef}
        style={{ width: '100%', height }}
        role="img"
        aria-label={label}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onBlur={() => setHover(null)}
        onPointerDown={(event) => {
          event.currentTarget.setPointerCapture(event.pointerId);
          const rect = event.currentTarget.getBoundingClientRect();
          dragRef.current = { x: event.clientX - rect.left, y: event.clientY - rect.top };
          setHover(null);
        }}
        onPointerMove={onPointerMove}
        onPointerUp={() => (dragRef.current = null)}
        onPointerLeave={() => setHover(null)}
        onDoubleClick={() => {
          viewRef.current = IDENTITY_VIEW;
          requestDraw();
        }}
      />
      {hover && (
        <div className="embedding-hover" data-testid="embedding-hover" style={{ left: hover.x + 14, top: hover.y + 14 }}>
          <Thumbnail pixels={hover.ood ? probe.oodPixels : probe.pixels} index={hover.index} size={probe.size} />
          <div>
            {hover.ood ? (
              <>OOD image #{hover.index}</>
            ) : (
              <>
                <span className="swatch" style={{ background: classColor(hoverLabel) }} />{' '}
                {hoverLabel >= 0 ? (probe.classNames[hoverLabel] ?? `class ${hoverLabel}`) : 'unlabelled'}
                <br />
                test image #{probe.indices[hover.index]}
              </>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
