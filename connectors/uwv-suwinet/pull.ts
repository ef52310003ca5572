import type { Cursor, PersonQuestion, PullContext, SourcePage } from '../../src/connector/connector.js';
import type { PartnerHttp } from '../../src/connector/partner-http.js';
import { amsterdamDate } from '../../src/stages/consent-decision.js';
import { WerkbrugError } from '../../src/errors/werkbrug-error.js';
import type { XmlElement } from '../../src/xml/xml-document.js';
import { classifyAnswer, readAnswer } from './answer.js';
import { fromAddressOf, type UwvSuwinetConfig } from './config-schema.js';
import { personsStream, relationsDelivered, type PersonItem, type ServiceAnswer } from './item.js';
import { QuestionPace, runPool, type PaceClock } from './rate-limit.js';
import { question, SOAP_HEADERS } from './request.js';
import { IKV, WV, type ServiceWireNames } from './suwiml.js';

/**
 * `Connector.pull` for UWV (spec §1.3): no change feed, so the core hands the persons to ask about
 * (`context.persons`: BSN, pseudonym, period; built in memory from the other partners and the
 * consent state, never stored) and every eligible person is asked each run. Pages of
 * `personsPerPage` persons; per person both services, at most `concurrency` questions in flight
 * and `maxQuestionsPerSecond` started a second.
 *
 * Per question: transient faults are retried by the partner HTTP layer; still failing, the person
 * is `failed` this run and the page goes on (a fault for one person must not block the others),
 * unless every question of the page failed that way: then the partner is down and the pull
 * throws `WB_PARTNER_UNREACHABLE`. An answer whose `wsa:RelatesTo` is not the question's MessageID
 * is discarded and asked once more (U04). Auth and request-bug errors stop the stream at once.
 *
 * The cursor is only `{ lastRunDate }`: no BSN, no pseudonym list.
 */
export interface PullOptions {
  /** Time for the question pace (tests). */
  readonly paceClock?: PaceClock;
}

interface Asked {
  readonly answer: ServiceAnswer;
  readonly discarded: number;
}

async function askService(http: PartnerHttp, config: UwvSuwinetConfig, pace: QuestionPace, service: ServiceWireNames, person: PersonQuestion): Promise<Asked> {
  const endpoint = service === IKV ? config.inkomstenUrl : config.werknemersverzekeringenUrl;
  let discarded = 0;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    await pace.admit();
    const q = question({ service, endpoint, fromAddress: fromAddressOf(config), bsn: person.bsn, ...(service === IKV ? { period: person.period } : {}) });
    let root: XmlElement | undefined;
    try {
      await http.request({
        url: endpoint,
        method: 'POST',
        headers: SOAP_HEADERS,
        body: q.xml,
        classify: (response) => {
          const classified = classifyAnswer(response, service);
          if (classified instanceof WerkbrugError) return classified;
          root = classified;
          return undefined;
        },
      });
    } catch (error) {
      if (error instanceof WerkbrugError && error.retryable) return { answer: { kind: 'failed', why: 'transient' }, discarded };
      throw error;
    }
    const answer = readAnswer(root as XmlElement, service, person.bsn, q.messageId);
    if (answer.kind !== 'relates-to-mismatch') return { answer, discarded };
    discarded += 1;
  }
  return { answer: { kind: 'failed', why: 'relates-to' }, discarded };
}

async function askPage(persons: readonly PersonQuestion[], config: UwvSuwinetConfig, http: PartnerHttp, pace: QuestionPace): Promise<PersonItem[]> {
  const tasks = persons.flatMap((person) => [IKV, WV].map((service) => () => askService(http, config, pace, service, person)));
  const asked = await runPool(tasks, config.concurrency);
  return persons.map((person, i) => {
    const ikv = asked[2 * i] as Asked;
    const wv = asked[2 * i + 1] as Asked;
    return { bsn: person.bsn, pseudonym: person.pseudonym, period: person.period, ikv: ikv.answer, wv: wv.answer, benefitOfSzWet: config.cdSzWetMap, discardedAnswers: ikv.discarded + wv.discarded };
  });
}

export async function* pullUwv(config: UwvSuwinetConfig, stream: string, _from: Cursor | undefined, http: PartnerHttp, context?: PullContext, options: PullOptions = {}): AsyncGenerator<SourcePage<PersonItem>> {
  if (stream !== personsStream) throw new WerkbrugError('WB_CONFIG_INVALID', { field: 'stream', expected: personsStream, got: stream });
  const cursor = { lastRunDate: amsterdamDate(new Date()) };
  const persons = context?.persons ?? [];
  if (persons.length === 0) {
    yield { stream, items: [], cursor, last: true, read: 0, absorbed: 0 };
    return;
  }
  const pace = new QuestionPace(config.maxQuestionsPerSecond, options.paceClock);
  for (let start = 0; start < persons.length; start += config.personsPerPage) {
    const items = await askPage(persons.slice(start, start + config.personsPerPage), config, http, pace);
    const transient = (a: ServiceAnswer) => a.kind === 'failed' && a.why === 'transient';
    if (items.every((item) => transient(item.ikv) && transient(item.wv))) {
      throw new WerkbrugError('WB_PARTNER_UNREACHABLE', { detail: `every question of a page of ${items.length} persons failed after the retries` });
    }
    yield { stream, items, cursor, last: start + config.personsPerPage >= persons.length, read: items.reduce((sum, item) => sum + relationsDelivered(item), 0), absorbed: 0 };
  }
}
