import path from 'node:path';

// The bundle lives in out/main; the preload and renderer are built next to it by electron-vite.
export const PRELOAD_PATH = path.join(import.meta.dirname, '../preload/index.cjs');
export const RENDERER_HTML = path.join(import.meta.dirname, '../renderer/index.html');
