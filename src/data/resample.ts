// Pure resampling for formats that arrive as raw pixels (CIFAR .bin, IDX): the same policy the browser
// decoder applies to encoded images — centre-crop to a square, then area-average to S x S, gray to RGB —
// so a dataset looks the same whichever way it was imported.

/** How source pixels are laid out: gray (1 byte/px), interleaved RGB, or planar RGB (CIFAR: R plane, G, B). */
export type PixelLayout = 'gray' | 'rgb' | 'rgb-planar';

interface Tap {
  index: number;
  weight: number;
}

/** For each output coordinate, the source coordinates it covers and their area weights (sum 1). */
export function areaTaps(srcLen: number, srcStart: number, outLen: number): Tap[][] {
  const scale = srcLen / outLen;
  const taps: Tap[][] = [];
  for (let o = 0; o < outLen; o++) {
    const a = o * scale;
    const b = (o + 1) * scale;
    const list: Tap[] = [];
    for (let i = Math.floor(a); i < Math.ceil(b - 1e-9); i++) {
      const w = Math.min(b, i + 1) - Math.max(a, i);
      if (w > 1e-9) list.push({ index: srcStart + i, weight: w / scale });
    }
    taps.push(list);
  }
  return taps;
}

interface FlatTaps {
  start: Int32Array;
  index: Int32Array;
  weight: Float32Array;
}
const tapCache = new Map<string, FlatTaps>();

/** areaTaps in flat typed arrays, cached: a dataset resamples thousands of images of one size. */
function flatTaps(side: number, size: number): FlatTaps {
  const key = `${side}>${size}`;
  let t = tapCache.get(key);
  if (!t) {
    const lists = areaTaps(side, 0, size);
    const n = lists.reduce((a, l) => a + l.length, 0);
    t = { start: new Int32Array(size + 1), index: new Int32Array(n), weight: new Float32Array(n) };
    let k = 0;
    lists.forEach((l, o) => {
      t!.start[o] = k;
      for (const tap of l) {
        t!.index[k] = tap.index;
        t!.weight[k++] = tap.weight;
      }
    });
    t.start[size] = k;
    if (tapCache.size > 64) tapCache.clear();
    tapCache.set(key, t);
  }
  return t;
}

/**
 * Writes size*size*3 RGB bytes at out[outOffset..] from a width x height image that starts at
 * src[srcOffset]. Identity sizes are copied exactly (no rounding drift for 32x32 CIFAR at S=32).
 */
export function resampleSquare(
  src: Uint8Array,
  srcOffset: number,
  width: number,
  height: number,
  layout: PixelLayout,
  size: number,
  out: Uint8Array,
  outOffset: number,
): void {
  const side = Math.min(width, height);
  const sq = cropToRgb(src, srcOffset, width, height, layout, side);
  if (side === size) {
    out.set(sq, outOffset);
    return;
  }
  // Separable: average along rows, then along columns (area weights factorise).
  const t = flatTaps(side, size);
  const rows = new Float32Array(side * size * 3);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = t.start[x]; k < t.start[x + 1]; k++) {
        const o = (y * side + t.index[k]) * 3;
        const w = t.weight[k];
        r += w * sq[o];
        g += w * sq[o + 1];
        b += w * sq[o + 2];
      }
      const o = (y * size + x) * 3;
      rows[o] = r;
      rows[o + 1] = g;
      rows[o + 2] = b;
    }
  }
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = t.start[y]; k < t.start[y + 1]; k++) {
        const o = (t.index[k] * size + x) * 3;
        const w = t.weight[k];
        r += w * rows[o];
        g += w * rows[o + 1];
        b += w * rows[o + 2];
      }
      const o = outOffset + (y * size + x) * 3;
      out[o] = Math.round(r);
      out[o + 1] = Math.round(g);
      out[o + 2] = Math.round(b);
    }
  }
}

/** The centred side x side square as interleaved RGB bytes (one tight loop per layout). */
function cropToRgb(src: Uint8Array, base: number, width: number, height: number, layout: PixelLayout, side: number): Uint8Array {
  const x0 = Math.floor((width - side) / 2);
  const y0 = Math.floor((height - side) / 2);
  const plane = width * height;
  const sq = new Uint8Array(side * side * 3);
  for (let y = 0; y < side; y++) {
    const row = base + (y0 + y) * width + x0;
    let o = y * side * 3;
    if (layout === 'gray') {
      for (let x = 0; x < side; x++, o += 3) sq[o] = sq[o + 1] = sq[o + 2] = src[row + x];
    } else if (layout === 'rgb-planar') {
      for (let x = 0; x < side; x++, o += 3) {
        sq[o] = src[row + x];
        sq[o + 1] = src[row + plane + x];
        sq[o + 2] = src[row + 2 * plane + x];
      }
    } else {
      const start = base + ((y0 + y) * width + x0) * 3;
      sq.set(src.subarray(start, start + side * 3), o);
    }
  }
  return sq;
}
