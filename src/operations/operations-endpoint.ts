import type { QueueSet } from '../../jobs/queues.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../logging/logger.js';
import type { Store } from '../store/store.js';
import { readinessChecks, startHealthServer } from './health-server.js';
import { metricsRegistry, watchAlerts, watchQueues } from './metrics.js';

/**
 * The health and metrics endpoint of a long-running process (`werkbrug worker`, `werkbrug
 * scheduler`): /healthz, /readyz (Redis, the store and the process's loop) and /metrics with the
 * queue depths and firing alerts read at scrape time. `operations.health.{host,port}`; the port
 * can be overridden per process with WERKBRUG_HEALTH_PORT (two processes on one machine).
 */
export interface OperationsEndpoint {
  readonly url: string;
  close(): Promise<void>;
}

export async function startOperationsEndpoint(options: {
  readonly config: Config;
  readonly env: NodeJS.ProcessEnv;
  readonly queues: Pick<QueueSet, 'sync' | 'pull' | 'ingest' | 'connection'>;
  readonly store: Store;
  readonly logger: Logger;
  /** The loop whose health /readyz reports, by name (`workers`, `scheduler`). */
  readonly loop: { readonly name: string; running(): boolean };
  /** False once the process is shutting down: /healthz then answers 503. */
  readonly live?: () => boolean;
}): Promise<OperationsEndpoint> {
  const portOverride = options.env.WERKBRUG_HEALTH_PORT;
  const port = portOverride !== undefined && /^\d{1,5}$/.test(portOverride) ? Number(portOverride) : options.config.operations.health.port;
  const stopWatching = [watchQueues(options.queues), watchAlerts(options.store)];
  let open = true;
  const server = await startHealthServer({
    host: options.config.operations.health.host,
    port,
    registry: metricsRegistry,
    ready: readinessChecks({ redis: options.queues.connection, store: options.store, loops: { [options.loop.name]: () => options.loop.running() } }),
    live: () => open && (options.live?.() ?? true),
  });
  options.logger.info({ url: server.url }, 'health and metrics endpoint listening (/healthz, /readyz, /metrics)');
  return {
    url: server.url,
    async close() {
      open = false;
      for (const stop of stopWatching) stop();
      await server.close();
    },
  };
}
