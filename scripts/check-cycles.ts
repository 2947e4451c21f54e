// Fails when src/ has an import cycle: between two files, or between two folders (a top-level
// folder of src/, or one flow under src/flows/). Type-only imports count: they couple the folders
// all the same. Run by `npm run lint` (and so by CI).
import madge from 'madge';
import { dirname } from 'node:path';

const SRC = new URL('../src/', import.meta.url).pathname;

/** The unit of layering a file belongs to: `accounts`, `flows/recovery`, `app`, … */
export function folderOf(file: string): string {
  const parts = dirname(file).split('/');
  // A file directly in src/ (main.ts, log.ts) is a unit of its own.
  if (parts[0] === '.') return file;
  return parts[0] === 'flows' && parts[1] ? `flows/${parts[1]}` : parts[0] ?? file;
}

/** Strongly connected components of more than one node (Tarjan). */
function cyclesOf(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, indices.get(next) ?? 0));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return found;
}

const result = await madge(SRC, {
  fileExtensions: ['ts'],
  excludeRegExp: [/\.test\.ts$/, /\.d\.ts$/],
  detectiveOptions: { ts: { skipTypeImports: false }, es6: { skipTypeImports: false } },
});
const files = result.obj();
const folders = new Map<string, Set<string>>();
const example = new Map<string, string>();
for (const [file, imports] of Object.entries(files)) {
  const from = folderOf(file);
  const targets = folders.get(from) ?? new Set<string>();
  folders.set(from, targets);
  for (const imported of imports) {
    const to = folderOf(imported);
    if (to === from) continue;
    targets.add(to);
    if (!example.has(`${from}>${to}`)) example.set(`${from}>${to}`, `${file} → ${imported}`);
  }
}

const fileCycles = result.circular();
const folderCycles = cyclesOf(folders);
for (const cycle of fileCycles) console.error(`file cycle: ${cycle.join(' → ')}`);
for (const cycle of folderCycles) {
  console.error(`folder cycle: ${cycle.join(', ')}`);
  for (const from of cycle) {
    for (const to of cycle) {
      const edge = example.get(`${from}>${to}`);
      if (edge) console.error(`  ${from} → ${to}: ${edge}`);
    }
  }
}
if (fileCycles.length || folderCycles.length) process.exit(1);
console.log(`no import cycles: ${Object.keys(files).length} files in ${folders.size} folders`);
