import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../support/package-root.js';

/**
 * Reference tables shipped in `config/reference/` (copied from the programme's reference set):
 * gemeentecode → arbeidsmarktregio (CBS indeling) and the region's gemeente names → codes, used
 * at the edge to derive the gemeente of residence from an address before the address is dropped.
 */
export interface ReferenceTables {
  regionOfGemeente(gemeenteCode: string): string | undefined;
  gemeenteCodeOfName(name: string): string | undefined;
}

function readCsv(file: string): Array<Record<string, string>> {
  const [header, ...lines] = readFileSync(file, 'utf8').split(/\r?\n/).filter((line) => line.trim() !== '');
  if (!header) return [];
  const columns = header.split(',');
  // These files hold no quoted commas in the columns read here (codes and names).
  return lines.map((line) => Object.fromEntries(line.split(',').map((value, i) => [columns[i] ?? `c${i}`, value])));
}

function normaliseName(name: string): string {
  return name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z]/g, '');
}

export function loadReferenceTables(dir = join(packageRoot(), 'config', 'reference')): ReferenceTables {
  const regions = new Map(readCsv(join(dir, 'gemeente-arbeidsmarktregio.csv')).map((row) => [row.gemeente_code ?? '', row.arbeidsmarktregio_code ?? '']));
  const names = new Map(readCsv(join(dir, 'gemeenten-midden-utrecht.csv')).map((row) => [normaliseName(row.gemeente_name ?? ''), row.gemeente_code ?? '']));
  return {
    regionOfGemeente: (code) => regions.get(code),
    gemeenteCodeOfName: (name) => names.get(normaliseName(name)),
  };
}
