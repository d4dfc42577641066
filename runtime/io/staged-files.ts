import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, rmdirSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Output files written as they are produced, under temporary names beside
 * their final ones. `commit` renames them all into place; `abort` removes
 * them, so a failed run leaves what was there before untouched (and no
 * folder it created).
 */
export class StagedFiles {
  private readonly fds: number[] = [];
  private readonly temporary: string[] = [];
  /** Folders this run made: each as the folder asked for and the topmost one created for it. */
  private readonly createdFolders: { folder: string; top: string }[] = [];
  private open = true;

  constructor(private readonly paths: readonly string[]) {
    try {
      for (const path of paths) {
        const folder = dirname(path);
        if (!existsSync(folder)) {
          const top = mkdirSync(folder, { recursive: true });
          if (top !== undefined) this.createdFolders.push({ folder, top });
        }
        const temporary = join(folder, `.${basename(path)}.${process.pid}.tmp`);
        this.fds.push(openSync(temporary, 'w'));
        this.temporary.push(temporary);
      }
    } catch (error) {
      this.abort();
      throw error;
    }
  }

  /** Appends bytes to file `k` (an index into the paths given). */
  write(k: number, bytes: Uint8Array): void {
    const fd = this.fds[k];
    if (fd === undefined || !this.open) throw new Error(`staged file ${k} is not open`);
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset, bytes.length - offset);
  }

  commit(): void {
    this.closeAll();
    this.temporary.forEach((t, k) => renameSync(t, this.paths[k]!));
  }

  abort(): void {
    this.closeAll();
    for (const t of this.temporary) rmSync(t, { force: true });
    // only folders this run made, deepest first, and only while empty
    for (const { folder, top } of this.createdFolders.reverse()) {
      for (let f = folder; ; f = dirname(f)) {
        if (!removeEmptyFolder(f) || f === top) break;
      }
    }
  }

  private closeAll(): void {
    if (!this.open) return;
    this.open = false;
    for (const fd of this.fds.splice(0)) closeSync(fd);
  }
}

/** False when the folder is gone already or holds something (someone else wrote there meanwhile). */
function removeEmptyFolder(folder: string): boolean {
  try {
    rmdirSync(folder);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOENT') return false;
    throw error;
  }
}
