import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// First capture per provider delivery id, per catcher, so retries can point at it. Append-only
// lines on disk; losing the tail only means a later retry is not marked.

interface Line {
  c: string;
  d: string;
  id: string;
}

export class DeliveryIndex {
  private readonly file: string;
  private readonly first = new Map<string, string>();

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'webhook-deliveries.jsonl');
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return;
    }
    for (const raw of text.split('\n')) {
      if (!raw) continue;
      try {
        const l = JSON.parse(raw) as Line;
        const key = `${l.c}\n${l.d}`;
        if (!this.first.has(key)) this.first.set(key, l.id);
      } catch {
        // A torn last line after a crash: skip it.
      }
    }
  }

  /** The first capture with this delivery id, without claiming it. */
  firstOf(catcherId: string, deliveryId: string): string | null {
    return this.first.get(`${catcherId}\n${deliveryId}`) ?? null;
  }

  /** The first capture with this delivery id, or null (and this one becomes the first). */
  seen(catcherId: string, deliveryId: string, captureId: string): string | null {
    const key = `${catcherId}\n${deliveryId}`;
    const prior = this.first.get(key);
    if (prior !== undefined && prior !== captureId) return prior;
    if (prior === undefined) {
      this.first.set(key, captureId);
      try {
        appendFileSync(this.file, JSON.stringify({ c: catcherId, d: deliveryId, id: captureId } satisfies Line) + '\n');
      } catch {
        // Duplicate marking is a convenience; a write failure must not touch capture.
      }
    }
    return null;
  }

  /** Forget a catcher's ids (its captures were cleared); null = every catcher. */
  clear(catcherId: string | null): void {
    for (const key of [...this.first.keys()]) if (catcherId === null || key.startsWith(`${catcherId}\n`)) this.first.delete(key);
    const lines: string[] = [];
    for (const [key, id] of this.first) {
      const [c, d] = key.split('\n') as [string, string];
      lines.push(JSON.stringify({ c, d, id } satisfies Line));
    }
    try {
      writeFileSync(this.file, lines.length ? lines.join('\n') + '\n' : '');
    } catch {
      // See above.
    }
  }

  close(): void {}
}
