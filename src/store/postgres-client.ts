import pg from 'pg';
import { WerkbrugError } from '../errors/index.js';
import { schemaNamePattern, type SqlClient, type SqlQueryable, type SqlRow } from './sql-client.js';

export interface PostgresClientOptions {
  /** `postgres://user[:password]@host[:port]/database`; the password never reaches a message. */
  readonly databaseUrl: string;
  /** Schema werkbrug owns; created if missing and set as `search_path` on every connection. */
  readonly schema: string;
  /** Connections in the pool. Default 10. */
  readonly poolSize?: number;
  /** How long to wait for a connection before `WB_STORE_UNREACHABLE`, in ms. Default 5000. */
  readonly connectTimeoutMs?: number;
}

/** Node and PostgreSQL codes that mean "cannot talk to the server", as a short phrase. */
const unreachableReasons: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
  '28P01': 'authentication failed',
  '28000': 'authentication failed',
  '3D000': 'database does not exist',
  '57P01': 'server shut down the connection',
  '57P02': 'server shut down the connection',
  '57P03': 'server is starting up or shutting down',
};

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const code = (err as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** The reason a connection failed, or undefined when `err` is an ordinary SQL error. */
function unreachableReason(err: unknown): string | undefined {
  const code = errorCode(err);
  if (code !== undefined && unreachableReasons[code] !== undefined) return `${unreachableReasons[code]} (${code})`;
  if (code !== undefined && code.startsWith('08')) return `connection failure (${code})`;
  const message = err instanceof Error ? err.message : '';
  // pg reports its own timeouts and dropped sockets without a code.
  if (/timeout exceeded when trying to connect|Connection terminated/i.test(message)) return 'connection timed out or was dropped';
  return undefined;
}

/** `host:port/database as user`, from the URL; the password is left out on purpose. */
function describeTarget(databaseUrl: string): string {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    // The value may hold a password, so it is not echoed.
    throw new WerkbrugError('WB_CONFIG_INVALID', {
      field: 'DATABASE_URL', expected: 'postgres://user@host:port/database (or leave it unset for the embedded store)', got: 'a value that is not a URL',
    });
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new WerkbrugError('WB_CONFIG_INVALID', {
      field: 'DATABASE_URL', expected: 'postgres://user@host:port/database (or leave it unset for the embedded store)', got: `a ${url.protocol}// URL`,
    });
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || '(default database)';
  const user = url.username ? ` as user ${decodeURIComponent(url.username)}` : '';
  return `${url.hostname || 'localhost'}:${url.port || '5432'}/${database}${user}`;
}

function unreachable(location: string, reason: string, cause: unknown): WerkbrugError {
  return new WerkbrugError('WB_STORE_UNREACHABLE', { field: 'DATABASE_URL', detail: `PostgreSQL at ${location}: ${reason}` }, { cause });
}

/**
 * Opens a pool on PostgreSQL, creates the schema if missing and checks that the server answers.
 * Throws `WB_STORE_UNREACHABLE` naming host, port, database and user (never the password) when it
 * cannot connect, and `WB_CONFIG_INVALID` for a malformed URL or schema name.
 */
export async function createPostgresClient(options: PostgresClientOptions): Promise<SqlClient> {
  if (!schemaNamePattern.test(options.schema)) {
    throw new WerkbrugError('WB_CONFIG_INVALID', { field: 'store.schema', expected: 'a lower-case identifier (a-z, 0-9, _)', got: JSON.stringify(options.schema) });
  }
  const location = describeTarget(options.databaseUrl);
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    // search_path as a start-up option: every pooled connection is in the schema before its
    // first statement, with no race against a `SET` issued after connect.
    options: `-c search_path=${options.schema}`,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
  });
  // An idle connection that dies emits 'error' on the pool; unhandled it would end the process.
  // The next query on the pool reports the outage as WB_STORE_UNREACHABLE instead.
  pool.on('error', () => undefined);

  const wrap = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      const reason = unreachableReason(err);
      throw reason === undefined ? err : unreachable(location, reason, err);
    }
  };

  try {
    await wrap(() => pool.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`));
  } catch (err) {
    // Two processes creating the same schema at once: one of them loses the race harmlessly.
    if (errorCode(err) !== '23505' && errorCode(err) !== '42P06') {
      await pool.end().catch(() => undefined);
      throw err;
    }
  }

  const onClient = (client: pg.PoolClient): SqlQueryable => ({
    query: (text, params) => wrap(async () => (await client.query<SqlRow>(text, params as unknown[] | undefined)).rows),
    exec: (script) => wrap(async () => { await client.query(script); }),
  });

  return {
    engine: 'postgres',
    schema: options.schema,
    location,
    query: (text, params) => wrap(async () => (await pool.query<SqlRow>(text, params as unknown[] | undefined)).rows),
    exec: (script) => wrap(async () => { await pool.query(script); }),
    async transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T> {
      const client = await wrap(() => pool.connect());
      let broken = false;
      try {
        await wrap(() => client.query('BEGIN'));
        const result = await fn(onClient(client));
        await wrap(() => client.query('COMMIT'));
        return result;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
        } catch {
          // The connection is unusable; destroy it instead of returning it to the pool.
          broken = true;
        }
        throw err;
      } finally {
        client.release(broken);
      }
    },
    async close() {
      await pool.end();
    },
  };
}
