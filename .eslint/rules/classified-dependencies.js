// layers/classified-dependencies: every dependency in package.json has a class in .eslint/dependencies.js, and the
// table lists nothing that package.json no longer has. It reports on the file it lints (the table itself), where the
// fix goes.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: { description: 'Every npm dependency is classified as anywhere, node, dom or electron.' },
    schema: [
      {
        type: 'object',
        properties: { packageJson: { type: 'string' }, dependencyClasses: { type: 'object' } },
        required: ['packageJson', 'dependencyClasses'],
        additionalProperties: false,
      },
    ],
    messages: {
      unclassified:
        "'{{name}}' ({{section}} in {{packageJson}}) is not classified: add it here as anywhere, node, dom or electron.",
      stale: "'{{name}}' is classified here but is not a dependency in {{packageJson}}: remove it.",
    },
  },

  create(context) {
    const { packageJson, dependencyClasses } = context.options[0];
    return {
      Program(node) {
        const pkg = JSON.parse(readFileSync(path.resolve(context.cwd, packageJson), 'utf8'));
        const declared = new Set();
        for (const section of SECTIONS) {
          for (const name of Object.keys(pkg[section] ?? {})) {
            declared.add(name);
            if (!Object.hasOwn(dependencyClasses, name)) {
              context.report({ node, messageId: 'unclassified', data: { name, section, packageJson } });
            }
          }
        }
        for (const name of Object.keys(dependencyClasses)) {
          if (!declared.has(name)) context.report({ node, messageId: 'stale', data: { name, packageJson } });
        }
      },
    };
  },
};
