import type { ThumbnailImage } from './uploader';

// Which files preview inline. Blob URLs share our origin, so only formats that cannot run script
// when rendered qualify: no SVG, no HTML, no PDF. Everything else is a file chip that downloads.
const IMAGE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp']);
const VIDEO = new Set(['video/mp4', 'video/webm', 'video/ogg', 'video/quicktime']);
const AUDIO = new Set(['audio/mpeg', 'audio/ogg', 'audio/wav', 'audio/x-wav', 'audio/webm', 'audio/aac', 'audio/flac', 'audio/mp4']);

export type MediaKind = 'image' | 'video' | 'audio' | 'file';

export function mediaKind(type: string): MediaKind {
  if (IMAGE.has(type)) return 'image';
  if (VIDEO.has(type)) return 'video';
  if (AUDIO.has(type)) return 'audio';
  return 'file';
}

/** Media below this size decrypt and preview on their own; larger ones wait for a click. */
export const AUTO_PREVIEW_BYTES = 25 * 1024 * 1024;
/** Beyond this a preview would have to hold too much in memory: download only. */
export const MAX_PREVIEW_BYTES = 512 * 1024 * 1024;

const THUMBNAIL_EDGE = 320;
const MAX_THUMBNAIL_SOURCE = 64 * 1024 * 1024;

/** A small preview made in the browser: images scaled to 320 px, a frame of a video. */
export async function makeThumbnail(file: Blob, type: string): Promise<ThumbnailImage | null> {
  if (typeof document === 'undefined' || file.size > MAX_THUMBNAIL_SOURCE) return null;
  const kind = mediaKind(type);
  if (kind === 'image') {
    const bitmap = await createImageBitmap(file);
    try {
      return await draw(bitmap, bitmap.width, bitmap.height);
    } finally {
      bitmap.close();
    }
  }
  if (kind === 'video') return videoFrame(file);
  return null;
}

async function draw(source: CanvasImageSource, width: number, height: number): Promise<ThumbnailImage | null> {
  if (!width || !height) return null;
  const scale = Math.min(1, THUMBNAIL_EDGE / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  canvas.getContext('2d')?.drawImage(source, 0, 0, w, h);
  const encode = (type: string) => new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, type, 0.8));
  // WebP where the browser can encode it (it falls back to PNG silently), else JPEG.
  let blob = await encode('image/webp');
  if (!blob || blob.type !== 'image/webp') blob = await encode('image/jpeg');
  return blob ? { blob, width: w, height: h } : null;
}

function videoFrame(file: Blob): Promise<ThumbnailImage | null> {
  return new Promise((resolve) => {
    const url = URL.createObjectURL(file);
    const video = document.createElement('video');
    const done = (result: ThumbnailImage | null) => {
      clearTimeout(timer);
      video.removeAttribute('src');
      video.load();
      URL.revokeObjectURL(url);
      resolve(result);
    };
    const timer = setTimeout(() => done(null), 8000);
    video.muted = true;
    video.preload = 'auto';
    video.onerror = () => done(null);
    video.onloadeddata = () => {
      video.currentTime = Math.min(1, (video.duration || 0) / 3);
    };
    video.onseeked = () => void draw(video, video.videoWidth, video.videoHeight).then(done, () => done(null));
    video.src = url;
  });
}
