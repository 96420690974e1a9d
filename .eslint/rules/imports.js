// layers/imports: every import of a layered file must be allowed by its folder's entry in layers.js, and every npm
// package it imports must be classified (dependencies.js) with a class that folder accepts. Type-only imports count
// too: a type from a layer is still a dependency on it.
import { builtinModules } from 'node:module';
import path from 'node:path';

const builtins = new Set(builtinModules);

/** 'a/b/c.ts' is inside 'a/b' (or is 'a/b' itself, e.g. an index import). */
const inside = (file, folder) => file === folder || file.startsWith(`${folder}/`);

function packageName(source) {
  const parts = source.split('/');
  return source.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: {
      description: 'Allow-list layering: which folders and which classes of npm dependency each folder may import.',
    },
    schema: [
      {
        type: 'object',
        properties: {
          layers: { type: 'array' },
          roots: { type: 'array', items: { type: 'string' } },
          dependencyClasses: {
            type: 'object',
            additionalProperties: { enum: ['anywhere', 'node', 'dom', 'electron'] },
          },
        },
        required: ['layers', 'dependencyClasses'],
        additionalProperties: false,
      },
    ],
    messages: {
      folder: "{{layer}} may not import '{{source}}' ({{target}}): it may import only {{allowed}}. {{why}}",
      dependency:
        "{{layer}} may not import '{{source}}' (a dependency classed {{cls}}): it may import only dependencies classed {{allowed}}. {{why}}",
      unclassified:
        "'{{name}}' is not classified: add it to .eslint/dependencies.js as anywhere, node, dom or electron.",
      unlayered: '{{file}} is in no declared layer: add its folder to .eslint/layers.js with what it may import.',
    },
  },

  create(context) {
    const { layers, dependencyClasses, roots = [] } = context.options[0];
    const cwd = context.cwd;
    const file = path.relative(cwd, context.filename).split(path.sep).join('/');
    const enclosing = layers.filter((l) => inside(file, l.folder)).sort((a, b) => b.folder.length - a.folder.length);
    const layer = enclosing[0];
    if (!layer) {
      if (!roots.some((root) => inside(file, root))) return {};
      return { Program: (node) => context.report({ node, messageId: 'unlayered', data: { file } }) };
    }
    const allowedFolders = [layer.folder, ...layer.imports];
    // The reason for a refusal: the nearest enclosing layer that gives one.
    const why = (key) => enclosing.map((l) => l.why?.[key]).find(Boolean) ?? '';

    function check(node, source) {
      if (typeof source !== 'string') return;
      if (source.startsWith('.')) {
        const target = path
          .relative(cwd, path.resolve(path.dirname(context.filename), source))
          .split(path.sep)
          .join('/');
        if (target.startsWith('..') || allowedFolders.some((folder) => inside(target, folder))) return;
        context.report({
          node,
          messageId: 'folder',
          data: {
            layer: layer.folder,
            source,
            target,
            allowed: allowedFolders.join(', '),
            why: why(target.split('/')[0]),
          },
        });
        return;
      }
      const name = source.startsWith('node:') || builtins.has(packageName(source)) ? null : packageName(source);
      const cls = name === null ? 'node' : dependencyClasses[name];
      if (!cls) {
        context.report({ node, messageId: 'unclassified', data: { name } });
        return;
      }
      if (!layer.dependencies.includes(cls)) {
        context.report({
          node,
          messageId: 'dependency',
          data: { layer: layer.folder, source, cls, allowed: layer.dependencies.join(', '), why: why(cls) },
        });
      }
    }

    const fromSource = (node) => node.source && check(node.source, node.source.value);
    return {
      ImportDeclaration: fromSource,
      ExportNamedDeclaration: fromSource,
      ExportAllDeclaration: fromSource,
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
      TSImportType: (node) => {
        const arg = node.argument;
        if (arg?.type === 'TSLiteralType' && arg.literal.type === 'Literal') check(arg, arg.literal.value);
      },
      TSExternalModuleReference: (node) =>
        node.expression.type === 'Literal' && check(node.expression, node.expression.value),
      CallExpression: (node) => {
        if (
          node.callee.type === 'Identifier' &&
          node.callee.name === 'require' &&
          node.arguments[0]?.type === 'Literal'
        ) {
          check(node.arguments[0], node.arguments[0].value);
        }
      },
    };
  },
};
