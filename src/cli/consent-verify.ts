import { openConfiguredStore } from './bootstrap.js';

/**
 * `werkbrug consent verify`: exit 0 when the chain verifies, 1 naming the first bad entry. Needs no
 * key: the chain is plain SHA-256 over canonical JSON, which anyone can recompute.
 */
export async function consentVerifyCommand(configFile: string, env: NodeJS.ProcessEnv): Promise<number> {
  const store = await openConfiguredStore(configFile, env);
  try {
    const result = await store.verifyConsentLog();
    if (result.ok) {
      process.stdout.write(`consent log verified: ${result.entries} entries, head #${result.headSeq} cl1:${result.headHash}\n`);
      return 0;
    }
    process.stdout.write(`consent log FAILED verification at entry #${result.firstBadSeq}: ${result.problem}: ${result.detail}\n`);
    return 1;
  } finally {
    await store.close();
  }
}
