import { formatDemoSummary } from '../demo/demo-summary.js';
import { runDemo } from '../demo/run-demo.js';

const scenarios = ['default', 'edge-cases', 'volume'] as const;

/** `werkbrug demo`: prints the summary; exit code 1 when anything in the chain failed. */
export async function demoCommand(options: { config: string; persons: string; scenario: string }): Promise<number> {
  const persons = Number(options.persons);
  const scenario = scenarios.find((s) => s === options.scenario);
  if (!Number.isInteger(persons) || persons < 1 || !scenario) {
    process.stderr.write(`werkbrug demo: expected --persons a positive integer and --scenario one of ${scenarios.join(', ')}, got ${JSON.stringify(options.persons)} and ${JSON.stringify(options.scenario)}\n`);
    return 2;
  }
  const report = await runDemo({
    configFile: options.config, env: process.env, persons, scenario,
    logLevel: process.env.LOG_LEVEL ?? 'warn',
    say: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write(`${formatDemoSummary(report)}\n`);
  return report.ok ? 0 : 1;
}
