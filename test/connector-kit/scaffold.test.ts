import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { contractChecks } from '../../src/connector-kit/contract-checks.js';
import { loadContractSubject } from '../../src/connector-kit/load-subject.js';
import { connectorKinds, scaffoldConnector } from '../../src/connector-kit/scaffold/scaffold.js';
import { werkbrugFailure } from '../support/werkbrug-failure.js';

/**
 * `werkbrug connector new` for each kind, into a git-ignored folder of the checkout: the generated
 * folder passes tsc and eslint with the project's settings, its mapping test passes, and the whole
 * contract kit is green against its own generated sandbox.
 */
const run = promisify(execFile);
const scratchRoot = resolve('.scaffold-tmp');
const scratch = join(scratchRoot, `run-${process.pid}-${randomBytes(3).toString('hex')}`);
const scaffolded = connectorKinds.map((kind) => ({ kind, ...scaffoldConnector({ name: `kit-${kind}`, kind, dir: join(scratch, `kit-${kind}`) }) }));
const subjects = await Promise.all(scaffolded.map(async (item) => ({ ...item, subject: await loadContractSubject(item.dir) })));

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  // The shared parent goes too once no other run uses it.
  if (readdirSync(scratchRoot).length === 0) rmdirSync(scratchRoot);
});

const bin = (name: string): string => join('node_modules', '.bin', name);

describe('werkbrug connector new', () => {
  it('writes the same complete folder for every kind, with imports into src/ computed from the target', () => {
    for (const item of scaffolded) {
      expect(item.files).toEqual([
        'README.md', 'config-schema.ts', 'source-schema.ts', 'mapping.ts', 'mapping.test.ts', 'edge.ts', 'cursor.ts', 'pull.ts', 'connector.ts', 'contract.ts',
        'sandbox/data.ts', 'sandbox/server.ts', 'sandbox/wire.ts',
      ]);
      expect(readFileSync(join(item.dir, 'connector.ts'), 'utf8')).toContain("from '../../../src/connector/connector.js'");
      expect(readFileSync(join(item.dir, 'sandbox', 'server.ts'), 'utf8')).toContain("from '../../../../src/sandbox/index.js'");
      expect(readFileSync(join(item.dir, 'connector.ts'), 'utf8')).toContain(`kind: '${item.kind}'`);
      // Outside connectors/ there is nothing to register.
      expect(item.registryLines).toBeUndefined();
    }
  });

  it('generates code that passes tsc and eslint with the project settings as written', async () => {
    const tsconfig = join(scratch, 'tsconfig.json');
    writeFileSync(tsconfig, JSON.stringify({ extends: '../../tsconfig.json', compilerOptions: { noEmit: true, rootDir: '../..' }, include: ['kit-*/**/*.ts'] }));
    await expect(run(bin('tsc'), ['-p', tsconfig])).resolves.toMatchObject({ stdout: '' });
    await expect(run(bin('eslint'), ['--max-warnings', '0', ...scaffolded.map((item) => item.dir)])).resolves.toMatchObject({ stdout: '' });
  }, 120_000);

  it('generates a mapping test that passes', async () => {
    const config = join(scratch, 'vitest.config.mjs');
    writeFileSync(config, `export default { test: { root: ${JSON.stringify(resolve('.'))}, include: [${JSON.stringify(`${scratch}/**/*.test.ts`.replace(`${resolve('.')}/`, ''))}] } };\n`);
    const { stdout } = await run(bin('vitest'), ['run', '--config', config, '--reporter', 'json']);
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { numTotalTests: number; numPassedTests: number };
    expect(report.numTotalTests).toBe(connectorKinds.length * 6);
    expect(report.numPassedTests).toBe(report.numTotalTests);
  }, 120_000);

  it('refuses a name that is not a slug, an unknown kind, and a folder that is not empty', async () => {
    expect((await werkbrugFailure(Promise.resolve().then(() => scaffoldConnector({ name: 'Acme_Jobs', kind: 'rest', dir: join(scratch, 'x') })))).message).toMatch(/WB_CONFIG_INVALID name: expected a connector id/);
    expect((await werkbrugFailure(Promise.resolve().then(() => scaffoldConnector({ name: 'acme', kind: 'graphql', dir: join(scratch, 'x') })))).message).toMatch(/--kind: expected one of fhir, soap, rest, got "graphql"/);
    const before = readFileSync(join(scratch, 'kit-rest', 'mapping.ts'), 'utf8');
    expect((await werkbrugFailure(Promise.resolve().then(() => scaffoldConnector({ name: 'kit-rest', kind: 'rest', dir: join(scratch, 'kit-rest') })))).message).toMatch(/--dir: expected a folder that does not exist yet or is empty/);
    expect(readFileSync(join(scratch, 'kit-rest', 'mapping.ts'), 'utf8')).toBe(before);
  });
});

for (const { kind, subject } of subjects) {
  describe(`a scaffolded ${kind} connector meets the contract against its generated sandbox`, () => {
    const checks = contractChecks(subject);
    it('gets the SOAP fault check exactly when it is a SOAP connector', () => {
      expect(checks.some((check) => check.id === 'fault-soap-fault')).toBe(kind === 'soap');
    });
    for (const check of checks) it(check.id, () => check.run(), 30_000);
  });
}
