import { randomBytes } from 'node:crypto';
import { createPartnerHttp } from '../connector/axios-partner-http.js';
import type { EdgeContext, PullContext } from '../connector/connector.js';
import type { PartnerHttp } from '../connector/partner-http.js';
import { loadReferenceTables, type ReferenceTables } from '../config/reference.js';
import { Pseudonymiser } from '../stages/pseudonymise.js';
import { kitPartnerId, type ContractSubject, type KitSandbox, type KitSandboxOptions } from './contract-subject.js';

/**
 * One check's world: the subject's sandbox, a throw-away pseudonymisation key (key id `kit`), the
 * `EdgeContext` the pull job would build (`jobs/pull.ts`), and partner HTTP made exactly as the
 * core makes it (`createPartnerHttp`), with short back-off so the kit stays fast. Every check
 * opens its own session and closes it, so checks share no state and run in any order.
 */
export const kitNow = '2026-03-02T10:00:00+01:00';
export const kitRegionCode = 'AM13';
/** The variable `settings()` names as `tokenEnv`; the kit sets it to the sandbox's token. */
export const kitTokenEnv = 'WERKBRUG_KIT_PARTNER_TOKEN';

export interface KitHttpOptions {
  /** Deadline of one attempt (default 5 s; the timeout check uses 1 s). */
  readonly timeoutMs?: number;
  /** Retries after the first attempt (default 3). */
  readonly retries?: number;
  /** Bearer token (default the sandbox's). */
  readonly token?: string;
}

export interface KitSession<Config> {
  readonly subject: ContractSubject<Config>;
  readonly sandbox: KitSandbox;
  readonly pseudonymiser: Pseudonymiser;
  readonly edgeContext: EdgeContext;
  /** Every back-off the partner HTTP asked for, in ms (Retry-After shows here as 1000). */
  readonly sleeps: number[];
  config(pageSize?: number): Config;
  http(config: Config, options?: KitHttpOptions): PartnerHttp;
  pullContext(): PullContext;
  close(): Promise<void>;
}

let references: ReferenceTables | undefined;

/** Origins a config points at: every `*Url` setting, the rule the core applies (`src/pipeline/runtime.ts`). */
export function originsOf(config: unknown): string[] {
  if (typeof config !== 'object' || config === null) return [];
  return Object.entries(config)
    .filter(([key, value]) => /Url$/.test(key) && typeof value === 'string' && URL.canParse(value))
    .map(([, value]) => new URL(value as string).origin);
}

export async function openSession<Config>(subject: ContractSubject<Config>, options: Omit<KitSandboxOptions, 'now'>): Promise<KitSession<Config>> {
  const sandbox = await subject.startSandbox({ now: kitNow, ...options });
  const pseudonymiser = new Pseudonymiser({ keyId: 'kit', key: randomBytes(32) });
  references ??= loadReferenceTables();
  const tables = references;
  const edgeContext: EdgeContext = {
    partnerId: subject.partnerId ?? kitPartnerId,
    regionCode: kitRegionCode,
    pseudonymiser,
    keepBirthYear: false,
    regionOfGemeente: tables.regionOfGemeente,
    gemeenteCodeOfName: tables.gemeenteCodeOfName,
  };
  process.env[kitTokenEnv] = sandbox.token;
  const sleeps: number[] = [];
  return {
    subject,
    sandbox,
    pseudonymiser,
    edgeContext,
    sleeps,
    config: (pageSize) => subject.settings(sandbox, { tokenEnv: kitTokenEnv, ...(pageSize === undefined ? {} : { pageSize }) }),
    http: (config, httpOptions = {}) =>
      createPartnerHttp({
        partnerId: subject.partnerId ?? kitPartnerId,
        allowedOrigins: originsOf(config),
        token: httpOptions.token ?? sandbox.token,
        timeoutMs: httpOptions.timeoutMs ?? 5_000,
        maxBodyBytes: 16 * 1024 * 1024,
        retries: httpOptions.retries ?? 3,
        baseDelayMs: 10,
        maxRetryAfterSeconds: 2,
        // Back-off is recorded (the 429 check reads it) and shortened: the faults fire once.
        sleep: async (ms) => {
          sleeps.push(ms);
          await new Promise((resolve) => setTimeout(resolve, Math.min(ms, 20)));
        },
      }),
    pullContext: () => (subject.connector.asksPerPerson && subject.pullContext ? subject.pullContext(sandbox, pseudonymiser) : {}),
    close: () => sandbox.close(),
  };
}

/** Runs `body` in a fresh session and always closes the sandbox. */
export async function withSession<Config, T>(subject: ContractSubject<Config>, options: Omit<KitSandboxOptions, 'now'>, body: (session: KitSession<Config>) => Promise<T>): Promise<T> {
  const session = await openSession(subject, options);
  try {
    return await body(session);
  } finally {
    await session.close();
  }
}
