import { readFileSync } from 'node:fs';

// Summarises a V8 .cpuprofile (from `npm run bench -- --cpu-prof`): self time by function and by
// package, so the hot path's cost can be read without a browser. Usage: npx tsx bench/profile.ts FILE
interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const file = process.argv[2];
if (!file) throw new Error('usage: npx tsx bench/profile.ts FILE.cpuprofile');
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map<number, number>();
profile.samples.forEach((id, index) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
for (const [id, us] of self) {
  const frame = byId.get(id)!.callFrame;
  const where = frame.url.replace(/^file:\/\//, '').replace(process.cwd(), '.');
  const pkg =
    /node_modules\/((@[^/]+\/)?[^/]+)/.exec(where)?.[1] ??
    (where.startsWith('node:')
      ? 'node:' + where.slice(5).split('/')[0]
      : where.startsWith('./')
        ? where.split('/').slice(0, 3).join('/')
        : frame.functionName || '(native)');
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  const key = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
}
const top = (map: Map<string, number>, n: number) =>
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([key, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`)
    .join('\n');
console.log(`total ${(total / 1e6).toFixed(2)} s sampled\n\nby package:\n${top(byPackage, 25)}\n\nby function:\n${top(byFunction, 45)}`);
