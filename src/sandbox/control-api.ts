import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { faultRuleSchema, type FaultBook } from './fault-rules.js';
import type { RequestJournal } from './request-journal.js';
import type { VirtualClock } from './virtual-clock.js';

/**
 * The `/__control` API of `partners/README.md` §3, the same for every sandbox: health, reset,
 * clock, records, faults and the request journal. It needs `Authorization: Bearer
 * <SANDBOX_CONTROL_TOKEN>` and speaks JSON. Partner specifics (what a record is, extra routes such
 * as the ggz `consent-source`) come from a {@link ControlTarget}.
 */
export interface ControlRequest {
  readonly method: string;
  /** Path segments after `/__control`, decoded. */
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  readonly body: Buffer;
}

export interface ControlReply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type ControlRoute = (request: ControlRequest) => ControlReply | Promise<ControlReply>;

export interface ControlTarget<Reset> {
  /** Validates the reset body (`{scenario, seed, persons, …}`); unknown keys should be refused. */
  readonly resetSchema: z.ZodType<Reset>;
  health(): Record<string, unknown>;
  /** Reloads data. Faults, journal and clock are already cleared when this runs. */
  reset(input: Reset): void | Promise<void>;
  putRecord(kind: string, id: string, body: Buffer, query: URLSearchParams): ControlReply | Promise<ControlReply>;
  deleteRecord(kind: string, id: string, query: URLSearchParams): ControlReply | Promise<ControlReply>;
  /** Extra routes keyed by `METHOD name`, e.g. `POST consent-source`. */
  readonly routes?: Readonly<Record<string, ControlRoute>>;
}

export interface ControlApiOptions<Reset> {
  readonly token: string;
  readonly clock: VirtualClock;
  readonly faults: FaultBook<unknown>;
  readonly journal: RequestJournal;
  readonly target: ControlTarget<Reset>;
}

export type ControlApi = (request: ControlRequest, authorization: string | undefined) => Promise<ControlReply>;

/** Parses a JSON body against a schema; a failure is a 400 reply naming each field path. */
export function parseControlBody<T>(body: Buffer, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; reply: ControlReply } {
  let json: unknown = {};
  const text = body.toString('utf8').replace(/^\uFEFF/, '').trim();
  if (text !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      // Never echo the parser's message: Node quotes the input in it.
      return { ok: false, reply: { status: 400, body: { error: 'the body is not valid JSON' } } };
    }
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, reply: { status: 400, body: { error: 'invalid body', issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) } } };
}

const clockSchema = z
  .strictObject({
    now: z.iso.datetime({ offset: true }).optional(),
    advanceSeconds: z.number().finite().optional(),
    /** Stop (true) or run on (false); a set `now` freezes unless this says false. */
    frozen: z.boolean().optional(),
  })
  .refine((body) => body.now !== undefined || body.advanceSeconds !== undefined || body.frozen !== undefined, 'give now, advanceSeconds or frozen');

const limitSchema = z.coerce.number().int().min(1).max(100_000).default(100);

function tokenMatches(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1].trim(), 'utf8');
  const expected = Buffer.from(token, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function createControlApi<Reset>(options: ControlApiOptions<Reset>): ControlApi {
  const { clock, faults, journal, target } = options;

  const routes: Record<string, ControlRoute> = {
    'GET health': () => ({ status: 200, body: target.health() }),
    'POST reset': async (request) => {
      const parsed = parseControlBody(request.body, target.resetSchema);
      if (!parsed.ok) return parsed.reply;
      faults.clear();
      journal.clear();
      clock.reset();
      await target.reset(parsed.value);
      return { status: 200, body: target.health() };
    },
    'GET clock': () => ({ status: 200, body: clock.state() }),
    'POST clock': (request) => {
      const parsed = parseControlBody(request.body, clockSchema);
      if (!parsed.ok) return parsed.reply;
      const { now, advanceSeconds, frozen } = parsed.value;
      if (now !== undefined) clock.set(now, frozen === undefined ? {} : { frozen });
      else if (frozen === true) clock.freeze();
      else if (frozen === false) clock.run();
      if (advanceSeconds !== undefined) clock.advance(advanceSeconds);
      return { status: 200, body: clock.state() };
    },
    'POST faults': (request) => {
      const parsed = parseControlBody(request.body, faultRuleSchema);
      if (!parsed.ok) return parsed.reply;
      if (!faults.supported.has(parsed.value.fault.type)) {
        return { status: 400, body: { error: `fault type ${parsed.value.fault.type} is not supported by this sandbox`, supported: [...faults.supported] } };
      }
      return { status: 201, body: { id: faults.arm(parsed.value) } };
    },
    'GET faults': () => ({ status: 200, body: { faults: faults.list() } }),
    'DELETE faults': (request) => {
      const id = request.segments[1];
      if (id === undefined) {
        const removed = faults.list().length;
        faults.clear();
        return { status: 200, body: { removed } };
      }
      return faults.remove(id) ? { status: 200, body: { removed: 1 } } : { status: 404, body: { error: `no fault ${id}` } };
    },
    'GET requests': (request) => {
      const limit = limitSchema.safeParse(request.query.get('limit') ?? undefined);
      if (!limit.success) return { status: 400, body: { error: 'limit must be an integer from 1 to 100000' } };
      return { status: 200, body: { requests: journal.list(limit.data) } };
    },
    'PUT records': (request) => recordRoute(request, (kind, id) => target.putRecord(kind, id, request.body, request.query)),
    'DELETE records': (request) => recordRoute(request, (kind, id) => target.deleteRecord(kind, id, request.query)),
    ...target.routes,
  };

  return async (request, authorization) => {
    if (!tokenMatches(authorization, options.token)) {
      return { status: 401, body: { error: 'the control API needs Authorization: Bearer <SANDBOX_CONTROL_TOKEN>' }, headers: { 'WWW-Authenticate': 'Bearer realm="sandbox-control"' } };
    }
    const name = request.segments[0] ?? '';
    const route = routes[`${request.method} ${name}`];
    if (route) return route(request);
    const known = Object.keys(routes).some((key) => key.endsWith(` ${name}`));
    return known ? { status: 405, body: { error: `${request.method} is not allowed on /__control/${name}` } } : { status: 404, body: { error: `no control route /__control/${name}` } };
  };
}

function recordRoute(request: ControlRequest, act: (kind: string, id: string) => ControlReply | Promise<ControlReply>): ControlReply | Promise<ControlReply> {
  const [, kind, id, ...rest] = request.segments;
  if (!kind || !id || rest.length > 0) return { status: 404, body: { error: 'expected /__control/records/{kind}/{id}' } };
  return act(kind, id);
}
