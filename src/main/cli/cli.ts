/**
 * The command-line interface: a thin layer over LabelerService, so the whole
 * product runs headless. `novelty-labeler --help` lists the commands.
 */
import { Command, Option } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { AppError, isAppError } from '../../shared/errors.js';
import { parseDegrees, periodOf } from '../../shared/angle.js';
import {
  DEFAULT_SETTINGS,
  EMBEDDERS,
  ORIENTATION_MODELS,
  STRATEGIES,
  type BackendChoice,
  type EmbedderKind,
  type OrientationModelKind,
  type ProjectSettings,
  type StrategyName,
} from '../../shared/types.js';
import { LabelerService } from '../service/labeler-service.js';
import { runDemo } from './demo.js';
import { checkUserPath } from '../service/user-paths.js';
import { BACKENDS, DEFAULT_COMPARE_STRATEGIES, dataDir, fraction, int, sizeList, withProject } from './cli-support.js';
import { addReportCommands } from './cli-report-commands.js';

/** Other ways in the CLI can start (the process entry wires them, so this host imports no other). */
export interface CliLaunchers {
  /** `serve`: the app in a local browser over the HTTP transport. */
  readonly serve?: (o: { project?: string | undefined; port: number; dataDir: string }) => Promise<void>;
}

export function buildProgram(launchers: CliLaunchers = {}): Command {
  const program = new Command();
  program
    .name('novelty-labeler')
    .description(
      'Label images most-novel-first: furthest point sampling in an autoencoder latent space, an orientation widget, and a learning curve against random order.',
    )
    .showHelpAfterError()
    .configureOutput({ outputError: (str, write) => write(str) });

  program
    .command('demo')
    .description('run the whole loop on the bundled demo images (rotated Fashion-MNIST) with a simulated annotator')
    .requiredOption('--out <dir>', 'output folder')
    .option('--epochs <n>', 'autoencoder epochs (default: by pool size)', int('--epochs', 1, 1000))
    .option('--labels <n>', 'labels the simulated annotator gives in novelty order', int('--labels', 10), 400)
    .option('--sizes <list>', 'compare: labeled-set sizes', sizeList, [25, 50, 100, 200, 400])
    .option('--seeds <n>', 'compare: seeds per strategy', int('--seeds', 1, 50), 3)
    .option('--strategies <list>', 'compare: strategies', DEFAULT_COMPARE_STRATEGIES)
    .addOption(new Option('--backend <name>', 'compute backend').choices(BACKENDS).default('auto'))
    .action(async (o: { out: string; epochs?: number; labels: number; sizes: number[]; seeds: number; strategies: string; backend: BackendChoice }) => {
      await runDemo({
        out: path.resolve(o.out),
        epochs: o.epochs,
        labels: o.labels,
        sizes: o.sizes,
        seeds: o.seeds,
        strategies: o.strategies.split(','),
        backend: o.backend,
        dataDir: dataDir(),
      });
    });

  program
    .command('init')
    .description('create a project file (*.nlproj)')
    .argument('<project>', 'project file to create, e.g. parts.nlproj')
    .option('--input-size <px>', 'model input side in px (multiple of 8)', int('--input-size', 16, 256), 64)
    .option('--latent-dim <d>', 'embedding length', int('--latent-dim', 2, 1024), 32)
    .option('--axial', 'objects have no front: angles in [0, 180)', false)
    .option('--test-fraction <f>', 'share of images held out as the test split', fraction, 0.1)
    .option('--test-max <n>', 'largest test split', int('--test-max', 0), 500)
    .addOption(new Option('--color <mode>', 'model input colour').choices(['gray', 'rgb']).default('gray'))
    .option('--seed <s>', 'seed of the test split and random orders', int('--seed', 0), 1)
    .addOption(new Option('--strategy <name>', 'queue strategy').choices(STRATEGIES).default(DEFAULT_SETTINGS.strategy))
    .addOption(
      new Option(
        '--orientation-model <kind>',
        'model the learning curve measures: exemplar (rotation-aware nearest exemplar) or regressor (fine-tuned encoder)',
      )
        .choices(ORIENTATION_MODELS)
        .default(DEFAULT_SETTINGS.orientationModel),
    )
    .option(
      '--embedding-turns <n>',
      'turns averaged into each embedding (1 = plain latent vector)',
      int('--embedding-turns', 1, 36),
      DEFAULT_SETTINGS.embeddingTurns,
    )
    .addOption(
      new Option(
        '--embedder <kind>',
        'what makes the latent space: polar-fourier (no training; turn, shift, scale and contrast are not novel), autoencoder (reconstruction) or contrastive (rotation, shift, scale, lighting, blur and noise are not novel)',
      )
        .choices(EMBEDDERS)
        .default(DEFAULT_SETTINGS.embedder),
    )
    .action(
      async (
        p: string,
        o: {
          inputSize: number;
          latentDim: number;
          axial: boolean;
          testFraction: number;
          testMax: number;
          color: 'gray' | 'rgb';
          seed: number;
          strategy: StrategyName;
          orientationModel: OrientationModelKind;
          embeddingTurns: number;
          embedder: EmbedderKind;
        },
      ) => {
        const settings: Partial<ProjectSettings> = {
          inputSize: o.inputSize,
          latentDim: o.latentDim,
          axial: o.axial,
          testFraction: o.testFraction,
          testMax: o.testMax,
          colorMode: o.color,
          seed: o.seed,
          strategy: o.strategy,
          orientationModel: o.orientationModel,
          embeddingTurns: o.embeddingTurns,
          embedder: o.embedder,
        };
        const svc = await LabelerService.create({ dataDir: dataDir() });
        try {
          const st = await svc.invoke('project:create', { path: p, settings });
          console.log(
            `created ${st.path} (${o.embedder} embedder, input ${o.inputSize}px ${o.color}, latent ${o.latentDim}, ${o.axial ? 'axial [0,180)' : '[0,360)'}, test split ${o.testFraction})`,
          );
        } finally {
          svc.close();
        }
      },
    );

  program
    .command('import')
    .description('import a folder of images (recursive); re-import adds only new files')
    .argument('<project>')
    .argument('<folder>')
    .option('--test', "the folder's images are the test split: never queued, used only to measure error (the random test split is then off)", false)
    .option('--verbose', 'list every file or folder that was not imported, with the reason', false)
    .action(async (p: string, folder: string, o: { test: boolean; verbose: boolean }) => {
      checkUserPath(folder, 'an image folder');
      if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
        throw new AppError(
          'not-found',
          `folder ${folder} does not exist or is not a folder; if its images moved, import the folder from its new place: they are re-linked by content (SHA-256) and keep their labels`,
        );
      }
      await withProject(p, async (svc, printer) => {
        const r = await svc.invoke('images:import', o.test ? { folder, test: true } : { folder });
        printer.line('');
        console.log(
          `scanned ${r.scanned} files: ${r.added} added (${r.ready} ready, ${r.unreadable.length} unreadable, ${r.duplicates} duplicates), ${r.skippedExisting} already in the project, ${r.relinked} re-linked`,
        );
        for (const u of r.unreadable) console.log(`  unreadable: ${u.path}: ${u.error}`);
        const problems = r.problems ?? [];
        if (problems.length > 0) {
          console.log(
            `not imported: ${problems.length} file(s) or folder(s) (dangling or outside links, unreadable folders, names that are not valid UTF-8)` +
              (o.verbose ? ':' : '; --verbose lists them'),
          );
          if (o.verbose) for (const q of problems) console.log(`  ${q.path}: ${q.error}`);
        }
        const st = await svc.invoke('project:status', {});
        const tf = st.testSplit.folders ?? [];
        console.log(
          `test split: ${st.testSplit.size} images` +
            (tf.length > 0
              ? ` (the test folder${tf.length > 1 ? 's' : ''} ${tf.join(', ')}; never queued)`
              : st.settings.testFraction > 0
                ? ` (a random ${Math.round(st.settings.testFraction * 100)} % of the pool, at most ${st.settings.testMax})`
                : ''),
        );
      });
    });

  program
    .command('embed')
    .description("train the project's embedder and write an embedding per image (or import embeddings)")
    .argument('<project>')
    .option('--epochs <n>', 'training epochs (default: by pool size)', int('--epochs', 1, 10000))
    .addOption(new Option('--backend <name>', 'compute backend').choices(BACKENDS).default('auto'))
    .addOption(new Option('--embedder <kind>', "use this embedder and make it the project's setting").choices(EMBEDDERS))
    .option('--from <file>', 'import embeddings from a .npy (float32 N x d) or .csv file instead of training')
    .action(async (p: string, o: { epochs?: number; backend: BackendChoice; from?: string; embedder?: EmbedderKind }) => {
      await withProject(
        p,
        async (svc) => {
          const r = await svc.invoke('embed:run', {
            ...(o.epochs ? { epochs: o.epochs } : {}),
            backend: o.backend,
            ...(o.from ? { fromFile: o.from } : {}),
            ...(o.embedder ? { embedder: o.embedder } : {}),
          });
          const kind = (await svc.invoke('project:status', {})).settings.embedder;
          console.log(
            o.from
              ? `imported ${r.count} embeddings from ${o.from}`
              : kind === 'polar-fourier'
                ? `embedded ${r.count} images with the polar-fourier embedder (no training; ${svc.project.embeddingInfo()?.latentDim ?? '?'} principal axes keep ${r.explained === undefined ? '?' : (100 * r.explained).toFixed(0)} % of the descriptors' variance)`
                : `embedded ${r.count} images with the ${kind} embedder (model ${r.modelId}, backend ${r.backend}, ${kind === 'contrastive' ? 'contrastive' : 'reconstruction'} loss ${r.loss?.toFixed(kind === 'contrastive' ? 4 : 5)})`,
          );
        },
        { backend: o.backend },
      );
    });

  program
    .command('order')
    .description('order the unlabeled images (seeded with the labeled ones)')
    .argument('<project>')
    .addOption(new Option('--strategy <name>', 'queue strategy (default: the project setting)').choices(STRATEGIES))
    .option('--seed <s>', 'seed (default: the project seed)', int('--seed', 0))
    .action(async (p: string, o: { strategy?: StrategyName; seed?: number }) => {
      await withProject(p, async (svc) => {
        const r = await svc.invoke('order:run', { ...(o.strategy ? { strategy: o.strategy } : {}), ...(o.seed !== undefined ? { seed: o.seed } : {}) });
        console.log(`ordered ${r.length} images by ${r.strategy}`);
      });
    });

  program
    .command('next')
    .description('show the next images of the queue (test-split images are never in it)')
    .argument('<project>')
    .option('--count <k>', 'how many', int('--count', 1, 1000), 10)
    .option('--test', 'the unlabeled test-split images instead, in random order', false)
    .option('--json', 'one JSON object per line', false)
    .action(async (p: string, o: { count: number; test: boolean; json: boolean }) => {
      await withProject(
        p,
        async (svc) => {
          const q = await svc.invoke('queue:next', { count: o.count, mode: o.test ? 'test' : 'queue' });
          // The radius falls steadily only for furthest point sampling; coverage orders (probcover) pick dense balls first.
          if (!o.json && !o.test && q.length > 0) console.log('  rank  image    coverage radius (latent distance to the nearest earlier pick or label)  path');
          for (const e of q) {
            if (o.json) console.log(JSON.stringify({ id: e.imageId, path: e.path, rank: e.rank, coverageRadius: e.coverageRadius, arm: e.arm }));
            else
              console.log(
                `${String(e.rank).padStart(6)}  id ${String(e.imageId).padEnd(7)} r=${e.coverageRadius === null ? '-' : e.coverageRadius.toFixed(4)}  ${e.path}`,
              );
          }
        },
        { quiet: true },
      );
    });

  program
    .command('label')
    .description('store one label: ANGLE in degrees clockwise from image up, or --none')
    .argument('<project>')
    .argument('<image>', 'image id or path')
    .argument('[angle]', 'degrees, clockwise from image up (wrapped into [0,360) or [0,180) when axial)')
    .option('--none', 'no orientation / not applicable', false)
    .option('--annotator <name>', 'who labeled it (default: the OS user)')
    .action(async (p: string, image: string, angle: string | undefined, o: { none: boolean; annotator?: string }) => {
      if (o.none && angle !== undefined) throw new AppError('invalid-argument', 'give either an ANGLE in degrees or --none, not both');
      if (!o.none && angle === undefined)
        throw new AppError(
          'invalid-argument',
          `give the ANGLE in degrees (clockwise from image up) after the image, e.g. "label ${p} ${image} 90", or --none for no orientation`,
        );
      await withProject(
        p,
        async (svc) => {
          const { imageId: id } = await svc.invoke('images:resolve', { ref: image });
          const { settings } = await svc.invoke('project:status', {});
          const deg = angle === undefined ? null : parseDegrees(angle, periodOf(settings.axial), 'ANGLE');
          const l = await svc.invoke('label:set', { imageId: id, angle: deg, ...(o.annotator ? { annotator: o.annotator } : {}) });
          console.log(`image ${id}: ${l.value.kind === 'angle' ? `${l.value.angle} deg` : 'no orientation'} (label ${l.id})`);
        },
        { quiet: true },
      );
    });

  const labels = program.command('labels').description('label sets');
  labels
    .command('import')
    .description('import labels from CSV (columns: path relative to the imported folder, or sha256; angle)')
    .argument('<project>')
    .argument('<file>')
    .action(async (p: string, file: string) => {
      await withProject(
        p,
        async (svc) => {
          const { imported: n, replaced, unchanged } = await svc.invoke('labels:import', { file });
          console.log(
            `imported ${n} label${n === 1 ? '' : 's'} from ${file}` +
              (replaced > 0 ? ` (${replaced} replaced a different earlier label; the label history keeps the old ones)` : '') +
              (unchanged > 0 ? `; ${unchanged} already in the project with the same value, kept as they were` : ''),
          );
        },
        { quiet: true },
      );
    });

  addReportCommands(program);

  program
    .command('serve')
    .description('serve the app to a local browser (loopback only, with a per-launch token)')
    .argument('[project]', 'project to open')
    .option('--port <n>', 'port (0 = any free port)', int('--port', 0, 65535), 0)
    .action(async (p: string | undefined, o: { port: number }) => {
      if (!launchers.serve) throw new AppError('invalid-argument', 'serve is not available in this build');
      await launchers.serve({ project: p, port: o.port, dataDir: dataDir() });
    });

  return program;
}

/** Entry point: parse argv, print clear errors, set the exit code. */
export async function main(argv: readonly string[] = process.argv, launchers: CliLaunchers = {}): Promise<void> {
  const program = buildProgram(launchers);
  try {
    await program.parseAsync(argv as string[]);
  } catch (e) {
    if (isAppError(e)) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exitCode = e.code === 'cancelled' ? 130 : 1;
    } else {
      process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    }
  }
}
