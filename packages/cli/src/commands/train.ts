import { Command, Option } from 'commander';
import { DEFAULT_TRAINING_RECIPES, isRecipeName, RECIPE_NAMES, type RecipeName } from '@gu/core';
import { withGu } from '../io/gu.js';
import { Progress } from '../io/progress.js';
import { formatTable } from '../io/table.js';

interface TrainFlags {
  data: string;
  recipes: RecipeName[];
  promote: 'gate' | 'always' | 'never';
  tune?: boolean;
  json?: boolean;
}

export const trainCommand = new Command('train')
  .description(
    'Train recipes on the history in the data lake, evaluate them offline, store immutable model versions and promote those that pass the quality gate. A running server picks promotions up within seconds.',
  )
  .option('--data <dir>', 'data directory', './data')
  .option(
    '--recipes <list>',
    `recipes to train (${RECIPE_NAMES.join(', ')})`,
    (v) => {
      const names = v.split(',').map((s) => s.trim());
      const bad = names.filter((n) => !isRecipeName(n));
      if (bad.length) throw new Error(`unknown recipe ${bad.join(', ')}`);
      return names as RecipeName[];
    },
    DEFAULT_TRAINING_RECIPES,
  )
  .addOption(
    new Option('--promote <when>', 'gate: only versions not worse than the serving ones; always; never')
      .choices(['gate', 'always', 'never'])
      .default('gate'),
  )
  .option('--tune', "choose user-personalization's blend on a validation split first (slower, often better)")
  .option('--json', 'print the report as JSON')
  .action(async (flags: TrainFlags) => {
    const progress = new Progress();
    // Training reads the lake and the catalog and writes model versions: a follower, which leaves the log to
    // the server (whose checkpoints make the lake whole up to its position) and replays nothing into the lake.
    // Events not yet in the lake are applied to the new versions when they load (from their watermark).
    await withGu(flags.data, 'follower', async (gu) => {
      progress.start('training', flags.recipes.length);
      const report = await gu.train({
        recipes: flags.recipes,
        promote: flags.promote,
        tune: flags.tune ?? false,
        onProgress: (_stage, done, total) => progress.update(done, total),
      });
      progress.stop();
      if (flags.json) return console.log(JSON.stringify(report, null, 2));
      const q = report.quality;
      console.log(`data: ${q.valid} valid events of ${q.rows} (${(q.validShare * 100).toFixed(1)}%)`);
      console.log(
        formatTable(
          ['version', 'ndcg@20', 'hr@20', 'coverage@20', 'train s', 'promoted'],
          report.versions.map((v) => [
            v.id,
            (v.metrics['ndcg@20'] ?? NaN).toFixed(4),
            (v.metrics['hr@20'] ?? NaN).toFixed(4),
            (v.metrics['coverage@20'] ?? NaN).toFixed(3),
            v.trainSeconds.toFixed(1),
            report.promoted.includes(v.id)
              ? 'yes'
              : (report.held.find((h) => h.id === v.id)?.reasons.join('; ') ?? 'no'),
          ]),
        ),
      );
    }).finally(() => progress.stop(false));
  });
