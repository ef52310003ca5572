import { bootstrap } from './bootstrap.js';

/** `werkbrug consent verify`: exit 0 when the chain verifies, 1 naming the first bad entry. */
export async function consentVerifyCommand(configFile: string, env: NodeJS.ProcessEnv): Promise<number> {
  // Verifying needs no key: the chain is plain SHA-256. Give the demo key path a chance anyway.
  const boot = await bootstrap({ configFile, env, allowDemoKey: true, logLevel: 'warn' });
  try {
    const result = await boot.runtime.store.verifyConsentLog();
    if (result.ok) {
      process.stdout.write(`consent log verified: ${result.entries} entries, head #${result.headSeq} cl1:${result.headHash}\n`);
      return 0;
    }
    process.stdout.write(`consent log FAILED verification at entry #${result.firstBadSeq}: ${result.problem}: ${result.detail}\n`);
    return 1;
  } finally {
    await boot.close();
  }
}
