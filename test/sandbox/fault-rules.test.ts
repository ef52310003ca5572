import { describe, expect, it } from 'vitest';
import { FaultBook, faultRuleSchema, faultTypes, parseFaultHeader, type FaultRuleInput } from '../../src/sandbox/fault-rules.js';

const consentGet = { method: 'GET', path: '/fhir/Consent' };
const arm = (book: FaultBook<string>, rule: FaultRuleInput): string => book.arm(faultRuleSchema.parse(rule));

describe('FaultBook', () => {
  it('lets `skip` requests pass, faults the next `times`, then lets requests pass again', () => {
    const book = new FaultBook<string>();
    arm(book, { match: { path: '/fhir/Consent' }, fault: { type: 'http-error', status: 503 }, skip: 2, times: 1 });
    const faults = [1, 2, 3, 4].map(() => book.evaluate(consentGet).fault?.type);
    expect(faults).toEqual([undefined, undefined, 'http-error', undefined]);
    expect(book.list()[0]).toMatchObject({ seen: 4, fired: 1, exhausted: true });
  });

  it('keeps faulting with times 0 until removed', () => {
    const book = new FaultBook<string>();
    const id = arm(book, { match: {}, fault: { type: 'hang' }, times: 0 });
    expect([1, 2, 3].map(() => book.evaluate(consentGet).fault?.type)).toEqual(['hang', 'hang', 'hang']);
    expect(book.remove(id)).toBe(true);
    expect(book.evaluate(consentGet).fault).toBeUndefined();
  });

  it('checks rules in the order armed, and counts a request against every rule it matches', () => {
    const book = new FaultBook<string>();
    const first = arm(book, { match: { path: '/fhir' }, fault: { type: 'delay', ms: 10 }, skip: 1 });
    const second = arm(book, { match: { path: '/fhir/Consent' }, fault: { type: 'malformed' } });
    const one = book.evaluate(consentGet);
    expect(one).toMatchObject({ ruleId: second, matched: [first, second] });
    const two = book.evaluate(consentGet);
    expect(two.ruleId).toBe(first);
    expect(book.evaluate(consentGet).fault).toBeUndefined();
  });

  it('matches on method, path prefix or resource path, operation and BSN', () => {
    const book = new FaultBook<string>();
    arm(book, { match: { method: 'get', path: '/fhir/Consent', operation: 'search-page', bsn: '999990019' }, fault: { type: 'malformed' }, times: 0 });
    expect(book.evaluate({ method: 'GET', path: '/fhir', resourcePath: '/fhir/Consent', operation: 'search-page', bsn: '999990019' }).fault).toBeDefined();
    expect(book.evaluate({ method: 'POST', path: '/fhir/Consent', operation: 'search-page', bsn: '999990019' }).fault).toBeUndefined();
    expect(book.evaluate({ method: 'GET', path: '/fhir/Patient', operation: 'search-page', bsn: '999990019' }).fault).toBeUndefined();
    expect(book.evaluate({ method: 'GET', path: '/fhir/Consent', operation: 'search-type', bsn: '999990019' }).fault).toBeUndefined();
    expect(book.evaluate({ method: 'GET', path: '/fhir/Consent', operation: 'search-page', bsn: '999990032' }).fault).toBeUndefined();
  });

  it('gives expire-paging only to paging requests', () => {
    const book = new FaultBook<string>();
    arm(book, { fault: { type: 'expire-paging' } });
    expect(book.evaluate({ method: 'GET', path: '/fhir/Consent' }).fault).toBeUndefined();
    expect(book.evaluate({ method: 'GET', path: '/fhir', paging: true }).fault?.type).toBe('expire-paging');
  });

  it('holds a repeat-page until it has an answer to repeat, and hands that answer back', () => {
    const book = new FaultBook<string>();
    const id = arm(book, { fault: { type: 'repeat-page' } });
    const first = book.evaluate(consentGet);
    expect(first.fault).toBeUndefined();
    book.remember(first.matched, 'page 1');
    const second = book.evaluate(consentGet);
    expect(second).toMatchObject({ ruleId: id, fault: { type: 'repeat-page' } });
    expect(book.previous(id)).toBe('page 1');
  });

  it('refuses a fault type the sandbox cannot produce', () => {
    const book = new FaultBook<string>(new Set(faultTypes.filter((type) => type !== 'soap-fault')));
    expect(() => arm(book, { fault: { type: 'soap-fault', code: 'StUF058' } })).toThrow(RangeError);
  });

  it('clears rules and restarts their ids', () => {
    const book = new FaultBook<string>();
    arm(book, { fault: { type: 'hang' } });
    book.clear();
    expect(book.list()).toEqual([]);
    expect(arm(book, { fault: { type: 'hang' } })).toBe('f1');
  });
});

describe('faultRuleSchema', () => {
  it('fills the defaults of partners/README.md §3.1', () => {
    expect(faultRuleSchema.parse({ fault: { type: 'http-error', status: 500 } })).toEqual({ match: {}, fault: { type: 'http-error', status: 500, body: 'native' }, skip: 0, times: 1 });
  });

  it('refuses unknown fields and out-of-range values, naming the path', () => {
    const result = faultRuleSchema.safeParse({ fault: { type: 'http-error', status: 200 }, tiems: 2 });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(expect.arrayContaining(['fault.status']));
  });
});

describe('parseFaultHeader', () => {
  it('reads the X-Sandbox-Fault forms of partners/README.md §3.1', () => {
    expect(parseFaultHeader('type=http-error;status=500').data).toEqual({ type: 'http-error', status: 500, body: 'native' });
    expect(parseFaultHeader('type=delay; ms=4000').data).toEqual({ type: 'delay', ms: 4000 });
    expect(parseFaultHeader('type=wrong-content-type;contentType="text/html; charset=utf-8"').data).toEqual({ type: 'wrong-content-type', contentType: 'text/html; charset=utf-8' });
    expect(parseFaultHeader('type=soap-fault;code=058').data).toEqual({ type: 'soap-fault', code: '058', httpStatus: 500 });
  });

  it('refuses what is not a fault', () => {
    expect(parseFaultHeader('type=explode').success).toBe(false);
    expect(parseFaultHeader('type=delay').success).toBe(false);
  });
});
