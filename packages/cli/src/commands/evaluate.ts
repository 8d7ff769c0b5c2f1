import { Command, InvalidArgumentError, Option } from 'commander';
import {
  createRecipe,
  evaluateRecipe,
  isRecipeName,
  leaveLastOut,
  numItems,
  numUsers,
  RECIPE_NAMES,
  temporalSplit,
  tuneBlend,
  type BlendTuning,
  type EvalCase,
  type Interactions,
  type RecipeName,
} from '@gu/core';
import { DATASET_FORMATS, loadDataset, type DatasetFormat } from '../io/datasets.js';
import { peakMemory } from '../io/memory.js';
import { Progress } from '../io/progress.js';
import { formatTable } from '../io/table.js';

const positiveInts = (value: string): number[] => {
  const ks = value.split(',').map((s) => Number(s.trim()));
  if (!ks.length || ks.some((k) => !Number.isInteger(k) || k < 1 || k > 1000))
    throw new InvalidArgumentError('expected comma-separated integers between 1 and 1000, e.g. 10,20');
  return ks;
};

const recipeList = (value: string): RecipeName[] => {
  const names = value.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !isRecipeName(n));
  if (unknown.length)
    throw new InvalidArgumentError(`unknown recipe ${unknown.join(', ')}; known: ${RECIPE_NAMES.join(', ')}`);
  return names as RecipeName[];
};

/** `recipe.param=value` overrides, values parsed as JSON when they are JSON (numbers, booleans, objects). */
const paramSetting = (value: string, previous: Record<string, Record<string, unknown>> = {}) => {
  const m = value.match(/^([a-z-]+)\.([A-Za-z]+)=(.*)$/);
  if (!m || !isRecipeName(m[1]))
    throw new InvalidArgumentError('expected RECIPE.PARAM=VALUE, e.g. user-personalization.factors=128');
  let parsed: unknown = m[3];
  try {
    parsed = JSON.parse(m[3]);
  } catch {
    // a plain string value
  }
  return { ...previous, [m[1]]: { ...previous[m[1]], [m[2]]: parsed } };
};

interface EvaluateFlags {
  interactions: string;
  items?: string;
  format?: DatasetFormat;
  split: 'temporal' | 'leave-last-out';
  holdout: 'last' | 'second-last';
  testDays: number;
  k: number[];
  recipes: RecipeName[];
  repeat?: boolean;
  popularOnAll?: boolean;
  tune?: boolean;
  threads?: number;
  set?: Record<string, Record<string, unknown>>;
  json?: boolean;
}

export const evaluateCommand = new Command('evaluate')
  .description('Train recipes on history and measure them offline with full-catalog ranking (PRODUCT.md §5).')
  .requiredOption(
    '--interactions <path>',
    'CSV (user_id,item_id,timestamp,event_type), JSON Lines, a `user item item …` file, or a session dataset directory',
  )
  .option('--items <path>', 'catalog CSV (item_id,title,categories,price,brand) for category-aware recipes')
  .addOption(new Option('--format <format>', 'input format (detected when omitted)').choices(DATASET_FORMATS))
  .addOption(
    new Option('--split <kind>', 'how to hold out test data (session datasets bring their own)')
      .choices(['temporal', 'leave-last-out'])
      .default('leave-last-out'),
  )
  .addOption(
    new Option(
      '--holdout <which>',
      'leave-last-out target: last (test) or second-last (validation, for tuning)',
    )
      .choices(['last', 'second-last'])
      .default('last'),
  )
  .option(
    '--test-days <n>',
    'temporal split: days at the end that form the test period',
    (v) => positiveInts(v)[0],
    7,
  )
  .option('--k <list>', 'cut-offs for the metrics', positiveInts, [10, 20])
  .option('--recipes <list>', 'recipes to evaluate', recipeList, [
    'popular',
    'random',
    'similar-items',
    'bought-together',
    'user-personalization',
  ])
  .option('--repeat', 'repeat-consumption data: keep items already seen in the ranking and as targets')
  .option(
    '--popular-on-all',
    'fit popular on all interactions, test included (how the published PopRec figures were computed)',
  )
  .option(
    '--tune',
    "user-personalization: choose its blend on a validation split of the training data (each shopper's last training event) before measuring on the test cases",
  )
  .option('--threads <n>', 'worker threads (default: all cores)', (v) => positiveInts(v)[0])
  .option('--set <recipe.param=value>', 'override a recipe parameter (repeatable)', paramSetting)
  .option('--json', 'print one JSON object with the results')
  .action(async (flags: EvaluateFlags) => {
    const progress = new Progress();
    progress.start(`reading ${flags.interactions}`, 1);
    const dataset = await loadDataset(flags.interactions, flags.format, flags.items);
    progress.stop();
    if (!dataset.quality.passes) {
      throw new Error(
        `data quality gate failed: only ${(dataset.quality.validShare * 100).toFixed(1)}% of rows are valid (95% needed): ` +
          dataset.quality.errors.map((e) => `${e.reason} ×${e.count}`).join(', '),
      );
    }
    const all = dataset.interactions;
    const excludeSeen = !(flags.repeat ?? dataset.format === 'sessions');
    let train: Interactions;
    let cases: EvalCase[];
    let splitInfo: Record<string, unknown>;
    if (dataset.cases) {
      [train, cases] = [all, dataset.cases];
      splitInfo = { kind: 'given', trainRows: all.item.length, testCases: cases.length, excludeSeen };
    } else {
      const split =
        flags.split === 'temporal'
          ? temporalSplit(all, { testDays: flags.testDays, excludeSeen })
          : leaveLastOut(all, { holdout: flags.holdout, excludeSeen });
      [train, cases, splitInfo] = [split.train, split.cases, { ...split.info, excludeSeen }];
    }

    const results = [];
    for (const name of flags.recipes) {
      const memory = peakMemory();
      let params = flags.set?.[name] ?? {};
      let tuning: BlendTuning | undefined;
      if (flags.tune && (name === 'user-personalization' || name === 'personalized-ranking')) {
        progress.start(`${name}: tuning the blend on a validation split`, 1);
        tuning = await tuneBlend(train, params, { ks: flags.k, excludeSeen, threads: flags.threads });
        params = { ...params, blend: tuning.blend };
        progress.stop();
      }
      const recipe = createRecipe(name, params);
      progress.start(`${name}: training`, 1);
      const result = await evaluateRecipe(recipe, train, cases, {
        ks: flags.k,
        excludeSeen,
        threads: flags.threads,
        fitOn: name === 'popular' && flags.popularOnAll ? all : undefined,
        onProgress: (stage, done, total) => {
          if (stage === 'rank' && done === 1) progress.start(`${name}: ranking ${cases.length} cases`, total);
          progress.update(done, total);
        },
      });
      progress.stop();
      results.push({
        ...result,
        params: recipe.params,
        ...(tuning ? { tuning } : {}),
        peakMemoryMb: memory.stop(),
      });
    }

    const output = {
      dataset: {
        format: dataset.format,
        users: numUsers(all),
        items: numItems(all),
        interactions: all.item.length,
        quality: dataset.quality,
      },
      split: splitInfo,
      results,
    };
    if (flags.json) console.log(JSON.stringify(output, null, 2));
    else {
      console.log(
        `${output.dataset.users} users, ${output.dataset.items} items, ${output.dataset.interactions} interactions; ${cases.length} test cases`,
      );
      const columns = flags.k.flatMap((k) => [`hr@${k}`, `ndcg@${k}`, `mrr@${k}`, `coverage@${k}`]);
      console.log(
        formatTable(
          ['recipe', ...columns, 'train s', 'peak MB'],
          results.map((r) => [
            r.recipe,
            ...columns.map((c) => r.metrics[c].toFixed(4)),
            r.trainSeconds.toFixed(1),
            String(r.peakMemoryMb),
          ]),
        ),
      );
    }
  });
