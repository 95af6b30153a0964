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
  const x0 = Math.floor((width - side) / 2);
  const y0 = Math.floor((height - side) / 2);
  const plane = width * height;
  const at = (x: number, y: number, c: number): number => {
    const p = y * width + x;
    if (layout === 'gray') return src[srcOffset + p];
    if (layout === 'rgb') return src[srcOffset + p * 3 + c];
    return src[srcOffset + c * plane + p];
  };
  if (side === size) {
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++)
        for (let c = 0; c < 3; c++) out[outOffset + (y * size + x) * 3 + c] = at(x0 + x, y0 + y, c);
    return;
  }
  const tx = areaTaps(side, x0, size);
  const ty = areaTaps(side, y0, size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0;
      let g = 0;
      let bl = 0;
      for (const wy of ty[y]) {
        for (const wx of tx[x]) {
          const w = wx.weight * wy.weight;
          r += w * at(wx.index, wy.index, 0);
          g += w * at(wx.index, wy.index, 1);
          bl += w * at(wx.index, wy.index, 2);
        }
      }
      const o = outOffset + (y * size + x) * 3;
      out[o] = Math.round(r);
      out[o + 1] = Math.round(g);
      out[o + 2] = Math.round(bl);
    }
  }
}
