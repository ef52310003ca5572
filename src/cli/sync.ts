import { WerkbrugError } from '../errors/werkbrug-error.js';
import { runSync } from '../pipeline/run-sync.js';
import { runLine } from './run-actions-commands.js';
import { handBackOnSignal, openRuntimeSession } from './runtime-session.js';

/**
 * `werkbrug sync [partners...]`: one sync run per partner against the configured partner systems,
 * with workers in this process. Needs the key and tokens from the environment and a reachable
 * Redis (REDIS_URL). Exit 1 when any run failed.
 */
export async function syncCommand(configFile: string, partners: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const session = await openRuntimeSession({ configFile, env, localWorkers: true });
  const { runtime, queues } = session;
  const removeHandlers = handBackOnSignal(session);
  try {
    // A partner paused by `werkbrug pause` is left out when none is named, and refused when named:
    // its run would only be held until `werkbrug resume`.
    const paused = new Set((await runtime.store.operations.partnerControls()).filter((c) => c.paused).map((c) => c.partnerId));
    const named = partners.filter((id) => paused.has(id));
    if (named.length > 0) {
      throw new WerkbrugError('WB_OPERATIONS_INPUT_INVALID', { partner: named.join(', '), field: 'partners', expected: 'a partner that is not paused (werkbrug resume <partner> first; werkbrug status shows who paused it and why)' });
    }
    const ids = partners.length > 0 ? [...partners] : runtime.config.partners.filter((p) => !p.paused && !paused.has(p.id)).map((p) => p.id);
    if (partners.length === 0) for (const id of paused) process.stdout.write(`${id} paused: not synced (werkbrug resume ${id})\n`);
    const runs = await runSync(runtime, queues, ids, 'manual');
    for (const run of runs) process.stdout.write(`${runLine(run)}\n`);
    return runs.every((r) => r.status === 'succeeded') ? 0 : 1;
  } finally {
    removeHandlers();
    await session.close();
  }
}
