/**
 * One check of the contract kit: plain data plus a function, so the CLI and vitest run the same
 * list. `run` resolves when the connector meets the check and rejects with a `ContractFailure`
 * (what was expected, what came) when it does not.
 */
export interface ContractCheck {
  /** Stable id, as `werkbrug connector test <name> --check <id>` takes it. */
  readonly id: string;
  /** What the check proves, as a sentence. */
  readonly title: string;
  run(): Promise<void>;
}
