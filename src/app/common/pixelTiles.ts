// Draws RGB byte images (as they arrive from the worker) onto canvases through ImageData: no <img>, no
// encoding, no tensors. Images are drawn at 1 canvas pixel per image pixel; CSS scales them up with
// `image-rendering: pixelated`, so a 16-px sample stays crisp instead of blurred.

/** RGBA bytes of image `index` of an RGB block of size×size images. */
export function rgbaOf(pixels: Uint8Array, index: number, size: number): Uint8ClampedArray<ArrayBuffer> {
  const n = size * size;
  const rgba = new Uint8ClampedArray(n * 4);
  const base = index * n * 3;
  for (let p = 0; p < n; p++) {
    rgba[4 * p] = pixels[base + 3 * p];
    rgba[4 * p + 1] = pixels[base + 3 * p + 1];
    rgba[4 * p + 2] = pixels[base + 3 * p + 2];
    rgba[4 * p + 3] = 255;
  }
  return rgba;
}

/** Puts image `index` of `pixels` at (x, y) of the context's canvas. */
export function putImage(ctx: CanvasRenderingContext2D, pixels: Uint8Array, index: number, size: number, x: number, y: number): void {
  ctx.putImageData(new ImageData(rgbaOf(pixels, index, size), size, size), x, y);
}
