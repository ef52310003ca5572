import { startOperationsEndpoint } from '../operations/operations-endpoint.js';
import { openRuntimeSession, type RuntimeSession } from './runtime-session.js';

/**
 * `werkbrug worker`: runs the sync, pull and ingest workers until SIGTERM or SIGINT. Any number of
 * worker processes on any number of machines share the work through one Redis and one store.
 *
 * On SIGTERM the jobs in hand stop at their next safe point and go back to the queue (see
 * `src/pipeline/workers.ts`): a pull after the page before is stored, a sync run while it waits.
 * Another worker — or this one after a restart — resumes them from the store's cursors. A second
 * signal while shutting down exits at once (BullMQ then hands the jobs on after its stall check).
 */
export interface WorkerProcess {
  readonly session: RuntimeSession;
  /** Resolves when the worker has shut down (after `stop` or a signal). */
  readonly stopped: Promise<void>;
  stop(reason: string): Promise<void>;
}

export async function startWorkerProcess(options: { configFile: string; env: NodeJS.ProcessEnv; signals?: boolean; endpoint?: boolean }): Promise<WorkerProcess> {
  const session = await openRuntimeSession({ configFile: options.configFile, env: options.env, localWorkers: true });
  const log = session.runtime.logger.child({ process: 'worker' });
  const { runtime, queues, workers } = session;
  let stopping: Promise<void> | undefined;
  const endpoint = options.endpoint === false ? undefined : await startOperationsEndpoint({
    config: runtime.config, env: options.env, queues, store: runtime.store, logger: log, loop: { name: 'workers', running: () => workers?.running() ?? false },
    live: () => stopping === undefined,
  }).catch(async (error: unknown) => {
    await session.close();
    throw error;
  });
  let resolveStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => { resolveStopped = resolve; });
  const stop = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      log.info({ reason }, 'worker shutting down: jobs in hand finish their page and go back to the queue');
      const started = Date.now();
      // The endpoint stays up (/readyz says the workers stopped) until the jobs in hand are back.
      await session.close();
      await endpoint?.close().catch(() => undefined);
      log.info({ ms: Date.now() - started }, 'worker stopped');
      resolveStopped();
    })();
    return stopping;
  };
  if (options.signals !== false) {
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        log.warn({ signal }, 'second signal: exiting now');
        process.exit(1);
      }
      void stop(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  log.info({ pullConcurrency: session.runtime.config.pipeline.pullConcurrency, ingestConcurrency: session.runtime.config.pipeline.ingestConcurrency }, 'worker ready');
  return { session, stopped, stop };
}

export async function workerCommand(configFile: string, env: NodeJS.ProcessEnv): Promise<number> {
  const worker = await startWorkerProcess({ configFile, env });
  await worker.stopped;
  return 0;
}
