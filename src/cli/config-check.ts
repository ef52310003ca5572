import { ConfigError, loadConfig } from '../config/load.js';
import { keyFromEnvironment } from '../config/pseudonym-key.js';
import { isWerkbrugError } from '../errors/werkbrug-error.js';

/**
 * `werkbrug config check [file]`: validates the file and says which secrets the environment still
 * lacks, without connecting to anything. Exit 0 when the file is valid (missing secrets are
 * reported as warnings, since they are set where the workers run).
 */
export function configCheckCommand(file: string, env: NodeJS.ProcessEnv): number {
  try {
    const config = loadConfig(file);
    process.stdout.write(`${file}: valid (region ${config.region.code} ${config.region.name}, ${config.partners.length} partner${config.partners.length === 1 ? '' : 's'}: ${config.partners.map((p) => `${p.id} (${p.connector})`).join(', ')})\n`);
    const missing: string[] = [];
    try { keyFromEnvironment(config, env); } catch (error) { if (isWerkbrugError(error)) missing.push(error.message); }
    for (const partner of config.partners) {
      const tokenEnv = partner.settings.tokenEnv;
      if (typeof tokenEnv === 'string' && !env[tokenEnv]) missing.push(`partner ${partner.id}: environment variable ${tokenEnv} (API token) is not set`);
    }
    const alertsUrlEnv = config.operations.alerts.urlEnv;
    if (alertsUrlEnv !== undefined && !env[alertsUrlEnv]) missing.push(`alerts: environment variable ${alertsUrlEnv} (webhook URL) is not set: alerts are logged, not sent`);
    for (const line of missing) process.stdout.write(`  warning: ${line}\n`);
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`werkbrug: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
