import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPrivateDirectory } from '../common/private-storage';

/** What the cache remembers of one URL fetched for one account. */
export interface CacheEntry {
  url: string;
  /** The converted file's id (its name in `files/`). */
  file: string;
  storedAt: number;
  freshUntil: number;
  etag: string;
  lastModified: string;
  /** Kept so a 304 without caching headers of its own can be judged by the original ones. */
  cacheControl: string;
  expires: string;
}

const ID = /^[0-9a-f]{64}$/;
/** Asterisk fetches a file right after the platform prepares it: never evict one that recent. */
const RECENT_MS = 10 * 60 * 1000;

/**
 * The disk side of the `<Play>` cache: `entries/<key>.json` maps an account's URL to a converted
 * file, `files/<id>.wav` holds what Asterisk plays. Files are named by their content's hash, so a
 * file's URL never changes meaning and Asterisk may cache it as long as it likes.
 */
export class PlayMediaStore {
  private readonly logger = new Logger(PlayMediaStore.name);
  private evicting: Promise<void> | null = null;
  private evictAgain = false;

  constructor(
    private readonly root: string,
    private readonly maxBytes: number,
  ) {}

  filePath(id: string): string {
    return join(this.root, 'files', `${id}.wav`);
  }

  /** The path of a stored file, or null for a malformed id or a file that is not (or no longer) there. */
  async findFile(id: string): Promise<string | null> {
    if (!ID.test(id)) return null;
    const path = this.filePath(id);
    return (await isFile(path)) ? path : null;
  }

  /** The entry for `key`, or null when there is none or its file was evicted. */
  async readEntry(key: string): Promise<CacheEntry | null> {
    let entry: CacheEntry;
    try {
      entry = JSON.parse(await readFile(this.entryPath(key), 'utf8')) as CacheEntry;
    } catch {
      return null;
    }
    if (typeof entry.file !== 'string' || !(await this.findFile(entry.file))) {
      await this.deleteEntry(key);
      return null;
    }
    return entry;
  }

  async writeEntry(key: string, entry: CacheEntry): Promise<void> {
    await atomicWrite(this.entryPath(key), JSON.stringify(entry));
  }

  async deleteEntry(key: string): Promise<void> {
    await rm(this.entryPath(key), { force: true });
  }

  /** Stores a converted file under `id` (once: same id, same bytes) and marks it used. */
  async writeFile(id: string, wav: Buffer): Promise<void> {
    const path = this.filePath(id);
    if (await isFile(path)) await this.touch(id);
    else await atomicWrite(path, wav);
    this.scheduleEviction();
  }

  /** Marks a file as just used; the least recently used files are evicted first. */
  async touch(id: string): Promise<void> {
    const now = new Date();
    await utimes(this.filePath(id), now, now).catch(() => undefined);
  }

  async removeFile(id: string): Promise<void> {
    await rm(this.filePath(id), { force: true });
  }

  /** Resolves when no eviction is running (tests wait for it). */
  async settled(): Promise<void> {
    while (this.evicting) await this.evicting;
  }

  private entryPath(key: string): string {
    return join(this.root, 'entries', `${key}.json`);
  }

  private scheduleEviction(): void {
    if (this.evicting) {
      this.evictAgain = true;
      return;
    }
    this.evicting = this.evict()
      .catch((error: unknown) => this.logger.warn(`Evicting cached media failed: ${error}`))
      .finally(() => {
        this.evicting = null;
        if (this.evictAgain) {
          this.evictAgain = false;
          this.scheduleEviction();
        }
      });
  }

  private async evict(): Promise<void> {
    const folder = join(this.root, 'files');
    const names = (await readdir(folder).catch(() => [] as string[])).filter((name) => name.endsWith('.wav'));
    const files = (
      await Promise.all(
        names.map(async (name) => {
          const info = await stat(join(folder, name)).catch(() => null);
          return info ? { name, size: info.size, usedAt: info.mtimeMs } : null;
        }),
      )
    ).filter((file) => file !== null);
    let total = files.reduce((sum, file) => sum + file.size, 0);
    const now = Date.now();
    for (const file of files.sort((a, b) => a.usedAt - b.usedAt)) {
      if (total <= this.maxBytes) break;
      if (now - file.usedAt < RECENT_MS) continue;
      await rm(join(folder, file.name), { force: true });
      total -= file.size;
    }
  }
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
}

/** Write then rename: Asterisk must never fetch a half-written file, nor a reader see half an entry. */
async function atomicWrite(path: string, data: string | Buffer): Promise<void> {
  await createPrivateDirectory(join(path, '..'));
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, data, { mode: 0o600 });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
