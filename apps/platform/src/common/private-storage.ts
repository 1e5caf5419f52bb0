import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Call records, recordings and cached media are the tenants' data: folders the platform creates are 0700 and
 * the database file 0600. Folders that already exist keep their mode (DATABASE_PATH may point into a shared
 * folder the operator owns).
 */
export const PRIVATE_DIRECTORY_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

export function createPrivateDirectorySync(path: string): void {
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIRECTORY_MODE });
}

export async function createPrivateDirectory(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: PRIVATE_DIRECTORY_MODE });
}

/** Creates an empty 0600 file for SQLite to fill (it gives its journal and WAL files the same mode). */
export function createPrivateDatabaseFile(path: string): void {
  createPrivateDirectorySync(dirname(path));
  if (existsSync(path)) return;
  try {
    closeSync(openSync(path, 'wx', PRIVATE_FILE_MODE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
