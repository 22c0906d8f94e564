// esbuild options shared by the CLI bundle (scripts/build-cli.mjs) and the bench's (bench/run.mjs):
// one ESM file per entry for the Node versions we support, npm packages left where npm put them
// (native modules, localtunnel's files the tunnel worker loads). No keepNames: that is what tsx
// adds and what these bundles are for (see BENCHMARKS.md, "Eighth session").
export const NODE_BUNDLE = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
};
