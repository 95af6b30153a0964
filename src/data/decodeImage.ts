// The browser image decoder (worker-safe: createImageBitmap + OffscreenCanvas, no DOM). Policy, the
// same as resample.ts applies to raw formats:
//  - EXIF orientation is ignored (imageOrientation 'none'): header sizes stay valid for the crop, and
//    dataset images are normally stored upright already.
//  - centre-crop to a square, then resample to S x S inside createImageBitmap with resizeQuality
//    'high' (mipmapped, area-like for downscaling), which decodes and shrinks in one step off-thread;
//  - alpha is composited over BACKGROUND; gray and palette images come out as RGB; 16-bit channels are
//    reduced to 8 by the browser.
// Nothing is kept: the Blob goes out of scope and every bitmap is closed before returning.

import type { DecodedImage, ImageInfo } from './store';

/**
 * White, because transparent images in the wild (icons, product shots, logos, sketches) are made to be
 * seen on light pages; over black their dark strokes would vanish.
 */
export const BACKGROUND = 'rgb(255, 255, 255)';

let canvas: OffscreenCanvas | null = null;
let ctx: OffscreenCanvasRenderingContext2D | null = null;

/** One canvas reused for every image (creating one per image costs more than decoding a CIFAR JPEG). */
function surface(size: number): OffscreenCanvasRenderingContext2D {
  if (!canvas || !ctx || canvas.width !== size || canvas.height !== size) {
    canvas = new OffscreenCanvas(size, size);
    // willReadFrequently keeps the canvas in CPU memory, so getImageData does not read back from a GPU.
    ctx = canvas.getContext('2d', { willReadFrequently: true, alpha: false });
    if (!ctx) throw new Error('OffscreenCanvas 2D context unavailable');
  }
  return ctx;
}

export async function decodeImage(bytes: Uint8Array, _name: string, size: number, info?: ImageInfo): Promise<DecodedImage> {
  // Copy into a fresh ArrayBuffer-backed view: a Blob must not see a SharedArrayBuffer.
  const blob = new Blob([bytes.slice()], info?.mime ? { type: info.mime } : undefined);
  let full: ImageBitmap | null = null;
  let small: ImageBitmap | null = null;
  try {
    let w = info?.width ?? 0;
    let h = info?.height ?? 0;
    let source: ImageBitmapSource = blob;
    if (!w || !h) {
      // No header size (AVIF, TIFF...): decode once to learn it, then crop from the bitmap.
      full = await createImageBitmap(blob, { imageOrientation: 'none' });
      w = full.width;
      h = full.height;
      source = full;
    }
    const side = Math.min(w, h);
    const sx = Math.floor((w - side) / 2);
    const sy = Math.floor((h - side) / 2);
    small = await createImageBitmap(source, sx, sy, side, side, {
      imageOrientation: 'none',
      resizeWidth: size,
      resizeHeight: size,
      resizeQuality: 'high',
    });
    full?.close();
    full = null;
    const c = surface(size);
    // Fill, draw and read back with no await in between: concurrent decodes cannot interleave here.
    c.fillStyle = BACKGROUND;
    c.fillRect(0, 0, size, size);
    c.drawImage(small, 0, 0, size, size);
    const rgba = c.getImageData(0, 0, size, size).data;
    const rgb = new Uint8Array(size * size * 3);
    for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
      rgb[j] = rgba[i];
      rgb[j + 1] = rgba[i + 1];
      rgb[j + 2] = rgba[i + 2];
    }
    return { ok: true, rgb };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { ok: false, reason: `the browser could not decode it (${why})` };
  } finally {
    full?.close();
    small?.close();
  }
}
