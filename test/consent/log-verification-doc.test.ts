import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePublicKey } from '../../src/consent/checkpoint.js';
import { checkInclusionProof, inclusionProofSchema } from '../../src/consent/inclusion-proof.js';
import { scratch } from './checkpoint-support.js';

/**
 * docs/privacy/log-verification.md promises that an independent verifier can be written from it.
 * Its worked example must check with werkbrug's own code, and its standalone script (plain Node,
 * node:crypto only) must accept the example and refuse it tampered.
 */
const doc = readFileSync('docs/privacy/log-verification.md', 'utf8');
const blocks = [...doc.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1] ?? '', body: m[2] ?? '' }));
const exampleProof = blocks.find((b) => b.lang === 'json' && b.body.includes('"werkbrug.inclusion-proof/1"'))?.body ?? '';
const publicKeyPem = blocks.find((b) => b.body.startsWith('-----BEGIN PUBLIC KEY-----'))?.body ?? '';
const script = blocks.find((b) => b.lang === 'js' && b.body.includes('verify-proof.mjs'))?.body ?? '';

describe('the documented proof format', () => {
  const s = scratch('doc');
  afterAll(() => s.cleanup());

  const run = (proof: unknown): { status: number | null; out: string } => {
    writeFileSync(join(s.dir, 'verify-proof.mjs'), script);
    writeFileSync(join(s.dir, 'proof.json'), JSON.stringify(proof));
    writeFileSync(join(s.dir, 'public-key.pem'), publicKeyPem);
    const result = spawnSync(process.execPath, [join(s.dir, 'verify-proof.mjs'), join(s.dir, 'proof.json'), join(s.dir, 'public-key.pem')], { encoding: 'utf8' });
    return { status: result.status, out: result.stdout + result.stderr };
  };

  it('has a worked example that werkbrug\'s own check accepts', () => {
    const proof = inclusionProofSchema.parse(JSON.parse(exampleProof));
    expect(checkInclusionProof(proof, parsePublicKey(publicKeyPem)).ok).toBe(true);
  });

  it('has a standalone script that accepts the example', () => {
    const { status, out } = run(JSON.parse(exampleProof));
    expect(out).toMatch(/ok    entry hash\nok    place\nok    audit path\nok    signature\nentry #2 is in the log of 3 entries/);
    expect(status).toBe(0);
  });

  it('has a standalone script that refuses a changed decision, a wrong place and a changed checkpoint', () => {
    const proof = JSON.parse(exampleProof) as { entry: { seq: number; content: Record<string, unknown> }; leafIndex: number; checkpoint: Record<string, unknown> };
    expect(run({ ...proof, entry: { ...proof.entry, content: { ...proof.entry.content, outcome: 'refuse' } } })).toMatchObject({ status: 1, out: expect.stringMatching(/FAIL  entry hash/) });
    expect(run({ ...proof, leafIndex: 0 })).toMatchObject({ status: 1, out: expect.stringMatching(/FAIL  place/) });
    expect(run({ ...proof, checkpoint: { ...proof.checkpoint, time: '2025-03-03T09:00:00.000Z' } })).toMatchObject({ status: 1, out: expect.stringMatching(/FAIL  signature/) });
  });
});
