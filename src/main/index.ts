// Electron entry point. Everything electron-specific lives in ./electron; the engine knows nothing of it.
import { startDesktopApp } from './electron/app';

startDesktopApp();
