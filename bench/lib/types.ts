/** One measured side of a figure (baseline or ours). */
export interface Measure {
  /** The headline number compared against the target (req/s, ms, MB, …). */
  value: number;
  unit: string;
  /** Secondary numbers shown in the notes column and in --json (p99, lost, …). */
  extra?: Record<string, number | string>;
}

export interface FigureResult {
  baseline: Measure | null;
  ours: Measure;
  /** ours / baseline when there is a baseline. */
  ratio: number | null;
  /** The target in words, e.g. "≥ 0.6× req/s, p99 ≤ 15 ms, 0 lost". */
  target: string;
  pass: boolean;
  notes?: string;
}

export interface FigureContext {
  /** A fresh temporary directory for this figure, removed afterwards. */
  tmp: string;
  /** Scale loops down for a quick run (--quick). */
  quick: boolean;
  log(message: string): void;
}

/** A file in bench/figures/ default-exports one of these (or an array of them). */
export interface Figure {
  name: string;
  /** Which issue/area owns it, for the table. */
  area: string;
  description: string;
  run(ctx: FigureContext): Promise<FigureResult>;
}

export function defineFigure(f: Figure): Figure {
  return f;
}
