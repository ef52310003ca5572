/**
 * One walk over a resource before it is read: the first `modifierExtension` anywhere (edge case
 * E25; werkbrug knows none, so any is unknown) and whether the nesting is too deep to read safely.
 */
export interface ResourceScan {
  /** FHIR path of the first non-empty `modifierExtension`, e.g. `provision.modifierExtension`. */
  readonly modifier?: string;
  readonly tooDeep: boolean;
}

const maxDepth = 64;

/**
 * The walk runs over every node of every resource (and its Patient), so it keeps the way down as
 * a stack of keys and indices and only spells a path out for the one modifier it reports.
 */
class Walk {
  modifier: string | undefined;
  tooDeep = false;
  readonly #way: Array<string | number> = [];

  visit(node: unknown, depth: number): void {
    if (this.tooDeep || typeof node !== 'object' || node === null) return;
    if (depth > maxDepth) {
      this.tooDeep = true;
      return;
    }
    const way = this.#way;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i += 1) {
        const child: unknown = node[i];
        if (typeof child !== 'object' || child === null) continue;
        way.push(i);
        this.visit(child, depth + 1);
        way.pop();
      }
      return;
    }
    const record = node as Record<string, unknown>;
    // `for…in` reads V8's enum cache instead of allocating a key array per object.
    for (const key in record) {
      const value = record[key];
      // Leaves (strings, numbers, booleans) hold nothing to find, so the walk does not step into them.
      if (typeof value !== 'object' || value === null || !Object.hasOwn(record, key)) continue;
      way.push(key);
      if (this.modifier === undefined && key === 'modifierExtension' && Array.isArray(value) && value.length > 0) this.modifier = pathOf(way);
      this.visit(value, depth + 1);
      way.pop();
    }
  }
}

/** `provision.provision[0].modifierExtension`: keys joined by dots, indices in brackets. */
function pathOf(way: ReadonlyArray<string | number>): string {
  let path = '';
  for (const step of way) path = typeof step === 'number' ? `${path}[${step}]` : path === '' ? step : `${path}.${step}`;
  return path;
}

export function scanResource(resource: unknown): ResourceScan {
  const walk = new Walk();
  walk.visit(resource, 0);
  return walk.modifier !== undefined ? { modifier: walk.modifier, tooDeep: walk.tooDeep } : { tooDeep: walk.tooDeep };
}
