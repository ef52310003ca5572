import { describe, expect, it } from 'vitest';
import { bootstrap } from '../../src/cli/bootstrap.js';
import { previousKeyFromEnvironment } from '../../src/config/pseudonym-key.js';
import { configSchema } from '../../src/config/schema.js';
import { withPersonPrevious } from '../../src/privacy/key-rotation-edge.js';
import { P1, P2 } from '../../src/sandbox/index.js';
import { Pseudonymiser, type PseudonymKey } from '../../src/stages/pseudonymise.js';
import { isWerkbrugError } from '../../src/errors/werkbrug-error.js';
import type { DraftRecord } from '../../src/trajectory/trajectory-record.js';
import { demoEnv } from '../support/demo-config.js';

/** Loading the previous key during a rotation window, and the edge pairing pseudonyms under both keys. */
const keyA: PseudonymKey = { keyId: 'mu-2025a', key: Buffer.alloc(32, 0xa1) };
const keyB: PseudonymKey = { keyId: 'mu-2026a', key: Buffer.alloc(32, 0xb2) };
const pseudonym = { pseudonym: configSchema.shape.pseudonym.parse({}) };
const envOf = (previous: Record<string, string>): NodeJS.ProcessEnv => previous;

function errorOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    if (isWerkbrugError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected an error');
}

describe('previousKeyFromEnvironment', () => {
  it('gives no previous key outside a rotation window', () => {
    expect(previousKeyFromEnvironment(pseudonym, envOf({}), keyB)).toBeUndefined();
  });

  it('loads the previous key and its id during a window', () => {
    const previous = previousKeyFromEnvironment(pseudonym, envOf({ WERKBRUG_PSEUDONYM_PREVIOUS_KEY: 'a1'.repeat(32), WERKBRUG_PSEUDONYM_PREVIOUS_KEY_ID: 'mu-2025a' }), keyB);
    expect(previous).toEqual(keyA);
  });

  it('refuses half a pair, naming the missing variable', () => {
    const error = errorOf(() => previousKeyFromEnvironment(pseudonym, envOf({ WERKBRUG_PSEUDONYM_PREVIOUS_KEY: 'a1'.repeat(32) }), keyB));
    expect(error.code).toBe('WB_CONFIG_SECRET_MISSING');
    expect(error.message).toContain('WERKBRUG_PSEUDONYM_PREVIOUS_KEY_ID');
    expect(error.message).not.toContain('a1a1a1');
  });

  it('refuses a previous key with the current key id: a new key gets a new id', () => {
    const error = errorOf(() => previousKeyFromEnvironment(pseudonym, envOf({ WERKBRUG_PSEUDONYM_PREVIOUS_KEY: 'a1'.repeat(32), WERKBRUG_PSEUDONYM_PREVIOUS_KEY_ID: 'mu-2026a' }), keyB));
    expect(error.code).toBe('WB_KEY_INVALID');
    expect(error.message).toContain('WERKBRUG_PSEUDONYM_PREVIOUS_KEY_ID');
  });

  it('refuses a previous key of the wrong length without echoing it', () => {
    const error = errorOf(() => previousKeyFromEnvironment(pseudonym, envOf({ WERKBRUG_PSEUDONYM_PREVIOUS_KEY: 'a1'.repeat(20), WERKBRUG_PSEUDONYM_PREVIOUS_KEY_ID: 'mu-2025a' }), keyB));
    expect(error.code).toBe('WB_KEY_INVALID');
    expect(error.message).not.toContain('a1a1a1');
  });
});

describe('bootstrap during a rotation window', () => {
  it('gives the runtime a pseudonymiser that knows the previous key', async () => {
    const boot = await bootstrap({
      configFile: 'config/midden-utrecht.yaml', inMemoryStore: true, logLevel: 'silent',
      env: demoEnv({ WERKBRUG_PSEUDONYM_KEY: 'b2'.repeat(32), WERKBRUG_PSEUDONYM_KEY_ID: 'mu-2026a', WERKBRUG_PSEUDONYM_PREVIOUS_KEY: 'a1'.repeat(32), WERKBRUG_PSEUDONYM_PREVIOUS_KEY_ID: 'mu-2025a' }),
    });
    try {
      expect(boot.runtime.pseudonymiser.keyId).toBe('mu-2026a');
      expect(boot.runtime.pseudonymiser.previousKeyId).toBe('mu-2025a');
      expect(boot.runtime.pseudonymiser.previousPerson(P1.bsn)).toBe(new Pseudonymiser(keyA).person(P1.bsn));
    } finally {
      await boot.close();
    }
  });
});

describe('Pseudonymiser with a previous key', () => {
  const rotating = new Pseudonymiser(keyB, keyA);

  it('pseudonymises under the new key exactly as without one', () => {
    expect(rotating.person(P1.bsn)).toBe(new Pseudonymiser(keyB).person(P1.bsn));
    expect(rotating.referenceHash('uwv', `${P1.bsn}/x`)).toBe(new Pseudonymiser(keyB).referenceHash('uwv', `${P1.bsn}/x`));
  });

  it('remembers new → previous for every person a page pseudonymised, pseudonyms only', () => {
    const page = rotating.remembering();
    page.person(P1.bsn);
    page.person(P2.bsn);
    const pairs = page.previousPseudonyms();
    expect([...pairs]).toEqual([
      [new Pseudonymiser(keyB).person(P1.bsn), new Pseudonymiser(keyA).person(P1.bsn)],
      [new Pseudonymiser(keyB).person(P2.bsn), new Pseudonymiser(keyA).person(P2.bsn)],
    ]);
    expect(JSON.stringify([...pairs])).not.toContain(P1.bsn);
    // The memory belongs to the page: the shared pseudonymiser and the next page start empty.
    expect(rotating.previousPseudonyms().size).toBe(0);
    expect(rotating.remembering().previousPseudonyms().size).toBe(0);
  });

  it('remembers nothing outside a window', () => {
    const page = new Pseudonymiser(keyB).remembering();
    page.person(P1.bsn);
    expect(page.previousPseudonyms().size).toBe(0);
    expect(page.previousKeyId).toBeUndefined();
  });

  it('refuses a previous key with the same id', () => {
    expect(() => new Pseudonymiser(keyB, { ...keyA, keyId: keyB.keyId })).toThrow(/previous key id/);
  });
});

describe('withPersonPrevious', () => {
  const page = new Pseudonymiser(keyB, keyA).remembering();
  const person = page.person(P1.bsn);
  const draft = (p: string | undefined): DraftRecord => ({
    record_kind: 'referral', ...(p ? { person: p } : {}),
    source: { partner_id: 'ggz-altrecht', record_ref: 'ggz-altrecht:ServiceRequest/1/_history/1', record_key: 'ggz-altrecht:ServiceRequest/1', version: '1' },
  });

  it('adds person_previous to drafts whose person was made under the new key in this page', () => {
    const [paired, tombstone, stranger] = withPersonPrevious([{ draft: draft(person) }, { draft: draft(undefined) }, { draft: draft(new Pseudonymiser(keyB).person(P2.bsn)) }], page.previousPseudonyms());
    expect(paired?.draft.person_previous).toBe(new Pseudonymiser(keyA).person(P1.bsn));
    expect(tombstone?.draft.person_previous).toBeUndefined();
    expect(stranger?.draft.person_previous).toBeUndefined();
  });
});
