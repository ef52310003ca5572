import { readFileSync, writeFileSync } from 'node:fs';
import { renderConfigReference, replaceReference } from '../config/config-reference.js';

// `npm run docs:config`: regenerates the configuration reference in README.md.
const readme = readFileSync('README.md', 'utf8');
writeFileSync('README.md', replaceReference(readme, renderConfigReference()));
process.stdout.write('README.md: configuration reference regenerated\n');
