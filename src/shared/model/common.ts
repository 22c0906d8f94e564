import { z } from 'zod';

/** Headers stay raw: ordered `[name, value]` pairs with their original case. */
export const headerPairs = z
  .array(z.tuple([z.string().max(64 * 1024), z.string().max(1024 * 1024)]))
  .max(10_000);
export type HeaderPairs = Array<[string, string]>;

export const idSchema = z.string().min(1).max(200);
