import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Writes several files so that either all of them appear or none does:
 * each goes to a temporary name first and is renamed only once all are
 * written.
 */
export function writeFilesAtomically(files: readonly { path: string; text: string }[]): void {
  const temporary = files.map((f) => join(dirname(f.path), `.${process.pid}.${Date.now()}.tmp`) + f.path.replace(/.*\//, '-'));
  try {
    files.forEach((f, k) => {
      mkdirSync(dirname(f.path), { recursive: true });
      writeFileSync(temporary[k]!, f.text);
    });
    files.forEach((f, k) => renameSync(temporary[k]!, f.path));
  } finally {
    for (const t of temporary) rmSync(t, { force: true });
  }
}
