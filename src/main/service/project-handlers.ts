/**
 * The app and project operations of LabelerService: app:info and
 * project:create/open/close/status/set-strategy.
 */
import path from 'node:path';
import fs from 'node:fs';
import { AppError } from '../../shared/errors.js';
import { STRATEGIES } from '../../shared/types.js';
import { ProjectStore } from '../store/project-store.js';
import { makeDirs } from '../io/guarded-write.js';
import type { Handlers, ServiceContext } from './service-context.js';

type ProjectOperation = 'app:info' | 'project:create' | 'project:open' | 'project:close' | 'project:status' | 'project:set-strategy';

export function projectHandlers(ctx: ServiceContext): Pick<Handlers, ProjectOperation> {
  const { options } = ctx;
  return {
    'app:info': async () => ({
      recent: ctx.recent.list(),
      demoFolder: options.demoFolder && fs.existsSync(options.demoFolder) ? options.demoFolder : null,
      demoProject: options.demoFolder && fs.existsSync(options.demoFolder) ? path.join(options.dataDir, 'demo.nlproj') : null,
      backend: ctx.lastBackend() ?? ctx.openProject()?.embeddingInfo()?.backend ?? null,
      version: PACKAGE_VERSION,
      openProject: ctx.openProject()?.path ?? null,
    }),

    'project:create': async ({ path: p, settings, folder }) => {
      const abs = path.resolve(p);
      if (folder !== undefined && !fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
        throw new AppError(
          'not-found',
          `the image folder ${path.resolve(folder)} does not exist or is not a folder; no project was created: give the folder that holds the images`,
        );
      }
      makeDirs(path.dirname(abs), 'the project file');
      ctx.open(ProjectStore.create(abs, settings ?? {}));
      return ctx.project().status();
    },

    'project:open': async ({ path: p }) => {
      ctx.open(ProjectStore.open(path.resolve(p)));
      return ctx.project().status();
    },

    'project:close': async () => {
      ctx.close();
      return null;
    },

    'project:status': async () => {
      const st = ctx.project().status();
      return st.order ? { ...st, order: { ...st.order, stale: ctx.project().orderIsStale() } } : st;
    },

    'project:set-strategy': async ({ strategy }) => {
      if (!STRATEGIES.includes(strategy)) {
        throw new AppError('invalid-argument', `strategy must be one of ${STRATEGIES.join(', ')}; got "${String(strategy)}"`);
      }
      if (ctx.project().embeddingInfo()) await ctx.handlers()['order:run']({ strategy });
      else ctx.project().updateSettings({ strategy });
      return ctx.project().status();
    },
  };
}

const PACKAGE_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
})();
