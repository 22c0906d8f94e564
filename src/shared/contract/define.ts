import type { z } from 'zod';

/**
 * A command is a params schema plus a phantom result type. The schema is parsed at every door
 * (untrusted input); the result type is only for the compiler.
 */
export interface CommandDef<S extends z.ZodType = z.ZodType, R = unknown> {
  readonly params: S;
  /** Phantom: never read at run time. */
  readonly result: R;
}

export function defineCommand<R>() {
  return <S extends z.ZodType>(params: S): CommandDef<S, R> => ({ params, result: undefined as R });
}

export type CommandMap = Record<string, CommandDef>;
