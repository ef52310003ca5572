# Connector `__name__` (kind `__kind__`)

Scaffolded by `werkbrug connector new __name__ --kind __kind__`. It already passes the connector
contract kit against its own sandbox; `docs/connectors.md` walks through the rest.

```sh
npm run werkbrug -- connector test __name__     # every contract check, against the sandbox
npx vitest run __dir__                         # the mapping's unit test
```

## What to fill in

| file | what it is | what you change |
|---|---|---|
| `source-schema.ts` | one record as the partner delivers it (zod, the partner's own names) | your partner's record; mark the identifying fields |
| `mapping.ts` | pure: record → draft of the trajectory format, or a refusal with field and reason | the mapping; keep only codes, dates and bands |
| `mapping.test.ts` | the mapping's unit test | your cases, one per refusal reason |
| `pull.ts` | the wire: requests, paging, error classification, `check()` | your partner's API |
| `cursor.ts` | `{ updatedAt, seen }`: what the core stores after each page | only if your change signal is not an instant |
| `edge.ts` | page → drafts and rejections (one or the other per record) | rarely |
| `config-schema.ts` | `partners[].settings` | settings your partner needs (URLs end in `Url`) |
| `connector.ts` | the `Connector` object and `describe()` | streams, version, mapping version |
| `sandbox/` | a real HTTP server playing the partner: `data.ts` (what is served, edge cases), `wire.ts` (the wire format), `server.ts` (control API, faults, journal, clock) | serve what your partner serves, with its edge cases |
| `contract.ts` | the contract kit's subject: sandbox, settings, ground truth, mutations | keep it in step with the sandbox |

Then register the connector (one line in `src/connector/registry.ts`), add a partner with
`connector: __name__` to a region config, and run `npm run demo` or `werkbrug sync`.
