import type { ContractCheck } from './contract-check.js';
import type { ContractSubject } from './contract-subject.js';
import { boundedChecks } from './checks/bounded-checks.js';
import { describeChecks } from './checks/describe-checks.js';
import { faultChecks } from './checks/fault-checks.js';
import { leakChecks } from './checks/leak-checks.js';
import { pagingChecks } from './checks/paging-checks.js';
import { privacyChecks } from './checks/privacy-checks.js';
import { pullChecks } from './checks/pull-checks.js';

/**
 * The connector contract kit: every check a connector must pass against its own sandbox, written
 * once and parameterised by the subject (`connectors/<id>/contract.ts`). SOAP subjects get the
 * `fault-soap-fault` check too, connectors that declare `bounded` the `bounded-pull` check. Ids are
 * stable; `docs/connectors.md` explains each.
 */
export function contractChecks<Config>(subject: ContractSubject<Config>): ContractCheck[] {
  return [...describeChecks(subject), ...pullChecks(subject), ...pagingChecks(subject), ...boundedChecks(subject), ...privacyChecks(subject), ...leakChecks(subject), ...faultChecks(subject)];
}
