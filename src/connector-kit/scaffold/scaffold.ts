import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { WerkbrugError } from '../../errors/werkbrug-error.js';
import { packageRoot } from '../../support/package-root.js';

/**
 * `werkbrug connector new`: writes a complete connector folder from the templates beside this
 * file (`templates/*.tpl`, plain text so no tool mistakes them for code): config, source schema,
 * mapping and its test, edge, cursor, the kind's wire (`pull.ts`), a sandbox on the shared
 * machinery of `src/sandbox/`, the contract kit's subject and a README. The result passes eslint,
 * tsc and the whole contract kit as written (`test/connector-kit/scaffold.test.ts`).
 *
 * Imports into werkbrug's `src/` are computed from the target folder, so a folder outside
 * `connectors/` works too. Throws `WB_CONFIG_INVALID` for a name that is not a slug, an unknown
 * kind, or a target folder that exists and is not empty (nothing is ever overwritten).
 */
export const connectorKinds = ['fhir', 'soap', 'rest'] as const;
export type ConnectorKind = (typeof connectorKinds)[number];

export interface ScaffoldOptions {
  readonly name: string;
  readonly kind: string;
  /** Target folder (default `connectors/<name>` of the checkout). */
  readonly dir?: string;
}

export interface ScaffoldResult {
  readonly dir: string;
  /** Written files, relative to `dir`. */
  readonly files: readonly string[];
  /** For a folder under the checkout's `connectors/`: the lines that register it in `src/connector/registry.ts`. */
  readonly registryLines?: readonly string[];
}

const slug = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const basePaths: Readonly<Record<ConnectorKind, string>> = { rest: 'api', fhir: 'fhir', soap: 'services' };

/** Output file ← template file. `{kind}` picks the kind's variant. */
const layout: ReadonlyArray<readonly [string, string]> = [
  ['README.md', 'README.md.tpl'],
  ['config-schema.ts', 'config-schema.ts.tpl'],
  ['source-schema.ts', 'source-schema.ts.tpl'],
  ['mapping.ts', 'mapping.ts.tpl'],
  ['mapping.test.ts', 'mapping.test.ts.tpl'],
  ['edge.ts', 'edge.ts.tpl'],
  ['cursor.ts', 'cursor.ts.tpl'],
  ['pull.ts', 'pull.{kind}.ts.tpl'],
  ['connector.ts', 'connector.ts.tpl'],
  ['contract.ts', 'contract.ts.tpl'],
  ['sandbox/data.ts', 'sandbox/data.ts.tpl'],
  ['sandbox/server.ts', 'sandbox/server.ts.tpl'],
  ['sandbox/wire.ts', 'sandbox/wire.{kind}.ts.tpl'],
];

function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

function pascal(name: string): string {
  const word = camel(name);
  return `${word.charAt(0).toUpperCase()}${word.slice(1)}`;
}

function isKind(kind: string): kind is ConnectorKind {
  return (connectorKinds as readonly string[]).includes(kind);
}

/** `'@werkbrug/x.js'` in a template → the path from the written file to werkbrug's `src/x.js`. */
function importPrefix(file: string, root: string): string {
  const path = relative(dirname(file), join(root, 'src')).split(sep).join('/');
  return path.startsWith('.') ? path : `./${path}`;
}

export function scaffoldConnector(options: ScaffoldOptions): ScaffoldResult {
  const { name, kind } = options;
  if (name.length > 40 || !slug.test(name)) throw new WerkbrugError('WB_CONFIG_INVALID', { field: 'name', expected: 'a connector id: a lower-case slug of at most 40 characters, e.g. gemeente-suite', got: JSON.stringify(name) });
  if (!isKind(kind)) throw new WerkbrugError('WB_CONFIG_INVALID', { field: '--kind', expected: `one of ${connectorKinds.join(', ')}`, got: JSON.stringify(kind) });
  const root = packageRoot();
  const dir = resolve(options.dir ?? join(root, 'connectors', name));
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new WerkbrugError('WB_CONFIG_INVALID', { field: '--dir', expected: 'a folder that does not exist yet or is empty (nothing is overwritten)', got: relative(process.cwd(), dir) || '.' });
  const templates = join(root, 'src', 'connector-kit', 'scaffold', 'templates');
  const words: ReadonlyArray<readonly [string, string]> = [
    ['__nameCamel__', camel(name)],
    ['__Name__', pascal(name)],
    ['__name__', name],
    ['__kind__', kind],
    ['__basePath__', basePaths[kind]],
    ['__dir__', relative(root, dir).split(sep).join('/') || '.'],
  ];
  const files: string[] = [];
  for (const [output, template] of layout) {
    const file = join(dir, output);
    let text = readFileSync(join(templates, template.replace('{kind}', kind)), 'utf8');
    for (const [word, value] of words) text = text.split(word).join(value);
    text = text.split("'@werkbrug/").join(`'${importPrefix(file, root)}/`);
    text = text.replace(/\n[ ]*\/\*__SOAP_SUBJECT__\*\//, kind === 'soap' ? "\n  transientSoapFaultCode: 'PL001'," : '');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text, { flag: 'wx' });
    files.push(output);
  }
  const inConnectors = dirname(dir) === join(root, 'connectors');
  const connector = `${camel(name)}Connector`;
  return {
    dir,
    files,
    ...(inConnectors
      ? { registryLines: [`import { ${connector} } from '../../connectors/${name}/connector.js';`, `  [${connector}.id, ${connector} as unknown as Connector<unknown, unknown>],`] }
      : {}),
  };
}
