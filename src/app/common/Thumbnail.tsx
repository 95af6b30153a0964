// One image from an RGB byte block, drawn into a canvas the size of the image (CSS scales it up).

import { useEffect, useRef } from 'react';
import { putImage } from './pixelTiles';

export function Thumbnail({
  pixels,
  index,
  size,
  scale = 4,
  title,
}: {
  pixels: Uint8Array;
  index: number;
  size: number;
  scale?: number;
  title?: string;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (ctx) putImage(ctx, pixels, index, size, 0, 0);
  }, [pixels, index, size]);
  return (
    <canvas
      ref={ref}
      className="pixelated"
      width={size}
      height={size}
      style={{ width: size * scale, height: size * scale }}
      title={title}
    />
  );
}
