import { amsterdamOffsetMinutes } from '../../../src/sandbox/amsterdam-time.js';
import type { Fault, PreparedResponse, SandboxHandler, SandboxRequest } from '../../../src/sandbox/index.js';
import { SERVICE_PATH } from '../stuf-names.js';
import { g09Identificatie } from './edge-cases.js';
import { fixtureAnswer } from './fixtures.js';
import type { GemeenteState } from './gemeente-state.js';
import type { Mutation } from './mutation-log.js';
import { stufTijdstip } from './objects.js';
import { actionOperation, isRefusal, readQuestion, type Question } from './question.js';
import { answerResponse, applyScope, fo02Response, gatewayFault, withDoctype } from './soap-answers.js';
import { defaultNamespaceStyle, standardStyle } from './xml-node.js';

/**
 * Answers `POST /stuf/pw0100/BeantwoordVraag` (spec §1–3, §8): a mutation question lists every
 * mutation from `vanaf` in number order; a state question each object once in its current state;
 * both paged with `start` (exclusive). Serving a page releases mutations held back until its
 * numbers were served (G19). In `edge-cases` the G09 object is served on two pages, PWU answers
 * use PW as the default namespace (G15) and LKS answers are ISO-8859-1 (G17).
 */
interface Selection {
  readonly page: readonly Mutation[];
  readonly more: boolean;
  readonly total?: number;
}

function matches(mutation: Mutation, question: Question): boolean {
  if (!mutation.visible) return false;
  const { gemeentecode, indicatieIps } = question.gelijk;
  if (gemeentecode !== undefined && mutation.key.gemeentecode !== gemeentecode) return false;
  if (indicatieIps !== undefined && mutation.indicatieIps !== indicatieIps) return false;
  return question.totEnMet === undefined || mutation.n <= question.totEnMet;
}

function mutationSelection(state: GemeenteState, question: Question & { vanaf: number }): Selection {
  const { log } = state.caseload;
  const list = log.byType[question.type];
  const edge = state.request.scenario === 'edge-cases';
  const g09 = edge ? list.find((m) => m.key.identificatie === g09Identificatie(state.partner.gemeenten[0] ?? ''))?.n : undefined;
  // G09: a follow-up that starts at the G09 object gets it again, at the head of the page.
  const repeat = question.start !== undefined && question.start === g09 && question.maximumAantal > 1;
  const from = Math.max(question.vanaf, question.start === undefined ? question.vanaf : repeat ? question.start : question.start + 1);
  const page: Mutation[] = [];
  let more = false;
  for (let i = log.indexFrom(question.type, from); i < list.length; i += 1) {
    const mutation = list[i];
    if (!mutation || !matches(mutation, question)) continue;
    if (page.length >= question.maximumAantal) {
      more = true;
      break;
    }
    page.push(mutation);
    // G09: a page that reaches the G09 object ends with it, so the next page repeats it.
    if (mutation.n === g09 && page.length > 1) {
      more = true;
      break;
    }
  }
  let total: number | undefined;
  if (question.indicatorAantal) {
    total = 0;
    for (let i = log.indexFrom(question.type, question.vanaf); i < list.length; i += 1) if (list[i] && matches(list[i] as Mutation, question)) total += 1;
  }
  return { page, more, ...(total !== undefined ? { total } : {}) };
}

function stateSelection(state: GemeenteState, question: Question): Selection {
  const list = state.caseload.log.stateList(question.type).filter((m) => matches(m, question));
  const from = question.start === undefined ? 0 : list.findIndex((m) => m.n > (question.start ?? 0));
  const begin = from < 0 ? list.length : from;
  const page = list.slice(begin, begin + question.maximumAantal);
  return { page, more: begin + page.length < list.length, ...(question.indicatorAantal ? { total: list.length } : {}) };
}

export function createStufHandler(state: GemeenteState): SandboxHandler {
  const tijdstip = (): string => {
    const ms = state.clock.nowMs();
    return stufTijdstip(ms, amsterdamOffsetMinutes(ms));
  };

  const answer = (request: SandboxRequest, fault: Fault | undefined): PreparedResponse => {
    if (fault?.type === 'soap-fault') return fo02Response(fault.code, { ...(fault.omschrijving ? { omschrijving: fault.omschrijving } : {}), httpStatus: fault.httpStatus });
    if (request.path !== SERVICE_PATH) return gatewayFault(404, `No service at ${request.path}`);
    if (request.method !== 'POST') return gatewayFault(405, 'Only POST is supported');
    const question = readQuestion(request.body, request.headers.soapaction, state.partner);
    if (isRefusal(question)) return fo02Response(question.code, { omschrijving: question.omschrijving, ...(question.details ? { details: question.details } : {}) });
    const base = { type: question.type, ontvanger: state.partner.ontvanger, crossRef: question.referentienummer, tijdstip: tijdstip(), meldingen: question.meldingen };
    if (fault?.type === 'stuf-empty-vervolg') return answerResponse({ ...base, vervolg: true, objects: [], style: standardStyle });
    if (state.fixtures) {
      const files = state.fixtures[question.type];
      const index = question.vervolg ? state.fixtureCursor[question.type] + 1 : 0;
      state.fixtureCursor[question.type] = index;
      const file = files[index];
      return file ? fixtureAnswer(file) : answerResponse({ ...base, vervolg: false, objects: [], style: standardStyle });
    }
    const selection = question.vanaf !== undefined ? mutationSelection(state, { ...question, vanaf: question.vanaf }) : stateSelection(state, question);
    const scope = question.scope;
    const objects = selection.page.map((m) => {
      const object = m.build(m.n, m.tijdstip);
      return scope === 'alles' ? object : applyScope(object, scope);
    });
    state.caseload.log.markServed(selection.page.map((m) => m.n));
    const edge = state.request.scenario === 'edge-cases';
    return answerResponse({
      ...base, vervolg: selection.more, ...(selection.total !== undefined ? { aantal: selection.total } : {}), objects,
      style: edge && question.type === 'PWU' ? defaultNamespaceStyle : standardStyle,
      latin1: edge && question.type === 'LKS',
    });
  };

  return {
    describe: (request) => {
      const operation = actionOperation(request.headers.soapaction);
      return operation ? { operation } : {};
    },
    handle: (request, fault) => {
      const response = answer(request, fault);
      return fault?.type === 'xml-doctype' ? withDoctype(response) : response;
    },
  };
}
