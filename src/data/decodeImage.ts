// The browser image decoder (worker-safe: WebCodecs ImageDecoder / createImageBitmap + OffscreenCanvas,
// no DOM). Policy, the same as resample.ts applies to raw formats:
//  - EXIF orientation is ignored (imageOrientation 'none'): dataset images are normally stored upright,
//    and header sizes stay valid for the crop;
//  - centre-crop to a square, then resample to S x S inside createImageBitmap with resizeQuality
//    'high' (mipmapped, area-like when shrinking);
//  - alpha is composited over BACKGROUND; gray and palette images come out as RGB; 16-bit channels are
//    reduced to 8 by the browser; animated images give their first frame.
// Speed: WebCodecs' ImageDecoder takes the bytes directly. A Blob per image costs a round trip to the
// browser process's blob registry, which measured more than twice as slow for small CIFAR JPEGs in
// headless Chromium, so Blob + createImageBitmap is only the fallback (browsers
// without ImageDecoder, types it does not support, or bytes it refuses).
// Nothing is kept: every frame and bitmap is closed before returning.

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
    ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('OffscreenCanvas 2D context unavailable');
  }
  return ctx;
}

const webCodecsSupport = new Map<string, Promise<boolean>>();

function canUseImageDecoder(mime: string | undefined): Promise<boolean> {
  if (!mime || typeof ImageDecoder === 'undefined') return Promise.resolve(false);
  let p = webCodecsSupport.get(mime);
  if (!p) {
    p = ImageDecoder.isTypeSupported(mime).catch(() => false);
    webCodecsSupport.set(mime, p);
  }
  return p;
}

export async function decodeImage(bytes: Uint8Array, _name: string, size: number, info?: ImageInfo): Promise<DecodedImage> {
  if (await canUseImageDecoder(info?.mime)) {
    try {
      return { ok: true, rgb: await viaWebCodecs(bytes, info!.mime, size) };
    } catch {
      // Fall through: createImageBitmap gives the browser's own verdict (and reason) on these bytes.
    }
  }
  try {
    return { ok: true, rgb: await viaBlob(bytes, size, info) };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { ok: false, reason: `the browser could not decode it (${why})` };
  }
}

async function viaWebCodecs(bytes: Uint8Array, mime: string, size: number): Promise<Uint8Array> {
  // ImageDecoder copies `data`; the caller's bytes are not transferred or kept.
  const decoder = new ImageDecoder({ data: bytes as Uint8Array<ArrayBuffer>, type: mime, preferAnimation: false });
  let frame: VideoFrame | null = null;
  try {
    frame = (await decoder.decode({ frameIndex: 0 })).image;
    // The frame's own size, not the header's: it is what the browser will crop.
    return await cropResizeRead(frame, frame.displayWidth, frame.displayHeight, size);
  } finally {
    frame?.close();
    decoder.close();
  }
}

async function viaBlob(bytes: Uint8Array, size: number, info?: ImageInfo): Promise<Uint8Array> {
  // Copy into a fresh ArrayBuffer-backed view: a Blob must not see a SharedArrayBuffer.
  const blob = new Blob([bytes.slice()], info?.mime ? { type: info.mime } : undefined);
  let full: ImageBitmap | null = null;
  try {
    if (info?.width && info.height) return await cropResizeRead(blob, info.width, info.height, size);
    // No header size (AVIF, TIFF...): decode once to learn it, then crop from the bitmap.
    full = await createImageBitmap(blob, { imageOrientation: 'none' });
    return await cropResizeRead(full, full.width, full.height, size);
  } finally {
    full?.close();
  }
}

async function cropResizeRead(source: ImageBitmapSource, w: number, h: number, size: number): Promise<Uint8Array> {
  const side = Math.min(w, h);
  if (!(side > 0)) throw new Error(`image has no pixels (${w}x${h})`);
  const small = await createImageBitmap(source, Math.floor((w - side) / 2), Math.floor((h - side) / 2), side, side, {
    imageOrientation: 'none',
    resizeWidth: size,
    resizeHeight: size,
    resizeQuality: 'high',
  });
  try {
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
    return rgb;
  } finally {
    small.close();
  }
}
