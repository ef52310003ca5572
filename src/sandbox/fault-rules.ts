import { z } from 'zod';

/**
 * Fault rules of `partners/README.md` §3.1, shared by every sandbox. A rule matches requests by
 * method, path prefix, operation and BSN; `skip` lets that many matching requests pass first and
 * `times` is how many get the fault (0 = until removed). Rules are checked in the order armed.
 * How a fault reaches the wire is `fault-delivery.ts`; the partner format only supplies its
 * native error body and a way to break its syntax.
 */
const httpErrorFault = z.strictObject({
  type: z.literal('http-error'),
  status: z.number().int().min(400).max(599),
  retryAfterSeconds: z.number().int().min(0).max(86_400).optional(),
  body: z.enum(['native', 'html', 'empty']).default('native'),
  /** Text for the native body (FHIR `diagnostics`, SOAP `faultstring`); a default per status otherwise. */
  message: z.string().max(500).optional(),
});

const soapFault = z.strictObject({
  type: z.literal('soap-fault'),
  code: z.string().min(1).max(40),
  omschrijving: z.string().max(500).optional(),
  httpStatus: z.number().int().min(200).max(599).default(500),
});

export const faultSchema = z.discriminatedUnion('type', [
  httpErrorFault,
  soapFault,
  z.strictObject({ type: z.literal('xml-doctype') }),
  z.strictObject({ type: z.literal('delay'), ms: z.number().int().min(0).max(600_000) }),
  z.strictObject({ type: z.literal('slow-body'), bytesPerSecond: z.number().int().min(1).max(1_000_000_000) }),
  z.strictObject({ type: z.literal('hang') }),
  z.strictObject({ type: z.literal('reset'), afterBytes: z.number().int().min(0).optional() }),
  z.strictObject({ type: z.literal('truncate'), bytes: z.number().int().min(0) }),
  z.strictObject({ type: z.literal('malformed') }),
  z.strictObject({ type: z.literal('wrong-content-type'), contentType: z.string().min(1).max(200).default('text/html; charset=utf-8') }),
  z.strictObject({ type: z.literal('repeat-page') }),
  z.strictObject({ type: z.literal('expire-paging') }),
  /** StUF only (`partners/gemeente-stuf.md` §7): an answer with no objects but `indicatorVervolgvraag` true. */
  z.strictObject({ type: z.literal('stuf-empty-vervolg') }),
]);

export type Fault = z.infer<typeof faultSchema>;
export type FaultType = Fault['type'];
export const faultTypes = faultSchema.options.map((option) => option.shape.type.value);

const optionalText = z.string().min(1).max(500).nullable().optional();

export const faultRuleSchema = z.strictObject({
  match: z
    .strictObject({
      method: optionalText,
      /** A prefix of the request path (`/fhir/Consent`). */
      path: optionalText,
      operation: optionalText,
      bsn: optionalText,
    })
    .default({}),
  fault: faultSchema,
  skip: z.number().int().min(0).default(0),
  times: z.number().int().min(0).default(1),
});

export type FaultRuleInput = z.input<typeof faultRuleSchema>;
export type FaultRule = z.infer<typeof faultRuleSchema>;

/** What a sandbox knows about a request before answering it. */
export interface RequestDescriptor {
  readonly method: string;
  readonly path: string;
  /**
   * A second path the request counts as, e.g. `/fhir/Consent` for a `next` link of a Consent
   * search (whose own path is `/fhir`), so "fail page 3 of Consent" is one rule.
   */
  readonly resourcePath?: string;
  readonly operation?: string;
  readonly bsn?: string;
  /** True for the continuation of a paged result (only these can get `expire-paging`). */
  readonly paging?: boolean;
}

export interface ArmedFaultView {
  readonly id: string;
  readonly rule: FaultRule;
  /** Who armed it: `control` (a test or person) or a named control action (`consent-source`). */
  readonly source: string;
  /** Matching requests seen so far. */
  readonly seen: number;
  /** Requests that got the fault. */
  readonly fired: number;
  readonly exhausted: boolean;
}

export interface FaultEvaluation {
  readonly fault?: Fault;
  readonly ruleId?: string;
  /** Every rule that matched, fired or not (for `repeat-page`, which replays their previous answer). */
  readonly matched: readonly string[];
}

interface ArmedFault<Answer> {
  readonly id: string;
  readonly rule: FaultRule;
  readonly source: string;
  seen: number;
  fired: number;
  previous?: Answer;
}

/** The armed rules of one sandbox. `Answer` is what the sandbox remembers for `repeat-page`. */
export class FaultBook<Answer = unknown> {
  private rules: ArmedFault<Answer>[] = [];
  private nextId = 1;

  constructor(readonly supported: ReadonlySet<FaultType> = new Set(faultTypes)) {}

  /** Arms a parsed rule and returns its id (`f1`, `f2`, …). Throws on a type this sandbox cannot produce. */
  arm(rule: FaultRule, source = 'control'): string {
    if (!this.supported.has(rule.fault.type)) throw new RangeError(`fault type ${rule.fault.type} is not supported by this sandbox`);
    const id = `f${this.nextId}`;
    this.nextId += 1;
    this.rules.push({ id, rule, source, seen: 0, fired: 0 });
    return id;
  }

  list(): ArmedFaultView[] {
    return this.rules.map(({ id, rule, source, seen, fired }) => ({
      id, rule, source, seen, fired, exhausted: rule.times !== 0 && fired >= rule.times,
    }));
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((armed) => armed.id !== id);
    return this.rules.length < before;
  }

  removeBySource(source: string): number {
    const before = this.rules.length;
    this.rules = this.rules.filter((armed) => armed.source !== source);
    return before - this.rules.length;
  }

  clear(): void {
    this.rules = [];
    this.nextId = 1;
  }

  /**
   * Counts the request against every matching rule and picks the earliest-armed rule that is
   * past its `skip` and still has `times` left. Only that rule's `fired` count grows.
   */
  evaluate(request: RequestDescriptor): FaultEvaluation {
    const matched: string[] = [];
    let chosen: ArmedFault<Answer> | undefined;
    for (const armed of this.rules) {
      if (!matches(armed.rule, request)) continue;
      armed.seen += 1;
      matched.push(armed.id);
      // A repeat needs something to repeat: until a matching answer was remembered the rule waits.
      const eligible =
        armed.seen > armed.rule.skip &&
        (armed.rule.times === 0 || armed.fired < armed.rule.times) &&
        (armed.rule.fault.type !== 'repeat-page' || armed.previous !== undefined);
      if (eligible && !chosen) chosen = armed;
    }
    if (!chosen) return { matched };
    chosen.fired += 1;
    return { fault: chosen.rule.fault, ruleId: chosen.id, matched };
  }

  /** Remembers the answer given to a request that matched these rules (for `repeat-page`). */
  remember(ruleIds: readonly string[], response: Answer): void {
    for (const armed of this.rules) if (ruleIds.includes(armed.id) && armed.rule.fault.type === 'repeat-page') armed.previous = response;
  }

  /** The answer to the previous request that matched the rule, if any. */
  previous(ruleId: string): Answer | undefined {
    return this.rules.find((armed) => armed.id === ruleId)?.previous;
  }
}

function matches(rule: FaultRule, request: RequestDescriptor): boolean {
  const { method, path, operation, bsn } = rule.match;
  if (method && method.toUpperCase() !== request.method.toUpperCase()) return false;
  if (path && !request.path.startsWith(path) && !(request.resourcePath?.startsWith(path) ?? false)) return false;
  if (operation && operation !== request.operation) return false;
  if (bsn && bsn !== request.bsn) return false;
  if (rule.fault.type === 'expire-paging' && !request.paging) return false;
  return true;
}

/**
 * Parses `X-Sandbox-Fault: type=http-error;status=500` (values may be double-quoted to hold a
 * `;`, as in `contentType="text/html; charset=utf-8"`). Digits become numbers.
 */
export function parseFaultHeader(header: string): ReturnType<typeof faultSchema.safeParse> {
  const fields: Record<string, string | number> = {};
  const pattern = /\s*([A-Za-z]+)\s*=\s*("([^"]*)"|[^;]*)\s*(;|$)/gy;
  let match: RegExpExecArray | null;
  while (pattern.lastIndex < header.length && (match = pattern.exec(header)) !== null) {
    const [, key, raw, quoted] = match;
    if (!key) break;
    const value = quoted ?? (raw ?? '').trim();
    fields[key] = /^[0-9]+$/.test(value) && key !== 'code' ? Number(value) : value;
    if (match[0] === '') break;
  }
  return faultSchema.safeParse(fields);
}
