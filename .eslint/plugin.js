// The project's own lint rules (a local plugin in the flat config).
import imports from './rules/imports.js';
import classifiedDependencies from './rules/classified-dependencies.js';

export default {
  meta: { name: 'healthchain-layers' },
  rules: { imports, 'classified-dependencies': classifiedDependencies },
};
