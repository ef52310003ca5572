import { draftRecordSchema } from '../../trajectory/trajectory-record.js';
import { draftHash } from '../../trajectory/draft-hash.js';
import type { ContractCheck } from '../contract-check.js';
import { duplicatesOf, ensure, ensureSameSet, someOf } from '../contract-failure.js';
import type { ContractSubject } from '../contract-subject.js';
import { pullAll, refsOf } from '../full-pull.js';
import { publishedSchemaProblems } from '../published-schema.js';
import { withSession } from '../kit-session.js';

/**
 * What a full and an incremental pull must emit. The balance rule is the core's run balance
 * (README, "The balance") at page level: every record a page reports as `read` ends as exactly one
 * draft, one rejection or one absorbed count, so `read = records + rejections + absorbed` (pull
 * and edge absorption together) on every page.
 */
export function pullChecks<Config>(subject: ContractSubject<Config>): ContractCheck[] {
  const small = { scenario: 'default' as const, persons: subject.smallScenarioPersons };
  return [
    {
      id: 'full-pull',
      title: 'a full pull of every stream emits exactly the sandbox ground truth, each record once, each draft valid against the trajectory format and its published JSON Schema',
      run: () => withSession(subject, small, async (session) => {
        const outcome = await pullAll(session);
        const refs = refsOf(outcome.records);
        const twice = duplicatesOf(refs);
        ensure(twice.length === 0, () => `full pull: expected each record_ref once, got ${twice.length} twice (${someOf(twice)})`);
        const expected = subject.expected(session.sandbox, session.pseudonymiser);
        ensureSameSet('full pull record_refs against the ground truth', expected.recordRefs, refs);
        ensure(outcome.rejections.length === 0, () => `full pull of the clean default scenario: expected no rejections, got ${outcome.rejections.length} (${someOf(outcome.rejections.map((r) => `${r.sourceRef} ${r.reason} ${r.field}`))})`);
        const connector = `${subject.connector.id}@${subject.connector.version}`;
        for (const { draft } of outcome.records) {
          const strict = draftRecordSchema.safeParse(draft);
          ensure(strict.success, () => `draft ${draft.source.record_ref}: expected a valid draft record, got ${strict.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
          ensure(draft.source.partner_id === session.edgeContext.partnerId, () => `draft ${draft.source.record_ref}: expected source.partner_id ${session.edgeContext.partnerId} (from the EdgeContext), got ${draft.source.partner_id}`);
          const problems = publishedSchemaProblems(draft, connector, subject.connector.mappingVersion);
          ensure(problems.length === 0, () => `draft ${draft.source.record_ref}: expected it to pass the published JSON Schema, got ${someOf(problems)}`);
        }
      }),
    },
    {
      id: 'page-balance',
      title: 'on every page, read = drafts + rejections + absorbed (the run balance closes)',
      run: () => withSession(subject, { ...small, scenario: 'edge-cases' }, async (session) => {
        const outcome = await pullAll(session, { pageSize: Math.max(2, Math.ceil(subject.smallScenarioPersons / 3)) });
        ensure(outcome.pages.length > 0, () => 'page balance: expected at least one page, got none');
        for (const page of outcome.pages) {
          const accounted = page.records + page.rejections + page.absorbed;
          ensure(page.read === accounted, () => `stream ${page.stream} page ${page.index}: expected read (${page.read}) = drafts ${page.records} + rejections ${page.rejections} + absorbed ${page.absorbed} = ${accounted}`);
        }
      }),
    },
    {
      id: 'incremental',
      title: 'after a change at the source, a pull from the stored cursors returns new versions of exactly the changed records',
      run: () => withSession(subject, small, async (session) => {
        const first = await pullAll(session);
        const firstRefs = new Set(refsOf(first.records));
        const changed = await subject.mutate(session.sandbox, 3);
        ensure(changed.length > 0, () => 'mutate(3): expected the record_keys of the changed records, got none');
        const perPerson = subject.connector.asksPerPerson === true;
        // A per-person source has no change feed: it is asked again, and its answers compared.
        const second = await pullAll(session, perPerson ? {} : { from: first.cursors });
        if (perPerson) {
          const before = new Map(first.records.map((record) => [record.draft.source.record_key, draftHash(record.draft)]));
          const differing = second.records.filter((record) => before.get(record.draft.source.record_key) !== draftHash(record.draft));
          ensureSameSet('records whose content changed after mutate (per person, by draft hash)', changed, differing.map((record) => record.draft.source.record_key));
          return;
        }
        // What the cursor overlap brings again must be absorbed (counted), not emitted: a pull that
        // ignored its cursor would emit every unchanged version a second time.
        const again = second.records.filter((record) => firstRefs.has(record.draft.source.record_ref));
        ensure(again.length === 0, () => `incremental pull: expected only new versions, got ${again.length} unchanged versions emitted again (${someOf(refsOf(again))}); re-read overlap must be counted as absorbed`);
        const fresh = second.records;
        ensureSameSet('record_keys of new versions pulled from the cursors after mutate', changed, fresh.map((record) => record.draft.source.record_key));
        const twice = duplicatesOf(refsOf(fresh));
        ensure(twice.length === 0, () => `incremental pull: expected each new version once, got ${someOf(twice)} more than once`);
      }),
    },
  ];
}
