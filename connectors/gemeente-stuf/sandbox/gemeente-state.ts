import type { VirtualClock } from '../../../src/sandbox/index.js';
import type { Entiteittype } from '../stuf-names.js';
import { loadCaseload, type Caseload, type LoadRequest } from './caseload.js';
import { loadFixtureFiles, type FixtureFiles } from './fixtures.js';
import type { GemeentePartner } from './partners.js';

/**
 * Everything a running gemeente sandbox holds that a reset replaces: the caseload (mutation log
 * and edge cases), or in fixture mode the files and where each entiteittype's replay stands.
 */
export class GemeenteState {
  caseload: Caseload;
  request: LoadRequest;
  loadedAtMs: number;
  readonly fixtures?: FixtureFiles;
  /** Fixture mode: the file index each entiteittype last served. */
  readonly fixtureCursor: Record<Entiteittype, number> = { PWU: -1, RIV: -1, LKS: -1 };

  constructor(readonly partner: GemeentePartner, readonly clock: VirtualClock, initial: LoadRequest, fixturesDir?: string) {
    this.request = initial;
    this.loadedAtMs = clock.nowMs();
    if (fixturesDir) this.fixtures = loadFixtureFiles(fixturesDir);
    this.caseload = this.fixtures ? loadCaseload(partner, { ...initial, empty: true }, this.loadedAtMs) : loadCaseload(partner, initial, this.loadedAtMs);
  }

  reload(request: LoadRequest): void {
    this.request = request;
    this.loadedAtMs = this.clock.nowMs();
    this.fixtureCursor.PWU = this.fixtureCursor.RIV = this.fixtureCursor.LKS = -1;
    this.caseload = loadCaseload(this.partner, this.fixtures ? { ...request, empty: true } : request, this.loadedAtMs);
  }
}
