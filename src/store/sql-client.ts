/**
 * The little SQL surface the store needs, so one set of SQL serves PostgreSQL (`pg`) and the
 * embedded PGlite alike. Rows come back as plain objects; callers parse them with zod
 * (`sql-rows.ts`) because the two drivers differ in detail (PostgreSQL returns `bigint` as a
 * string, PGlite as a number).
 */
export type SqlRow = Readonly<Record<string, unknown>>;

export interface SqlQueryable {
  /** One statement with `$1…` parameters. JS arrays bind as SQL arrays, objects as JSON. */
  query(text: string, params?: readonly unknown[]): Promise<readonly SqlRow[]>;
  /** A script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface SqlClient extends SqlQueryable {
  readonly engine: 'postgres' | 'pglite';
  /** The schema every statement runs in (set as `search_path`). */
  readonly schema: string;
  /** Where the database is, for messages: `host:port/database` or a folder. Never a password. */
  readonly location: string;
  /**
   * Runs `fn` in one transaction on one connection: COMMIT when it resolves, ROLLBACK when it
   * throws (the error is rethrown unchanged).
   */
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Schema names are spliced into SQL and connection options, so only plain identifiers pass. */
export const schemaNamePattern = /^[a-z_][a-z0-9_]{0,62}$/;
