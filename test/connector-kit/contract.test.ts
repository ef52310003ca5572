import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectorIds } from '../../src/connector/registry.js';
import { contractChecks } from '../../src/connector-kit/contract-checks.js';
import { connectorsWithContract, loadContractSubject } from '../../src/connector-kit/load-subject.js';

/**
 * The connector contract kit, run for every connector folder of the repository that has a
 * `contract.ts`: one `describe` per connector, one `it` per check. A new connector is picked up
 * by having the file; a registered connector without one fails here.
 */
const withContract = connectorsWithContract();
const subjects = await Promise.all(withContract.map(async (id) => [id, await loadContractSubject(join('connectors', id))] as const));

it('finds a contract subject for every registered connector', () => {
  expect(withContract.length).toBeGreaterThan(0);
  expect(connectorIds().filter((id) => !withContract.includes(id))).toEqual([]);
});

for (const [id, subject] of subjects) {
  describe(`connector ${id} meets the contract`, () => {
    it('is the connector of its folder', () => {
      expect(subject.connector.id).toBe(id);
    });
    for (const check of contractChecks(subject)) {
      it(`${check.id}: ${check.title}`, () => check.run(), 30_000);
    }
  });
}
