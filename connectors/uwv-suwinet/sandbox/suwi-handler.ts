import { addMonths, type Fault, type PreparedResponse, type SandboxHandler, type SandboxRequest } from '../../../src/sandbox/index.js';
import { normaliseBsn } from '../../../src/stages/bsn.js';
import { readEnvelope, WSA_NS } from '../../../src/xml/soap.js';
import { childElement, childText, parseXml, type XmlElement } from '../../../src/xml/xml-document.js';
import { IKV, serviceByPath, type ServiceWireNames } from '../suwiml.js';
import { envelope, fwiFault, uwvWireFormat, withDoctype, xmlAnswer, type Addressing } from './envelope.js';
import { answerXml, fwiXml, responseXml } from './render.js';
import { looseDate, type Period } from './sandbox-dates.js';
import type { UwvState } from './uwv-state.js';

/**
 * The two SuwiML endpoints of spec §2. A question must be a SOAP 1.1 envelope whose `wsa:Action`
 * fits the endpoint and that carries a `wsa:MessageID`, with the operation's root element in the
 * service namespace: otherwise a Fault `FWI0030` (a request bug). An invalid BSN is refused in
 * the body (`FWI0040`), an invalid period too (`FWI0050`). `soap-fault` and `xml-doctype` faults
 * are shaped here; the shared server applies the others.
 */
interface Question {
  readonly service: ServiceWireNames;
  readonly action?: string;
  readonly messageId?: string;
  readonly from?: string;
  readonly to?: string;
  readonly payload?: XmlElement;
  readonly bsn?: string;
  readonly malformed: boolean;
}

const questions = new WeakMap<Buffer, Question>();

function readQuestion(request: SandboxRequest, service: ServiceWireNames): Question {
  const known = questions.get(request.body);
  if (known) return known;
  let question: Question = { service, malformed: true };
  try {
    const env = readEnvelope(parseXml(request.body, { maxBytes: 1024 * 1024 }));
    if (env) {
      const header = env.header;
      const text = (local: string) => (header ? childText(header, WSA_NS, local) : undefined);
      const fromElement = header ? childElement(header, WSA_NS, 'From') : undefined;
      const payload = env.payload;
      const bsn = payload ? childText(payload, '', 'Burgerservicenr') : undefined;
      question = {
        service,
        malformed: false,
        ...(text('Action') ? { action: text('Action') } : {}),
        ...(text('MessageID') ? { messageId: text('MessageID') } : {}),
        ...(text('To') ? { to: text('To') } : {}),
        ...(fromElement && childText(fromElement, WSA_NS, 'Address') ? { from: childText(fromElement, WSA_NS, 'Address') } : {}),
        ...(payload ? { payload } : {}),
        ...(bsn ? { bsn } : {}),
      };
    }
  } catch {
    // Refused as FWI0030 below; the journal records the request without a BSN.
  }
  questions.set(request.body, question);
  return question;
}

function soapActionAccepted(header: string | string[] | undefined): boolean {
  // The WSDL declares an empty soapAction; gateways strip quotes, some drop the header.
  return header === undefined || header === '""' || header === '' || (typeof header === 'string' && /^"?[^"]*"?$/.test(header));
}

function askedPeriod(payload: XmlElement, today: string): Period | 'invalid' {
  const vraag = childElement(payload, '', 'PeriodeGegevensvraagIko');
  if (!vraag) return { from: addMonths(today, -120), to: today };
  const from = looseDate(childText(vraag, '', 'DatBPeriode'), 'start');
  const to = looseDate(childText(vraag, '', 'DatEPeriode'), 'end');
  if (from === undefined || to === undefined || to < from) return 'invalid';
  return { from, to };
}

export function createSuwiHandler(state: UwvState, origin: () => string): SandboxHandler {
  return {
    describe(request) {
      const service = serviceByPath(request.path);
      if (!service) return {};
      const question = readQuestion(request, service);
      const operation = question.action?.split('/').pop() ?? service.operation;
      return { operation, ...(question.bsn ? { bsn: question.bsn } : {}) };
    },
    handle(request, fault) {
      const service = serviceByPath(request.path);
      if (!service || request.method !== 'POST') return uwvWireFormat.nativeError(404, { message: `no SuwiML service at ${request.method} ${request.path}` });
      const question = readQuestion(request, service);
      const endpoint = `${origin()}${service.path}`;
      const answer = answer_(state, question, endpoint, fault, soapActionAccepted(request.headers.soapaction));
      return fault?.type === 'xml-doctype' ? withDoctype(answer) : answer;
    },
  };
}

function answer_(state: UwvState, question: Question, endpoint: string, fault: Fault | undefined, soapActionOk: boolean): PreparedResponse {
  const { service } = question;
  const faultAddressing: Addressing = { action: service.faultAction, ...(question.messageId ? { relatesTo: question.messageId } : {}) };
  if (fault?.type === 'soap-fault') return fwiFault(fault.code, { httpStatus: fault.httpStatus, ...(fault.omschrijving ? { text: fault.omschrijving } : {}), addressing: faultAddressing });
  const requestBug = (why: string) => fwiFault('FWI0030', { text: `Aanvraag voldoet niet aan de specificatie: ${why}.`, addressing: faultAddressing });
  if (question.malformed) return requestBug('geen SOAP 1.1-envelop');
  if (!soapActionOk) return requestBug('SOAPAction');
  if (question.action !== service.action) return requestBug('wsa:Action past niet bij het endpoint');
  if (question.messageId === undefined) return requestBug('wsa:MessageID ontbreekt');
  const payload = question.payload;
  if (!payload || payload.ns !== service.bodyNs || payload.local !== service.operation) return requestBug(`verwacht ${service.operation}`);
  if (question.bsn === undefined) return requestBug('Burgerservicenr ontbreekt');

  const person = state.person(question.bsn);
  const addressing: Addressing = {
    action: service.responseAction,
    ...(person?.relatesTo === 'omit' ? {} : { relatesTo: person?.relatesTo === 'other' ? 'urn:uuid:00000000-0000-4000-8000-000000000000' : question.messageId }),
    ...(question.from ? { to: question.from } : {}),
    from: endpoint,
  };
  const ok = (body: string) => xmlAnswer(200, envelope(body, addressing));
  if (!/^[0-9]{9}$/.test(question.bsn) || !normaliseBsn(question.bsn).ok) return ok(responseXml(service, [fwiXml('Fout', 'FWI0040')]));
  const today = state.currentDay();
  const period = service === IKV ? askedPeriod(payload, today) : { from: addMonths(today, -120), to: today };
  if (period === 'invalid') return ok(responseXml(service, [fwiXml('Fout', 'FWI0050')]));
  if (!person) return ok(responseXml(service, ['<fwi:NietsGevonden/>']));
  return ok(answerXml(person, service, period, today));
}
