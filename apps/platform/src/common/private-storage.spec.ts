import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateDatabaseFile, createPrivateDirectory } from './private-storage';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('private storage', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'callwright-private-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('creates folders 0700, nested ones included', async () => {
    await createPrivateDirectory(join(root, 'a', 'b'));
    expect(mode(join(root, 'a'))).toBe(0o700);
    expect(mode(join(root, 'a', 'b'))).toBe(0o700);
  });

  it('leaves the mode of a folder that already exists alone', async () => {
    mkdirSync(join(root, 'shared'), { mode: 0o755 });
    await createPrivateDirectory(join(root, 'shared', 'media'));
    expect(mode(join(root, 'shared'))).toBe(0o755);
    expect(mode(join(root, 'shared', 'media'))).toBe(0o700);
  });

  it('creates the database file 0600 in a 0700 folder, and keeps an existing one', () => {
    const path = join(root, 'data', 'callwright.sqlite');
    createPrivateDatabaseFile(path);
    expect(mode(path)).toBe(0o600);
    expect(mode(join(root, 'data'))).toBe(0o700);
    writeFileSync(path, 'kept');
    createPrivateDatabaseFile(path);
    expect(statSync(path).size).toBe(4);
  });
});
