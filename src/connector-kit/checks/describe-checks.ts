import { once } from 'node:events';
import { createServer } from 'node:net';
import type { CheckResult } from '../../connector/connector.js';
import type { ContractCheck } from '../contract-check.js';
import { duplicatesOf, ensure } from '../contract-failure.js';
import type { ContractSubject } from '../contract-subject.js';
import { kitTokenEnv, withSession } from '../kit-session.js';

/**
 * `describe()` and `check()`: the streams are well formed, the config schema accepts the settings
 * that point at the sandbox and refuses a typo, and `check()` tells a working connection from a
 * wrong credential and an unreachable partner without throwing.
 */
const roles: ReadonlySet<string> = new Set(['consent', 'data', 'deletions']);

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 9;
  server.close();
  await once(server, 'close');
  return port;
}

/** The config with the origin of every `*Url` setting replaced. */
function withOrigin<Config>(config: Config, origin: string): Config {
  if (typeof config !== 'object' || config === null) return config;
  const moved = Object.entries(config).map(([key, value]) => {
    if (!/Url$/.test(key) || typeof value !== 'string' || !URL.canParse(value)) return [key, value] as const;
    const url = new URL(value);
    return [key, `${origin}${url.pathname === '/' ? '' : url.pathname}${url.search}`] as const;
  });
  return Object.fromEntries(moved) as Config;
}

function described(result: CheckResult): string {
  return result.ok ? 'ok' : result.code;
}

export function describeChecks<Config>(subject: ContractSubject<Config>): ContractCheck[] {
  return [
    {
      id: 'describe',
      title: 'describes at least one stream with a unique name, a known role and a cursor text; its config schema accepts the sandbox settings and refuses an unknown key',
      run: () => withSession(subject, { scenario: 'default', persons: subject.smallScenarioPersons }, async (session) => {
        const config = session.config();
        const streams = subject.connector.describe(config).streams;
        ensure(streams.length > 0, () => 'describe(): expected at least one stream, got none');
        const twice = duplicatesOf(streams.map((stream) => stream.name));
        ensure(twice.length === 0, () => `describe(): expected unique stream names, got ${twice.join(', ')} more than once`);
        for (const stream of streams) {
          ensure(/^[A-Za-z][A-Za-z0-9_-]{0,59}$/.test(stream.name), () => `describe(): stream name "${stream.name}": expected 1–60 letters, digits, _ or - (it is part of job ids)`);
          ensure(roles.has(stream.role), () => `describe(): stream ${stream.name}: expected role consent, data or deletions, got "${String(stream.role)}"`);
          ensure(stream.cursor.trim().length > 0, () => `describe(): stream ${stream.name}: expected a text saying what the cursor means, got an empty one`);
        }
        const accepted = subject.connector.configSchema.safeParse(config);
        ensure(accepted.success, () => `configSchema: expected it to accept settings(sandbox), got ${accepted.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
        const typo = subject.connector.configSchema.safeParse({ ...(config as object), kitUnknownSetting: 1 });
        ensure(!typo.success, () => 'configSchema: expected it to refuse an unknown key (kitUnknownSetting), got it accepted (use z.strictObject so a typo is an error at start-up)');
        ensure(JSON.stringify(config).includes(kitTokenEnv), () => `settings(): expected the tokenEnv the kit passed (${kitTokenEnv}) in the config, got a config without it`);
        ensure(session.sandbox.token.length > 0 && !JSON.stringify(config).includes(session.sandbox.token), () => 'settings(): expected the token by reference (tokenEnv), got the token itself in the config');
      }),
    },
    {
      id: 'check-credentials',
      title: 'check() answers ok with the right token and WB_PARTNER_AUTH with a wrong one, without throwing',
      run: () => withSession(subject, { scenario: 'default', persons: subject.smallScenarioPersons }, async (session) => {
        const config = session.config();
        const good = await subject.connector.check(config, session.http(config));
        ensure(good.ok, () => `check() with the sandbox token: expected ok, got ${described(good)} (${good.ok ? '' : good.detail})`);
        const bad = await subject.connector.check(config, session.http(config, { token: `${session.sandbox.token}-wrong`, retries: 1 }));
        ensure(!bad.ok && bad.code === 'WB_PARTNER_AUTH', () => `check() with a wrong token: expected WB_PARTNER_AUTH, got ${described(bad)}`);
      }),
    },
    {
      id: 'check-unreachable',
      title: 'check() answers WB_PARTNER_UNREACHABLE for a partner nobody answers on, without throwing',
      run: () => withSession(subject, { scenario: 'default', persons: subject.smallScenarioPersons }, async (session) => {
        const dead = `http://127.0.0.1:${await closedPort()}`;
        // Every `*Url` setting moved to a port nobody listens on (the origins the core allows).
        const config = withOrigin(session.config(), dead);
        const result = await subject.connector.check(config, session.http(config, { retries: 1, timeoutMs: 1_000 }));
        ensure(!result.ok && result.code === 'WB_PARTNER_UNREACHABLE', () => `check() against a closed port: expected WB_PARTNER_UNREACHABLE, got ${described(result)}`);
      }),
    },
  ];
}
