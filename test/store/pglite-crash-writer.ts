import { openStore } from '../../src/store/open-store.js';
import { referral } from './store-fixtures.js';

/**
 * Child process of `pglite-durability.test.ts`: commits one batch (records and cursor) to the
 * embedded store in the folder given, says so, and kills itself without closing anything.
 */
const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: pglite-crash-writer <folder>');
const store = await openStore({ pgliteDir: dir });
await store.transaction(async (tx) => {
  await tx.applyWrites(Array.from({ length: 50 }, (_, i) => ({ op: 'insert' as const, record: referral({ id: `crash-${i}`, version: '1' }), runId: 'run-crash' })));
  await tx.saveCursor('ggz-altrecht', 'referrals', { page: 1 }, 'run-crash');
});
process.stdout.write('committed\n', () => process.kill(process.pid, 'SIGKILL'));
