import { bsnFromPrefix, generatedPerson } from './person-generator.js';
import type { SandboxPerson } from './cast.js';

/**
 * Canaries: values a privacy test plants and then searches for in logs, Redis and the store. All
 * three sandboxes build the same canary persons from the same {@link Canaries}, so a canary
 * person's records at the ggz, the gemeente and UWV link through one pseudonym and travel the
 * whole pipeline (the ggz gives them an active trajectory and consent for both purposes).
 */
export interface Canaries {
  /** Full names (`Given Family`); the last word becomes the family name. */
  readonly names?: readonly string[];
  /** BSNs as the partner serves them; a canary person without one gets a valid BSN of range 992xxxxxx. */
  readonly bsns?: readonly string[];
  /** Address lines (`Kerkstraat 1`). */
  readonly addresses?: readonly string[];
  readonly birthDates?: readonly string[];
  /** Free text for notes, descriptions and narratives. */
  readonly notes?: readonly string[];
}

export function canaryCount(canaries: Canaries | undefined): number {
  if (!canaries) return 0;
  const lengths = [canaries.names, canaries.bsns, canaries.addresses, canaries.birthDates].map((list) => list?.length ?? 0);
  return Math.max(...lengths, (canaries.notes?.length ?? 0) > 0 ? 1 : 0);
}

/** The k-th entry of a canary list, cycling; undefined for an empty list. */
export function nthCanary(list: readonly string[] | undefined, k: number): string | undefined {
  return list && list.length > 0 ? list[k % list.length] : undefined;
}

/** Canary person k (0-based): key `C01`…, the planted BSN, name and birth date over a generated base. */
export function canaryPerson(canaries: Canaries, k: number): SandboxPerson {
  const base = generatedPerson(0xca7a, k + 1);
  const name = nthCanary(canaries.names, k);
  const words = name?.trim().split(/\s+/) ?? [];
  const familyName = words.length > 1 ? words[words.length - 1] : undefined;
  return {
    ...base,
    key: `C${String(k + 1).padStart(2, '0')}`,
    bsn: canaries.bsns?.[k] ?? bsnFromPrefix(99_200_000 + 2 * k),
    ...(name ? { givenName: words.slice(0, -1).join(' ') || name, familyName: familyName ?? name, familyPrefix: undefined } : {}),
    birthDate: nthCanary(canaries.birthDates, k) ?? base.birthDate,
  };
}

/** Every canary person of a set. */
export function canaryPersons(canaries: Canaries | undefined): SandboxPerson[] {
  if (!canaries) return [];
  return Array.from({ length: canaryCount(canaries) }, (_, k) => canaryPerson(canaries, k));
}
