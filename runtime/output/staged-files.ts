import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, rmdirSync, statSync, writeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { StagedFileError } from '../errors.js';

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
        if (existsSync(path) && !statSync(path).isFile()) throw new StagedFileError(`${path} exists and is not a file`);
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

  /**
   * Moves every file into place, all or none: files it replaces are moved
   * aside first, and put back if any move fails. The replaced files are
   * deleted in the background: freeing a few hundred megabytes of an old
   * trades.csv takes the file system a while, and the new output does not
   * need to wait for it. Await the result before exiting.
   */
  commit(): Promise<void> {
    this.closeAll();
    const asides: (string | undefined)[] = [];
    const placed: string[] = [];
    try {
      this.paths.forEach((path, k) => {
        const aside = join(dirname(path), `.${basename(path)}.${process.pid}.old`);
        if (existsSync(path)) {
          renameSync(path, aside);
          asides[k] = aside;
        }
        renameSync(this.temporary[k]!, path);
        placed.push(path);
      });
    } catch (error) {
      for (const path of placed) rmSync(path, { force: true });
      asides.forEach((aside, k) => {
        if (aside !== undefined) renameSync(aside, this.paths[k]!);
      });
      for (const t of this.temporary) rmSync(t, { force: true });
      throw error;
    }
    const replaced = asides.filter((a): a is string => a !== undefined);
    return Promise.all(replaced.map((aside) => rm(aside, { force: true }))).then(() => undefined);
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
