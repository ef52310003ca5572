/**
 * A failed contract check: what was expected against what came, naming the stream, check and
 * record references (pseudonymised or hashed, as the edge made them), never record content. The
 * kit throws nothing else for a connector's fault; any other error is a crash of the connector or
 * its sandbox and is reported as such.
 */
export class ContractFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContractFailure';
  }
}

/** Throws a {@link ContractFailure} unless `condition` holds. */
export function ensure(condition: boolean, message: () => string): asserts condition {
  if (!condition) throw new ContractFailure(message());
}

const shown = 5;

/** `a, b, c and 4 more`: a few references, so a failure names them without flooding a terminal. */
export function someOf(values: Iterable<string>): string {
  const list = [...values];
  const head = list.slice(0, shown).join(', ');
  return list.length > shown ? `${head} and ${list.length - shown} more` : head;
}

/** Values that appear more than once. */
export function duplicatesOf(values: Iterable<string>): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const value of values) (seen.has(value) ? twice : seen).add(value);
  return [...twice];
}

/**
 * Fails unless `got` holds exactly the values of `expected` (as sets), saying which are missing
 * and which are unexpected.
 */
export function ensureSameSet(what: string, expected: Iterable<string>, got: Iterable<string>): void {
  const want = new Set(expected);
  const have = new Set(got);
  const missing = [...want].filter((value) => !have.has(value));
  const extra = [...have].filter((value) => !want.has(value));
  if (missing.length === 0 && extra.length === 0) return;
  const parts = [
    `${what}: expected ${want.size}, got ${have.size}`,
    ...(missing.length > 0 ? [`missing ${missing.length} (${someOf(missing)})`] : []),
    ...(extra.length > 0 ? [`unexpected ${extra.length} (${someOf(extra)})`] : []),
  ];
  throw new ContractFailure(parts.join('; '));
}
