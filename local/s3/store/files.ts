import { randomBytes } from 'node:crypto';
import { readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A fresh path under `tmpDir` (same file system as the data, so that a rename is atomic). */
export function tempPath(tmpDir: string): string {
  return join(tmpDir, randomBytes(12).toString('hex'));
}

/** Writes JSON to a temp file and renames it into place: readers see the old or the new file, never half. */
export async function writeJsonAtomic(path: string, value: unknown, tmpDir: string): Promise<void> {
  const temp = tempPath(tmpDir);
  await writeFile(temp, JSON.stringify(value));
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** The names in `dir`, or none when it does not exist. */
export async function namesIn(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export const isMissingFile = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';
