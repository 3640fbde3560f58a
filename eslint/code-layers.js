// A local ESLint rule in the manner of VS Code's `local/code-import-patterns`:
// one target/restrictions pair per layer. Every relative import of a file under
// a layer's folders must resolve into a folder that layer may use.
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** @param {string} file absolute path @returns {string} repo-relative, '/'-separated */
function rel(file) {
  return path.relative(ROOT, file).split(path.sep).join('/');
}

/** @type {import('eslint').Rule.RuleModule} */
export const codeLayers = {
  meta: {
    type: 'problem',
    schema: [
      {
        type: 'array',
        items: {
          type: 'object',
          properties: { layer: { type: 'string' }, target: { type: 'array', items: { type: 'string' } }, allow: { type: 'array', items: { type: 'string' } } },
          required: ['layer', 'target', 'allow'],
        },
      },
    ],
    messages: { layer: '{{layer}} ({{from}}) may not import {{to}}: it may use {{allowed}}. See docs/architecture.md, "Rooms".' },
  },
  create(context) {
    const layers = context.options[0] ?? [];
    const from = rel(context.filename);
    const own = layers.find((l) => l.target.some((t) => from === t || from.startsWith(`${t}/`)));
    if (!own) return {};
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const to = rel(path.resolve(path.dirname(context.filename), source));
      const ok = own.allow.some((a) => to === a || to.startsWith(`${a}/`) || to.startsWith(`${a}.`));
      if (!ok) context.report({ node, messageId: 'layer', data: { layer: own.layer, from, to, allowed: own.allow.join(', ') } });
    };
    return {
      ImportDeclaration: (n) => check(n, n.source.value),
      ExportNamedDeclaration: (n) => n.source && check(n, n.source.value),
      ExportAllDeclaration: (n) => check(n, n.source.value),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n, n.source.value),
    };
  },
};

const M = (...names) => names.map((n) => `src/main/${n}`);
const PURE = M('ml', 'selection', 'report', 'imaging', 'policy', 'security', 'io', 'workers');
const STORE = M('store');
const JOBS = M('jobs', 'eval', 'predict', 'import', 'export');

/** The layers, lowest first: a layer uses its own folders and the ones below it (docs/architecture.md). */
export const LAYERS = [
  { layer: 'shared', target: ['src/shared'], allow: ['src/shared'] },
  { layer: 'renderer', target: ['src/renderer'], allow: ['src/renderer', 'src/shared'] },
  { layer: 'pure', target: PURE, allow: [...PURE, 'src/shared'] },
  { layer: 'store', target: STORE, allow: [...STORE, ...M('io'), 'src/shared'] },
  { layer: 'jobs', target: JOBS, allow: [...JOBS, ...STORE, ...PURE, 'src/shared'] },
  { layer: 'service', target: M('service'), allow: [...M('service'), ...JOBS, ...STORE, ...PURE, 'src/shared'] },
  ...['cli', 'http', 'electron'].map((h) => ({ layer: `host ${h}`, target: M(h), allow: [...M(h), ...M('service', 'security'), 'src/shared'] })),
  { layer: 'entry', target: M('entry'), allow: [...M('entry', 'cli', 'http', 'service'), 'src/shared'] },
];
