/**
 * The SuwiML wire names both sides of `partners/uwv-suwinet.md` §2 share: the two services, their
 * paths, body namespaces and WS-Addressing actions, and the FWI namespace. The connector and the
 * sandbox import them from here so a typo cannot make them agree with each other and differ from
 * the spec.
 */
export const FWI_NS = 'http://bkwi.nl/SuwiML/FWI/v0205';

export type SuwiService = 'ikv' | 'wv';

export interface ServiceWireNames {
  readonly service: SuwiService;
  /** `{dienst}` of the fixture file names (§9) and of the endpoint path. */
  readonly dienst: string;
  readonly operation: string;
  readonly path: string;
  /** Namespace of the request and answer root elements (`smls`). */
  readonly bodyNs: string;
  readonly action: string;
  readonly responseAction: string;
  readonly faultAction: string;
}

const actionBase = (dienst: string): string => `http://bkwi.nl/SuwiML/Diensten/${dienst}-v0200`;

function service(service: SuwiService, dienst: string, operation: string): ServiceWireNames {
  return {
    service,
    dienst,
    operation,
    path: `/SuwiML/${dienst}-v0200/v1`,
    bodyNs: `http://bkwi.nl/SuwiML/Diensten/${dienst}/v0200`,
    action: `${actionBase(dienst)}/${operation}`,
    responseAction: `${actionBase(dienst)}/${operation}Response`,
    faultAction: `${actionBase(dienst)}/Fout`,
  };
}

export const IKV: ServiceWireNames = service('ikv', 'UWVDossierInkomstenGSD', 'UWVPersoonsIkvInfo');
export const WV: ServiceWireNames = service('wv', 'UWVDossierWerknemersverzekeringenGSD', 'UWVPersoonsWvInfo');
export const SERVICES: readonly ServiceWireNames[] = [IKV, WV];

export function serviceByPath(path: string): ServiceWireNames | undefined {
  return SERVICES.find((s) => s.path === path);
}

/** FWI codes of spec §6 (**werkbrug-defined**) with their `Tekst`. */
export const FWI_TEXTS: Readonly<Record<string, string>> = {
  FWI0001: 'Technische fout bij het verwerken van de aanvraag.',
  FWI0010: 'Bron tijdelijk niet beschikbaar.',
  FWI0020: 'Afnemer is niet geautoriseerd voor deze gegevens.',
  FWI0030: 'Aanvraag voldoet niet aan de specificatie.',
  FWI0040: 'Burgerservicenummer is ongeldig.',
  FWI0050: 'Gevraagde periode is ongeldig.',
  FWI0060: 'Gegevens zijn mogelijk onvolledig.',
};

/** `20250731` ↔ `2025-07-31` for the dates werkbrug itself writes (never for dates it reads). */
export function datum(isoDate: string): string {
  return isoDate.replace(/-/g, '');
}
