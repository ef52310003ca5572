import type { Logger } from 'pino';
import type { Config, PartnerConfig } from '../config/schema.js';
import type { ReferenceTables } from '../config/reference.js';
import { connectorById } from '../connector/registry.js';
import type { Connector } from '../connector/connector.js';
import { createPartnerHttp } from '../connector/axios-partner-http.js';
import type { PartnerHttp } from '../connector/partner-http.js';
import { WerkbrugError } from '../errors/werkbrug-error.js';
import { partnerRequestObserver } from '../operations/metrics.js';
import type { Pseudonymiser } from '../stages/pseudonymise.js';
import type { Store } from '../store/store.js';

/**
 * What a worker process holds: the frozen config, the store, the pseudonymiser (the only holder of
 * the key) and the reference tables. Passed to every processor; nothing here lives in Redis.
 */
export interface Runtime {
  readonly config: Readonly<Config>;
  readonly store: Store;
  readonly pseudonymiser: Pseudonymiser;
  readonly reference: ReferenceTables;
  readonly logger: Logger;
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => Date;
}

export interface PartnerBinding {
  readonly partner: PartnerConfig;
  readonly connector: Connector<unknown, unknown>;
  readonly settings: unknown;
}

export function bindPartner(runtime: Runtime, partnerId: string): PartnerBinding {
  const partner = runtime.config.partners.find((p) => p.id === partnerId);
  if (!partner) throw new WerkbrugError('WB_CONFIG_INVALID', { field: 'partners', expected: `a partner with id ${partnerId}` });
  const connector = connectorById(partner.connector);
  if (!connector) throw new WerkbrugError('WB_CONFIG_INVALID', { field: 'partners[].connector', expected: 'a known connector', got: partner.connector });
  return { partner, connector, settings: partner.settings };
}

/** Origins a partner's settings point at: every `*Url` setting. Paging links elsewhere are refused. */
function allowedOrigins(settings: Record<string, unknown>): string[] {
  return Object.entries(settings)
    .filter(([key, value]) => /Url$/.test(key) && typeof value === 'string')
    .map(([, value]) => new URL(value as string).origin);
}

export function partnerHttp(runtime: Runtime, binding: PartnerBinding, logger: Logger): PartnerHttp {
  const settings = binding.settings as Record<string, unknown>;
  const tokenEnv = typeof settings.tokenEnv === 'string' ? settings.tokenEnv : undefined;
  const token = tokenEnv ? runtime.env[tokenEnv] : undefined;
  if (tokenEnv && !token) {
    throw new WerkbrugError('WB_CONFIG_SECRET_MISSING', { partner: binding.partner.id, field: tokenEnv, expected: `environment variable ${tokenEnv} with the partner's API token` });
  }
  const http = binding.partner.http;
  return createPartnerHttp({
    partnerId: binding.partner.id,
    allowedOrigins: allowedOrigins(settings),
    token: token ?? '',
    timeoutMs: http.timeoutMs,
    maxBodyBytes: http.maxPageBytes,
    retries: http.retries,
    baseDelayMs: http.baseDelayMs,
    maxRetryAfterSeconds: http.maxRetryAfterSeconds,
    logger,
    observer: partnerRequestObserver(binding.partner.id),
  });
}
