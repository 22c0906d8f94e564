/** Reported by engine.info and written into HAR exports; keep in step with package.json. */
export const ENGINE_VERSION = '0.1.0';
