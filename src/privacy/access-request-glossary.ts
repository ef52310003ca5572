import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { consentRules } from '../stages/consent-decision.js';
import { packageRoot } from '../support/package-root.js';

/**
 * The words an access-request report explains its codes with, for the person who asked and for
 * the privacy officer who hands it over: purposes by their Dutch name from
 * `config/reference/purposes.csv`, consent rules by the sentence of `consentRules`, and the
 * outcomes, kinds and record kinds in plain Dutch.
 */
export interface Glossary {
  readonly purposes: Readonly<Record<string, string>>;
  readonly rules: Readonly<Record<string, string>>;
  readonly outcomes: Readonly<Record<string, string>>;
  readonly logKinds: Readonly<Record<string, string>>;
  readonly recordKinds: Readonly<Record<string, string>>;
}

/** code → name_nl; the two first columns hold no commas, like the other reference readers assume. */
export function purposeNames(file = join(packageRoot(), 'config', 'reference', 'purposes.csv')): Record<string, string> {
  const [header, ...lines] = readFileSync(file, 'utf8').split(/\r?\n/).filter((line) => line.trim() !== '');
  const columns = (header ?? '').split(',');
  const code = columns.indexOf('code');
  const name = columns.indexOf('name_nl');
  return Object.fromEntries(lines.map((line) => line.split(',')).map((cells) => [cells[code] ?? '', cells[name] ?? '']));
}

export function glossary(): Glossary {
  return {
    purposes: purposeNames(),
    rules: consentRules,
    outcomes: {
      permit: 'toegestaan (de toestemming staat het delen voor dit doel toe)',
      refuse: 'geweigerd (niet gedeeld)',
      pending: 'wacht (nog niet gedeeld, wacht op toestemming)',
      erase: 'gewist (na intrekking van toestemming of na de bewaartermijn)',
      relink: 'gekoppeld aan uw pseudoniem onder een nieuwe sleutel (sleutelwissel)',
    },
    logKinds: {
      'decision': 'toestemmingsbesluit over een gegeven',
      'erasure': 'wissing na intrekking van toestemming',
      'refusal-after-wait': 'weigering na de wachttijd (geen toestemming ontvangen)',
      'retention-purge': 'verwijdering na afloop van de bewaartermijn',
      'relink': 'koppeling na vervanging van de pseudonimiseringssleutel',
    },
    recordKinds: {
      referral: 'aanmelding voor IPS',
      trajectory: 'IPS-traject',
      employment: 'dienstverband (werk)',
      benefit: 'uitkering',
      consent: 'toestemming',
    },
  };
}
