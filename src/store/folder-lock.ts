import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { WerkbrugError } from '../errors/index.js';

/**
 * One process per embedded store folder. PGlite is a single connection in one process; a second
 * process opening the same folder would write beside it and damage it. The lock is a file next to
 * the folder (`<folder>.lock`) holding the owner's process id, created exclusively. A lock whose
 * process no longer runs (a killed werkbrug) is stale and taken over.
 */
export interface FolderLock {
  release(): void;
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockFolder(folder: string): FolderLock {
  const path = `${folder}.lock`;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let released = false;
      return {
        release: () => {
          if (released) return;
          released = true;
          rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && running(pid)) {
        throw new WerkbrugError('WB_STORE_UNREACHABLE', {
          field: 'store.embeddedDir',
          expected: 'an embedded store no other process has open',
          detail: `the embedded store in ${folder} is in use by process ${pid} (lock file ${path}); stop that process, or use PostgreSQL (DATABASE_URL) to run several`,
        });
      }
      // Stale (its process is gone) or our own: take it over.
      rmSync(path, { force: true });
    }
  }
  throw new WerkbrugError('WB_STORE_UNREACHABLE', { field: 'store.embeddedDir', detail: `could not take the lock ${path}` });
}
