import type { Runtime } from './runtime.js';
import { bindPartner } from './runtime.js';

/**
 * The partners with a consent stream whose latest run could not read it
 * (`WB_CONSENT_SOURCE_UNREACHABLE`). While one is listed, the stored consent state may be stale:
 * a per-person source asks nobody (fail closed at collection, `partners/uwv-suwinet.md` §1.2).
 */
export async function unreadableConsentSources(runtime: Runtime, exceptPartnerId: string): Promise<string[]> {
  const unreadable: string[] = [];
  for (const partner of runtime.config.partners) {
    if (partner.id === exceptPartnerId || partner.paused) continue;
    const binding = bindPartner(runtime, partner.id);
    if (!binding.connector.describe(binding.settings).streams.some((stream) => stream.role === 'consent')) continue;
    const [latest] = await runtime.store.listRuns({ partnerId: partner.id, limit: 1 });
    if (latest?.status === 'failed' && latest.errorCode === 'WB_CONSENT_SOURCE_UNREACHABLE') unreadable.push(partner.id);
  }
  return unreadable;
}
