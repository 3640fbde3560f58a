/**
 * The CLI commands that measure and report on a project: evaluate, compare,
 * export and status (cli.ts registers them in this place of the help).
 */
import { type Command, Option } from 'commander';
import { ORIENTATION_MODELS, type BackendChoice, type OrientationModelKind } from '../../shared/types.js';
import { printCompare } from './print-compare.js';
import { checkUserPath } from '../service/user-paths.js';
import { BACKENDS, DEFAULT_COMPARE_STRATEGIES, int, sizeList, withProject } from './cli-support.js';

export function addReportCommands(program: Command): void {
  program
    .command('evaluate')
    .description('train the orientation model on the labels so far; add a learning-curve point (error on the labeled test split)')
    .argument('<project>')
    .addOption(new Option('--backend <name>', 'compute backend').choices(BACKENDS).default('auto'))
    .action(async (p: string, o: { backend: BackendChoice }) => {
      await withProject(
        p,
        async (svc) => {
          const pts = await svc.invoke('evaluate:run', {});
          for (const pt of pts) {
            const ci = pt.ciLow !== undefined && pt.ciHigh !== undefined ? `; 95 % interval ${pt.ciLow.toFixed(1)}-${pt.ciHigh.toFixed(1)} deg` : '';
            // While the interval reaches the chance level the model has learned nothing that the test split can show.
            const atChance = pt.ciHigh !== undefined && pt.chanceDeg !== undefined && pt.ciHigh >= pt.chanceDeg;
            console.log(
              `${pt.strategy}: ${pt.size} labels -> mean angular error ${pt.maeDeg.toFixed(1)} deg, median ${pt.medianDeg.toFixed(1)}, within 10 deg ${(pt.within10 * 100).toFixed(0)}% (test ${pt.testSize})` +
                ci +
                (atChance ? `; not learned yet: within its interval of chance (${pt.chanceDeg!.toFixed(1)} deg)` : ''),
            );
          }
        },
        { backend: o.backend },
      );
    });

  program
    .command('compare')
    .description("learning curves of strategies on a labeled pool (the paper's Fig. 2): curve.csv, curve.svg")
    .argument('<project>')
    .option('--truth <file>', 'ground-truth CSV (path or sha256, angle); default: the project labels')
    .option('--sizes <list>', 'labeled-set sizes', sizeList, [25, 50, 100, 200, 400])
    .option('--seeds <n>', 'seeds per strategy', int('--seeds', 1, 100), 3)
    .option('--strategies <list>', 'comma-separated strategies', DEFAULT_COMPARE_STRATEGIES)
    .requiredOption('--out <dir>', 'output folder')
    .option('--overwrite', 'replace curve.csv, curve.svg and verdict.json in --out (never the project, an image or a file in an imported folder)', false)
    .addOption(new Option('--orientation-model <kind>', 'orientation model to measure (default: the project setting)').choices(ORIENTATION_MODELS))
    .addOption(new Option('--backend <name>', 'compute backend').choices(BACKENDS).default('auto'))
    .option('--json', 'print verdict.json (chance level, intervals, verdict codes) instead of the summary', false)
    .action(
      async (
        p: string,
        o: {
          truth?: string;
          sizes: number[];
          seeds: number;
          strategies: string;
          out: string;
          backend: BackendChoice;
          orientationModel?: OrientationModelKind;
          overwrite: boolean;
          json: boolean;
        },
      ) => {
        checkUserPath(o.out, 'a place for compare outputs');
        await withProject(
          p,
          async (svc) => {
            const r = await svc.invoke('compare:run', {
              ...(o.truth ? { truthFile: o.truth } : {}),
              sizes: o.sizes,
              seeds: o.seeds,
              strategies: o.strategies
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean),
              outDir: o.out,
              overwrite: o.overwrite,
              ...(o.orientationModel ? { orientationModel: o.orientationModel } : {}),
            });
            if (o.json) console.log(JSON.stringify(r.report ?? null, null, 2));
            else printCompare(r);
          },
          { backend: o.backend },
        );
      },
    );

  program
    .command('export')
    .description('export the labeled images with the angle convention and project settings')
    .argument('<project>')
    .addOption(new Option('--format <f>', 'output format').choices(['csv', 'jsonl', 'coco', 'folder']).makeOptionMandatory())
    .requiredOption('--out <path>', 'output file (csv, jsonl, coco) or folder (folder)')
    .option('--upright', 'folder format: rotate each copy so its front points up', false)
    .option('--overwrite', 'csv, jsonl, coco: replace an existing output file (never the project, an image or a file in an imported folder)', false)
    .action(async (p: string, o: { format: 'csv' | 'jsonl' | 'coco' | 'folder'; out: string; upright: boolean; overwrite: boolean }) => {
      checkUserPath(o.out, 'a place for an export');
      await withProject(p, async (svc) => {
        const r = await svc.invoke('export:run', { format: o.format, out: o.out, upright: o.upright, overwrite: o.overwrite });
        console.log(`exported ${r.count} labeled images as ${r.format} to ${r.out}`);
        if (r.meta && (r.format === 'csv' || r.format === 'jsonl')) console.log(`metadata (angle convention, settings): ${r.meta}`);
        // A folder export leaves out labeled images whose files are gone: say which, and how to get them back.
        const skipped = r.skipped ?? [];
        for (const k of skipped) process.stderr.write(`warning: not exported: ${k.path}: ${k.reason}\n`);
        if (skipped.length > 0) {
          process.stderr.write(
            `warning: ${skipped.length} labeled image(s) left out (named above); a file whose content changed needs a new label; if a folder moved, import it from its new place (images are re-linked by content and keep their labels), then export again\n`,
          );
        }
      });
    });

  program
    .command('status')
    .description('what the project holds')
    .argument('<project>')
    .option('--json', 'one JSON object', false)
    .action(async (p: string, o: { json: boolean }) => {
      await withProject(
        p,
        async (svc) => {
          const st = await svc.invoke('project:status', {});
          if (o.json) {
            console.log(JSON.stringify(st));
            return;
          }
          console.log(`${st.path}`);
          console.log(`images: ${st.images.ready} ready, ${st.images.unreadable} unreadable, ${st.images.missing} missing; ${st.duplicates} duplicates`);
          console.log(`labeled: ${st.labeled} (+${st.testSplit.labeled} of ${st.testSplit.size} test-split images)`);
          if ((st.testSplit.folders ?? []).length > 0)
            console.log(`test split: the images of ${(st.testSplit.folders ?? []).join(', ')} (imported with --test; never queued)`);
          const pool = st.images.ready - st.duplicates;
          console.log(
            st.embedding
              ? `embedding: ${st.embedding.count} x ${st.embedding.latentDim} from ${st.embedding.source} (${st.embedding.backend ?? (st.embedding.source === 'polar-fourier' ? 'no training' : 'imported')}` +
                  (st.embedding.turns !== null
                    ? `, ${st.embedding.turns === 1 ? 'plain latent vectors' : `rotation-pooled over ${st.embedding.turns} turns`})`
                    : ')') +
                  (st.embedding.turns !== null && st.embedding.turns !== st.settings.embeddingTurns
                    ? ` - the settings ask for ${st.settings.embeddingTurns} turns: run "embed" again`
                    : '') +
                  (st.embedding.count < pool ? ` - covers ${st.embedding.count} of ${pool} ready images: run "embed" again` : '')
              : 'embedding: none (run "embed")',
          );
          console.log(
            st.order
              ? `order: ${st.order.strategy} (seed ${st.order.seed}), ${st.order.remaining} of ${st.order.length} left` +
                  (st.order.stale ? ' - made from older embeddings or before the last import: run "order" again' : '')
              : `order: none (run "order"); until then "next" lists the provisional queue, ${st.provisional?.remaining ?? 0} images spread evenly over the import`,
          );
          const byModel = [...new Set(st.curve.map((c) => c.model))].map((m) => `${st.curve.filter((c) => c.model === m).length} ${m}`);
          console.log(
            `learning curve: ${st.curve.length} point${st.curve.length === 1 ? '' : 's'}` +
              (byModel.length > 1 ? ` (${byModel.join(', ')})` : '') +
              `; orientation model setting: ${st.settings.orientationModel}`,
          );
        },
        { quiet: true },
      );
    });
}
