import { z } from 'zod';
import { defineCommand } from './define';

export interface EngineInfo {
  version: string;
  dataDir: string;
  /** Which door the client is talking through. */
  door: 'electron' | 'web' | 'cli' | 'test';
  captureCount: number;
  storeError: { code: string; message: string } | null;
}

export const engineCommands = {
  'engine.info': defineCommand<EngineInfo>()(z.object({}).strict()),
};

export type EngineLevelEvent =
  | { type: 'engine.storeError'; error: { code: string; message: string } | null };
