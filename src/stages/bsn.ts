/**
 * BSN normalisation and the 11-proef, the same in every connector (`shared/partners/README.md` §1):
 * strip spaces and dots; a value of 8 digits gets its lost leading zero; then it must be exactly
 * 9 digits and pass the 11-proef (weights 9..2 on the first eight digits, −1 on the ninth, the sum
 * divisible by 11 and not 0).
 *
 * The result never carries the BSN into an error message: callers get a reason, not the value.
 */
export type BsnResult = { ok: true; bsn: string } | { ok: false; reason: 'bsn-missing' | 'bsn-invalid' };

export function passesElfproef(nineDigits: string): boolean {
  if (!/^[0-9]{9}$/.test(nineDigits)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i += 1) sum += Number(nineDigits[i]) * (9 - i);
  sum -= Number(nineDigits[8]);
  return sum !== 0 && sum % 11 === 0;
}

export function normaliseBsn(raw: string | undefined | null): BsnResult {
  if (raw === undefined || raw === null) return { ok: false, reason: 'bsn-missing' };
  const stripped = raw.replace(/[\s.]/g, '');
  if (stripped === '') return { ok: false, reason: 'bsn-missing' };
  const padded = /^[0-9]{8}$/.test(stripped) ? `0${stripped}` : stripped;
  return passesElfproef(padded) ? { ok: true, bsn: padded } : { ok: false, reason: 'bsn-invalid' };
}
