import { escapeXml as esc } from '../xml/xml-document.js';
import type { PersonStoredRow } from '../store/store.js';
import type { AccessRequestReport } from './access-request-report.js';
import type { ConsentLogRow } from './consent-log-query.js';

/**
 * `access-request.html`: the report of an access request as one self-contained page (no script,
 * no external style sheet, no fonts or images to fetch) that the privacy officer can hand over or
 * print. Headings are Dutch, for the person who asked; every code is followed by its meaning.
 * Every value is escaped: the page shows stored data, and stored data is not trusted as markup.
 */

const style = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1a1a1a;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:2px solid #154273;padding-bottom:.2rem}h3{font-size:1.05rem;margin-bottom:.3rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.92rem}th,td{border:1px solid #c8c8c8;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eef2f7}code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em;word-break:break-all}
.note{color:#555}.empty{color:#555;font-style:italic}dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.3rem 0}dt{font-weight:600}dd{margin:0}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}}`;

type Explain = AccessRequestReport['explanations'];

function code(value: string): string {
  return `<code>${esc(value)}</code>`;
}

/** A code with its meaning: `P_MONITOR_REGIO — Regionale monitoring Hoofdzaak Werk`. */
function named(value: string, table: Readonly<Record<string, string>>): string {
  const meaning = table[value];
  return meaning === undefined ? code(value) : `${esc(meaning)} (${code(value)})`;
}

/** Nested stored JSON as path → value pairs, so any record shape renders without knowing it. */
function flatten(value: unknown, path = ''): [string, string][] {
  if (value === null || value === undefined) return path === '' ? [] : [[path, '—']];
  if (Array.isArray(value)) {
    if (value.length === 0) return [[path, '—']];
    return value.flatMap((item, i) => flatten(item, `${path}[${i + 1}]`));
  }
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([key, item]) => flatten(item, path === '' ? key : `${path}.${key}`));
  }
  return [[path, String(value)]];
}

function details(value: unknown): string {
  const pairs = flatten(value);
  if (pairs.length === 0) return '<p class="empty">geen inhoud</p>';
  return `<dl>${pairs.map(([key, item]) => `<dt>${esc(key)}</dt><dd>${code(item)}</dd>`).join('')}</dl>`;
}

function section(title: string, intro: string, items: readonly string[]): string {
  const body = items.length === 0 ? '<p class="empty">Geen.</p>' : items.join('\n');
  return `<section><h2>${esc(title)}</h2><p class="note">${esc(intro)}</p>${body}</section>`;
}

function storedRow(row: PersonStoredRow, explain: Explain, index: number): string {
  const rows: [string, string][] = [
    ['Bron (partner)', code(row.partnerId)],
    ['Soort gegeven', named(row.recordKind, explain.recordKinds)],
    ['Verwijzing bij de bron', code(row.recordRef)],
    ['Versie', code(row.version)],
    ['Doelen', row.purposes.map((p) => named(p, explain.purposes)).join('<br>') || '—'],
    ['Opgeslagen op', esc(row.ingestedAt)],
    ...(row.replacedAt === undefined ? [] : [['Vervangen op', esc(row.replacedAt)] as [string, string]]),
  ];
  const { person: _person, source: _source, lineage: _lineage, purposes: _purposes, format: _format, record_kind: _kind, ...content } = row.record;
  return `<h3>${index + 1}. ${named(row.recordKind, explain.recordKinds)}</h3>`
    + `<table>${rows.map(([key, value]) => `<tr><th scope="row">${esc(key)}</th><td>${value}</td></tr>`).join('')}</table>`
    + `<details><summary>Inhoud van het gegeven</summary>${details(content)}</details>`;
}

function logRow(row: ConsentLogRow, explain: Explain): string {
  const purposes = row.purposes.map((p) => `${named(p.purpose, explain.purposes)}: <strong>${esc(p.outcome)}</strong>, regel ${code(p.rule)}${explain.rules[p.rule] === undefined ? '' : ` — ${esc(explain.rules[p.rule] ?? '')}`}`).join('<br>');
  const detail = row.detail === undefined ? '' : `<br>${Object.entries(row.detail).map(([k, v]) => `${esc(k)}: ${code(String(v))}`).join(', ')}`;
  return `<tr><td>${row.seq}</td><td>${esc(row.at)}</td><td>${named(row.kind, explain.logKinds)}</td><td>${code(row.partnerId)}</td>`
    + `<td>${named(row.outcome, explain.outcomes)}</td><td>${row.recordRef === null ? '—' : code(row.recordRef)}</td><td>${purposes || '—'}${detail}</td><td>${code(row.hash)}</td></tr>`;
}

function glossaryTable(title: string, table: Readonly<Record<string, string>>): string {
  const entries = Object.entries(table);
  if (entries.length === 0) return '';
  return `<h3>${esc(title)}</h3><table>${entries.map(([key, value]) => `<tr><th scope="row">${code(key)}</th><td>${esc(value)}</td></tr>`).join('')}</table>`;
}

export function renderAccessRequestHtml(report: AccessRequestReport): string {
  const explain = report.explanations;
  const c = report.counts;
  const summary: [string, number][] = [
    ['Opgeslagen gegevens', c.records], ['Eerdere versies', c.recordHistory], ['Verwijderingen op verzoek van de bron', c.removals],
    ['Toestemmingsdocumenten', c.consentDocuments], ['Wachtende gegevens', c.pending], ['Regels in het toestemmingslogboek', c.consentLog],
    ['Wisbewijzen', c.erasureReceipts],
  ];
  const log = report.consentLog.length === 0 ? [] : [
    `<table><thead><tr><th>nr</th><th>tijdstip</th><th>soort</th><th>bron</th><th>uitkomst</th><th>verwijzing</th><th>per doel en regel</th><th>hash</th></tr></thead><tbody>${
      report.consentLog.map((row) => logRow(row, explain)).join('\n')}</tbody></table>`,
  ];
  return `<!DOCTYPE html>
<html lang="nl">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Inzageverzoek werkbrug — ${esc(report.region.name)}</title><style>${style}</style></head>
<body>
<h1>Inzage in uw gegevens in werkbrug</h1>
<p>Arbeidsmarktregio ${esc(report.region.name)} (${code(report.region.code)}). Opgesteld op ${esc(report.createdAt)}.</p>
<p>werkbrug bewaart geen naam, adres, geboortedatum of BSN. U staat in werkbrug onder een <em>pseudoniem</em>: een code die uit uw BSN
is berekend met een geheime sleutel van de regio. Zonder die sleutel is de code niet naar u terug te leiden. Hieronder staat alles wat
werkbrug onder uw pseudoniem bewaart, met de verwijzing naar het systeem van de partner (ggz-instelling, gemeente of UWV) waar het vandaan komt.</p>
<table>${report.pseudonyms.map((p) => `<tr><th scope="row">${p.current ? 'Pseudoniem' : 'Eerder pseudoniem (oude sleutel)'}</th><td>${code(p.pseudonym)}</td></tr>`).join('')}
<tr><th scope="row">Vastgelegd in het inzagelogboek</th><td>regel ${report.accessLog.seq}, ${code(report.accessLog.ref)}</td></tr></table>
<section><h2>Samenvatting</h2><table>${summary.map(([label, n]) => `<tr><th scope="row">${esc(label)}</th><td>${n}</td></tr>`).join('')}</table></section>
${section('Opgeslagen gegevens', 'Gegevens die nu in de regionale opslag staan, met de doelen waarvoor uw toestemming ze toestaat.', report.records.map((row, i) => storedRow(row, explain, i)))}
${section('Eerdere versies', 'Versies die door een nieuwere versie van de bron zijn vervangen; ze worden samen met het gegeven gewist.', report.recordHistory.map((row, i) => storedRow(row, explain, i)))}
${section('Verwijderingen', 'Gegevens die de bron heeft verwijderd of als foutief heeft gemarkeerd: alleen de verwijzing en de reden zijn bewaard.', report.removals.map((row) => details(row)))}
${section('Toestemmingen', 'De toestemmingsdocumenten die de ggz-instelling aan werkbrug doorgaf (laatste versie per document).', report.consentDocuments.map((row) => details(row)))}
${section('Wachtende gegevens', 'Gegevens die nog niet zijn opgeslagen omdat er (nog) geen toestemming is; na de wachttijd worden ze geweigerd.', report.pending.map((row) => details(row)))}
${section('Toestemmingslogboek', 'Elk besluit over uw gegevens: per doel de uitkomst en de regel die gold. Het logboek kan niet ongemerkt worden gewijzigd (hash-keten).', log)}
${section('Wisbewijzen', 'Bewijzen dat gegevens zijn gewist na intrekking van toestemming of na afloop van de bewaartermijn.', report.erasureReceipts.map((row) => details(row)))}
<section><h2>Verklaring van de codes</h2>
${glossaryTable('Doelen', explain.purposes)}${glossaryTable('Regels (in het Engels, zoals in het logboek)', explain.rules)}${glossaryTable('Uitkomsten', explain.outcomes)}${glossaryTable('Soorten logboekregels', explain.logKinds)}${glossaryTable('Soorten gegevens', explain.recordKinds)}
</section>
</body>
</html>
`;
}
