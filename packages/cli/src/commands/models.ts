import { Command } from 'commander';
import { isRecipeName, type RecipeName } from '@gu/core';
import { withGu, withStores } from '../io/gu.js';
import { formatTable } from '../io/table.js';

const recipeArg = (v: string): RecipeName => {
  if (!isRecipeName(v)) throw new Error(`unknown recipe ${v}`);
  return v;
};

const list = new Command('list')
  .description('Model versions, newest first; * marks the serving one of each recipe')
  .option('--data <dir>', 'data directory', './data')
  .option('--recipe <name>', 'only this recipe', recipeArg)
  .option('--json', 'print JSON')
  .action(async (flags: { data: string; recipe?: RecipeName; json?: boolean }) =>
    // The model store alone: listing loads no model and leaves the log to a running server.
    withStores(flags.data, async (stores) => {
      const serving = await stores.models.serving();
      const versions = await stores.models.list(flags.recipe);
      if (flags.json) return console.log(JSON.stringify({ serving, versions }, null, 2));
      if (versions.length === 0)
        return console.log(
          `no model versions${flags.recipe ? ` of ${flags.recipe}` : ''} in ${flags.data} yet: gu train makes them`,
        );
      console.log(
        formatTable(
          ['', 'version', 'created', 'ndcg@20', 'coverage@20', 'interactions', 'MB'],
          versions.map((v) => [
            serving[v.recipe] === v.id ? '*' : '',
            v.id,
            new Date(v.createdAt).toISOString().slice(0, 19).replace('T', ' '),
            (v.metrics['ndcg@20'] ?? NaN).toFixed(4),
            (v.metrics['coverage@20'] ?? NaN).toFixed(3),
            String(v.data.interactions),
            (v.sizeBytes / 2 ** 20).toFixed(1),
          ]),
        ),
      );
    }),
  );

const promote = new Command('promote')
  .description('Serve a model version (a running server swaps to it within seconds)')
  .argument('<version>', 'model version id (see gu models list)')
  .option('--data <dir>', 'data directory', './data')
  .option('--json', 'print JSON')
  .action(async (id: string, flags: { data: string; json?: boolean }) =>
    // A follower loads the version (so one that cannot load is refused) and records the promotion.
    withGu(flags.data, 'follower', async (gu) => {
      const v = await gu.promote(id);
      console.log(flags.json ? JSON.stringify({ serving: v }) : `${v.recipe} now serves ${v.id}`);
    }),
  );

const rollback = new Command('rollback')
  .description('Serve the version of a recipe promoted before the current one')
  .argument('<recipe>', 'recipe name', recipeArg)
  .option('--data <dir>', 'data directory', './data')
  .option('--json', 'print JSON')
  .action(async (recipe: RecipeName, flags: { data: string; json?: boolean }) =>
    withGu(flags.data, 'follower', async (gu) => {
      const v = await gu.rollback(recipe);
      console.log(flags.json ? JSON.stringify({ serving: v }) : `${recipe} rolled back to ${v.id}`);
    }),
  );

export const modelsCommand = new Command('models')
  .description('List, promote and roll back model versions')
  .addCommand(list)
  .addCommand(promote)
  .addCommand(rollback);
