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

export function scanResource(resource: unknown): ResourceScan {
  let modifier: string | undefined;
  let tooDeep = false;
  const walk = (node: unknown, path: string, depth: number): void => {
    if (tooDeep || typeof node !== 'object' || node === null) return;
    if (depth > maxDepth) {
      tooDeep = true;
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((child, i) => walk(child, `${path}[${i}]`, depth + 1));
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      const childPath = path === '' ? key : `${path}.${key}`;
      if (key === 'modifierExtension' && Array.isArray(value) && value.length > 0) modifier ??= childPath;
      walk(value, childPath, depth + 1);
    }
  };
  walk(resource, '', 0);
  return modifier !== undefined ? { modifier, tooDeep } : { tooDeep };
}
