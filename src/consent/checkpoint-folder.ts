import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WerkbrugError } from '../errors/werkbrug-error.js';
import { checkpointFileName, checkpointSchema, type Checkpoint } from './checkpoint.js';

/**
 * Checkpoint files in a folder: werkbrug's own (`privacy.checkpoints.dir`), a partner's copy, or
 * a folder a privacy officer hands to `consent verify --checkpoints`. One checkpoint per file,
 * named `checkpoint-<treeSize>-<time>.json`; other files are left alone.
 */
export interface CheckpointFile {
  readonly file: string;
  readonly checkpoint: Checkpoint;
}

export interface UnreadableCheckpoint {
  readonly file: string;
  readonly problem: string;
}

export interface CheckpointFolder {
  readonly checkpoints: readonly CheckpointFile[];
  /** Files named like checkpoints that are not: a changed or truncated copy is a finding, not noise. */
  readonly unreadable: readonly UnreadableCheckpoint[];
}

const namePattern = /^checkpoint-\d+-[0-9TZ.]+\.json$/;

/** Oldest first: by tree size, then time, then name. */
export function byTreeSize(a: CheckpointFile, b: CheckpointFile): number {
  return a.checkpoint.treeSize - b.checkpoint.treeSize || a.checkpoint.time.localeCompare(b.checkpoint.time) || a.file.localeCompare(b.file);
}

/** Parses one checkpoint file; throws WB_CONSENT_FILE_INVALID naming the file and the first bad field. */
export function parseCheckpointText(text: string, file: string): Checkpoint {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new WerkbrugError('WB_CONSENT_FILE_INVALID', { file, expected: 'a JSON checkpoint (werkbrug.checkpoint/1)', got: 'text that is not JSON' });
  }
  const parsed = checkpointSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new WerkbrugError('WB_CONSENT_FILE_INVALID', { file, field: issue?.path.join('.') || '(checkpoint)', expected: issue?.message ?? 'a werkbrug.checkpoint/1 object' });
  }
  return parsed.data;
}

export async function readCheckpointFile(file: string): Promise<Checkpoint> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new WerkbrugError('WB_CONSENT_FILE_INVALID', { file, expected: 'a readable checkpoint file' });
  }
  return parseCheckpointText(text, file);
}

/** Every checkpoint in `dir`, oldest first; an absent folder has none. */
export async function readCheckpointFolder(dir: string): Promise<CheckpointFolder> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { checkpoints: [], unreadable: [] };
    throw err;
  }
  const checkpoints: CheckpointFile[] = [];
  const unreadable: UnreadableCheckpoint[] = [];
  for (const name of names.filter((n) => namePattern.test(n)).sort()) {
    const file = join(dir, name);
    try {
      checkpoints.push({ file, checkpoint: await readCheckpointFile(file) });
    } catch (err) {
      unreadable.push({ file, problem: err instanceof WerkbrugError ? err.message : String(err) });
    }
  }
  return { checkpoints: checkpoints.sort(byTreeSize), unreadable };
}

/** The newest checkpoint (largest tree, then latest time), if any. */
export function latestCheckpoint(folder: CheckpointFolder): CheckpointFile | undefined {
  return folder.checkpoints[folder.checkpoints.length - 1];
}

/**
 * Writes `checkpoint` into `dir` atomically: a temporary file in the same folder, then a rename,
 * so a reader (or a partner's sync tool watching the share) never sees half a checkpoint.
 */
export async function writeCheckpointFile(dir: string, checkpoint: Checkpoint): Promise<string> {
  await mkdir(dir, { recursive: true });
  const target = join(dir, checkpointFileName(checkpoint));
  const temporary = join(dir, `.${checkpointFileName(checkpoint)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, `${JSON.stringify(checkpoint, null, 2)}\n`, { flag: 'wx' });
    await rename(temporary, target);
  } catch (err) {
    await rm(temporary, { force: true });
    throw err;
  }
  return target;
}
