import { createHash } from 'node:crypto';
import type { Cursor, PullContext, SourcePage } from '../../src/connector/connector.js';
import type { PartnerHttp } from '../../src/connector/partner-http.js';
import { WerkbrugError } from '../../src/errors/werkbrug-error.js';
import { childText, type XmlElement } from '../../src/xml/xml-document.js';
import type { GemeenteStufConfig } from './config-schema.js';
import { CursorTracker, parseCursor } from './cursor.js';
import type { StufItem } from './item.js';
import type { QuestionSpec } from './question.js';
import { askStuf, type StufAnswer } from './stuf-response.js';
import { isEntiteittype, PW_NS, questionName, type Entiteittype } from './stuf-names.js';

/**
 * `Connector.pull` for a gemeente (spec §2–3): one mutation question per stream from `vanaf` =
 * cursor − overlap, sorted by `mutatievolgnummer`, then follow-ups whose `start` is the number of
 * the last object of the previous page, until `indicatorVervolgvraag` is false. Every page's
 * `read` is the objects on it; numbers already stored (`recent`) or already seen in this pull are
 * absorbed. An answer that promises more but brings nothing new (no objects, or a page that ends
 * where the last one did) is asked once more, then fails the stream: it must never loop.
 *
 * Bounded (`context.until`, a replay or the one back-fill window): StUF has no upper bound in the
 * question, so the answers are cut instead. No object numbered above `until.mutatievolgnummer` is
 * emitted, read or counted, nor anything after it on the page (the answer is in number order),
 * and no follow-up is asked once a page reaches it. The cursor never passes it.
 */
function fingerprint(object: XmlElement): string {
  return createHash('sha256').update(JSON.stringify(object)).digest('hex');
}

/** The object's `mutatievolgnummer`, or undefined when it has none that is a number. */
export function numberOf(object: XmlElement): number | undefined {
  const text = childText(object, PW_NS, 'mutatievolgnummer');
  return text !== undefined && /^[0-9]{1,15}$/.test(text) ? Number(text) : undefined;
}

function streamOf(config: GemeenteStufConfig, stream: string): Entiteittype {
  if (!isEntiteittype(stream) || !config.streams.includes(stream)) {
    throw new WerkbrugError('WB_CONFIG_INVALID', { field: 'stream', expected: `one of ${config.streams.join(', ')}`, got: stream });
  }
  return stream;
}

/**
 * Asks a question; an answer that promises more (`indicatorVervolgvraag` true) but brings no
 * object past `start` is asked once more (a `stuf-empty-vervolg` suite bug, or a page sent twice),
 * and a second such answer fails the stream with `WB_PARTNER_RESPONSE_INVALID`.
 */
export async function askWithProgress(http: PartnerHttp, config: GemeenteStufConfig, spec: QuestionSpec): Promise<StufAnswer> {
  for (let attempt = 0; ; attempt += 1) {
    const answer = await askStuf(http, config, spec);
    const lastObject = answer.objects[answer.objects.length - 1];
    const last = lastObject ? numberOf(lastObject) : undefined;
    const noProgress = answer.vervolg && (answer.objects.length === 0 || (spec.start !== undefined && (last === undefined || last <= spec.start)));
    if (!noProgress) return answer;
    if (attempt >= 1) {
      throw new WerkbrugError('WB_PARTNER_RESPONSE_INVALID', {
        detail: `${questionName(spec.type)}: indicatorVervolgvraag true on an answer with nothing after start ${spec.start ?? '(first question)'}, twice; the stream stops instead of looping`,
      });
    }
  }
}

/** The objects of an answer up to the first one numbered above `bound` (exclusive). */
function upTo(objects: readonly XmlElement[], bound: number): readonly XmlElement[] {
  const past = objects.findIndex((object) => (numberOf(object) ?? 0) > bound);
  return past < 0 ? objects : objects.slice(0, past);
}

export async function* pullGemeente(config: GemeenteStufConfig, stream: string, from: Cursor | undefined, http: PartnerHttp, context?: PullContext): AsyncGenerator<SourcePage<StufItem>> {
  const type = streamOf(config, stream);
  const tracker = new CursorTracker(parseCursor(from), config.overlap);
  const bound = context?.until !== undefined ? parseCursor(context.until)?.mutatievolgnummer : undefined;
  const vanaf = tracker.vanaf();
  let start: number | undefined;
  for (;;) {
    const answer = await askWithProgress(http, config, {
      type, vanaf, maximumAantal: config.pageSize, scope: 'alles',
      ...(start !== undefined ? { start } : {}),
      ...(config.gemeenteFilter ? { gelijk: { gemeentecode: config.gemeenteFilter } } : {}),
    });
    const items: StufItem[] = [];
    let lastNumber: number | undefined;
    const objects = bound === undefined ? answer.objects : upTo(answer.objects, bound);
    for (const object of objects) {
      const n = numberOf(object);
      // Without a number an object cannot be placed in the sequence; the edge quarantines it.
      if (n === undefined) {
        items.push({ stream: type, object });
        continue;
      }
      lastNumber = n;
      if (tracker.admit(n, fingerprint(object))) items.push({ stream: type, object });
    }
    // Bounded: a page cut short, or one that reached the bound, is the last.
    const more = answer.vervolg && objects.length === answer.objects.length && (bound === undefined || lastNumber === undefined || lastNumber < bound);
    yield { stream: type, items, cursor: tracker.cursor(), last: !more, read: objects.length, absorbed: objects.length - items.length };
    if (!more) return;
    if (lastNumber === undefined) {
      throw new WerkbrugError('WB_PARTNER_RESPONSE_INVALID', { detail: `${questionName(type)}: a page promising more ends without a mutatievolgnummer to continue from` });
    }
    start = lastNumber;
  }
}
