import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { WerkbrugError } from '../errors/index.js';

/**
 * One process per embedded store folder. PGlite is a single connection in one process; a second
 * process opening the same folder would write beside it and damage it. The lock is a file next to
 * the folder (`<folder>.lock`) holding the owner's process id.
 *
 * - It appears atomically, already holding the pid: written to a temporary file first and then
 *   hard-linked into place (a link fails if the name exists), so no one reads a half-written lock.
 * - A lock whose content is not a pid is held (by a writer this scheme does not know), not stale.
 * - A stale lock (its process is gone) is first renamed away, which only one taker can do, and
 *   only then replaced; two takers cannot both win.
 * - Inside one process the folder can be open once: a second open is refused too.
 */
export interface FolderLock {
  release(): void;
}

const heldHere = new Set<string>();

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function inUse(folder: string, path: string, owner: string): WerkbrugError {
  return new WerkbrugError('WB_STORE_UNREACHABLE', {
    field: 'store.embeddedDir',
    expected: 'an embedded store no other process has open',
    detail: `the embedded store in ${folder} is in use by ${owner} (lock file ${path}); stop it, or use PostgreSQL (DATABASE_URL) to run several`,
  });
}

/** Creates the lock file with our pid in one step; false when the name already exists. */
function createLock(path: string): boolean {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temp, `${process.pid}\n`, { mode: 0o600 });
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}

export function lockFolder(folder: string): FolderLock {
  const path = `${folder}.lock`;
  if (heldHere.has(path)) throw inUse(folder, path, 'this process');
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (createLock(path)) {
      heldHere.add(path);
      let released = false;
      return {
        release: () => {
          if (released) return;
          released = true;
          heldHere.delete(path);
          rmSync(path, { force: true });
        },
      };
    }
    let content: string;
    try {
      content = readFileSync(path, 'utf8').trim();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // released meanwhile: try again
      throw error;
    }
    const pid = /^[0-9]{1,10}$/.test(content) ? Number(content) : undefined;
    if (pid === undefined) throw inUse(folder, path, 'an unknown owner');
    if (pid === process.pid || running(pid)) throw inUse(folder, path, pid === process.pid ? 'this process' : `process ${pid}`);
    // Stale: move it aside (only one taker succeeds), then try to create ours again.
    const aside = `${path}.stale-${pid}-${randomBytes(4).toString('hex')}`;
    try {
      renameSync(path, aside);
      rmSync(aside, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  throw new WerkbrugError('WB_STORE_UNREACHABLE', { field: 'store.embeddedDir', detail: `could not take the lock ${path}` });
}
