// Measures recommendation quality on the shared datasets with `gu evaluate --json` and writes the figures,
// with the command behind each, into BENCHMARKS.md (between the quality markers).
// Usage: node bench/quality.mjs [--only beauty,diginetica,retailrocket]
// With --only, the other runs' tables are rebuilt from their saved output in bench/out/ where there is one.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { benchArgs } from './args.mjs';

const data = '../shared/datasets';
const runs = [
  {
    id: 'beauty-poprec',
    title: 'Beauty, PopRec protocol (popularity counted over all interactions)',
    args: ['--interactions', `${data}/Beauty.txt`, '--recipes', 'popular', '--popular-on-all'],
  },
  {
    id: 'beauty',
    title: 'Beauty, leave-last-out, full ranking, history excluded',
    args: [
      '--interactions',
      `${data}/Beauty.txt`,
      '--recipes',
      'popular,random,trending,similar-items,bought-together,user-personalization,personalized-ranking',
    ],
  },
  {
    id: 'beauty-ablation',
    title: 'Beauty, user-personalization terms alone',
    args: [
      '--interactions',
      `${data}/Beauty.txt`,
      '--recipes',
      'user-personalization',
      '--set',
      'user-personalization.blend={"factors":1,"items":0,"sessions":0}',
    ],
    label: 'user-personalization (iALS + fold-in only)',
  },
  {
    id: 'beauty-tuned',
    title: 'Beauty, user-personalization with its blend tuned on a validation split',
    args: ['--interactions', `${data}/Beauty.txt`, '--recipes', 'user-personalization', '--tune'],
    label: 'user-personalization (blend tuned)',
  },
  {
    id: 'diginetica',
    title: 'Diginetica (SR-GNN split), session prefix → next item, full ranking',
    args: [
      '--interactions',
      `${data}/diginetica`,
      '--recipes',
      'popular,random,similar-items,bought-together,user-personalization',
    ],
  },
  {
    id: 'diginetica-sessions',
    title: 'Diginetica, user-personalization with only its session-neighbour term',
    args: [
      '--interactions',
      `${data}/diginetica`,
      '--recipes',
      'user-personalization',
      '--set',
      'user-personalization.blend={"factors":0,"items":0,"sessions":1}',
    ],
    label: 'user-personalization (session neighbours only)',
  },
  {
    id: 'diginetica-tuned',
    title: 'Diginetica, user-personalization with its blend tuned on a validation split',
    args: ['--interactions', `${data}/diginetica`, '--recipes', 'user-personalization', '--tune'],
    label: 'user-personalization (blend tuned)',
  },
  {
    id: 'retailrocket',
    title: 'RetailRocket sample (CSV contract), leave-last-out',
    args: [
      '--interactions',
      `${data}/sample_retailrocket.csv`,
      '--recipes',
      'popular,random,trending,similar-items,user-personalization',
    ],
  },
];

const { only } = benchArgs(
  'Usage: node bench/quality.mjs [--only NAME,…] (a name selects every run it begins: beauty, diginetica, …)',
  runs.map((r) => r.id),
  { prefixes: true },
);
mkdirSync('bench/out', { recursive: true });
const results = {};
for (const run of runs) {
  const saved = `bench/out/quality-${run.id}.json`;
  if (only && !only.some((o) => run.id.startsWith(o))) {
    if (existsSync(saved)) results[run.id] = { ...run, output: JSON.parse(readFileSync(saved, 'utf8')) };
    continue;
  }
  const args = ['evaluate', ...run.args, '--k', '10,20', '--json'];
  process.stderr.write(`\n▶ gu ${args.join(' ')}\n`);
  const out = execFileSync('node', ['packages/cli/dist/main.js', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 28,
  });
  results[run.id] = { ...run, output: JSON.parse(out) };
  writeFileSync(saved, out);
}

const quote = (a) => (/[^\w./,@=-]/.test(a) ? `'${a}'` : a);
const f = (x, digits = 4) => (x === undefined ? '–' : x.toFixed(digits));
let md = `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${os.cpus()[0].model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}, by \`node bench/quality.mjs\`.\n`;
for (const r of Object.values(results)) {
  const { dataset, split } = r.output;
  md += `\n#### ${r.title}\n\n\`gu ${['evaluate', ...r.args, '--k', '10,20', '--json'].map(quote).join(' ')}\`\n\n`;
  md += `${dataset.users} users · ${dataset.items} items · ${dataset.interactions} interactions · ${split.testCases} test cases\n\n`;
  for (const x of r.output.results.filter((x) => x.tuning))
    md += `Blend chosen on ${x.tuning.validationCases} validation cases (${x.tuning.metric}, ${x.tuning.seconds.toFixed(0)} s): ${JSON.stringify(x.tuning.blend)}; tried: ${x.tuning.validation.map((v) => `${JSON.stringify(v.blend)} ${v.value.toFixed(4)}`).join(', ')}.\n\n`;
  md +=
    '| recipe | HR@10 | NDCG@10 | HR@20 | NDCG@20 | MRR@20 | coverage@20 | novelty@20 | gini@20 | train s | rank s | peak MB |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n';
  for (const x of r.output.results) {
    const m = x.metrics;
    md += `| ${r.label ?? x.recipe} | ${f(m['hr@10'])} | ${f(m['ndcg@10'])} | ${f(m['hr@20'])} | ${f(m['ndcg@20'])} | ${f(m['mrr@20'])} | ${f(m['coverage@20'], 3)} | ${f(m['novelty@20'], 2)} | ${f(m['gini@20'], 3)} | ${f(x.trainSeconds, 1)} | ${f(x.rankSeconds, 1)} | ${x.peakMemoryMb} |\n`;
  }
}
const path = 'BENCHMARKS.md';
const current = readFileSync(path, 'utf8');
const [start, end] = ['<!-- quality:start -->', '<!-- quality:end -->'];
if (!current.includes(start)) throw new Error(`${path} has no ${start} marker`);
writeFileSync(
  path,
  current.slice(0, current.indexOf(start) + start.length) +
    '\n' +
    md +
    '\n' +
    current.slice(current.indexOf(end)),
);
process.stderr.write(`\nwrote ${Object.keys(results).length} tables into ${path}\n`);
