import type { Store } from '../store/store.js';

/**
 * `werkbrug privacy rotation status` (`docs/privacy/key-rotation.md`): how many distinct stored
 * persons are under each pseudonym key id. A pseudonym names its key (`ps1:<keyid>:…`), so this
 * needs no key, only the ids. Counts only, never a pseudonym: the window may close when nobody a
 * partner still follows is left under the previous key (run the sweep first).
 */
export interface KeyIdStatus {
  readonly keyId: string;
  readonly role: 'current' | 'previous' | 'other';
  readonly persons: number;
}

export interface RotationStatus {
  readonly currentKeyId: string | null;
  readonly previousKeyId: string | null;
  readonly keyIds: readonly KeyIdStatus[];
  /** Persons under the previous key id (0 outside a window). */
  readonly underPrevious: number;
  /** Persons under a key id that is neither current nor previous: a key destroyed earlier, unlinkable. */
  readonly underOther: number;
}

export async function rotationStatus(store: Store, currentKeyId: string | null, previousKeyId: string | null): Promise<RotationStatus> {
  const keyIds = (await store.personsByKeyId()).map((c): KeyIdStatus => ({
    keyId: c.keyId,
    role: c.keyId === currentKeyId ? 'current' : c.keyId === previousKeyId ? 'previous' : 'other',
    persons: c.persons,
  }));
  const sum = (role: KeyIdStatus['role']): number => keyIds.filter((k) => k.role === role).reduce((n, k) => n + k.persons, 0);
  return { currentKeyId, previousKeyId, keyIds, underPrevious: sum('previous'), underOther: sum('other') };
}

export function formatRotationStatus(status: RotationStatus): string {
  const lines = [
    `current key id: ${status.currentKeyId ?? '(not set in this environment)'}`,
    `previous key id: ${status.previousKeyId ?? '(none: no rotation window open)'}`,
    'stored persons per key id:',
    ...(status.keyIds.length === 0 ? ['  (none)'] : status.keyIds.map((k) => `  ${k.keyId.padEnd(32)} ${String(k.persons).padStart(8)}  ${k.role}`)),
  ];
  if (status.previousKeyId !== null) {
    lines.push(status.underPrevious === 0
      ? 'nobody is stored under the previous key any more: the window can close (remove the previous key from the environment and destroy it)'
      : `${status.underPrevious} persons are still under the previous key: run \`werkbrug privacy rotation sweep\`; those no partner follows stay unlinkable once the key is destroyed`);
  }
  return `${lines.join('\n')}\n`;
}
