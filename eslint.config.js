// ESLint (flat config): the recommended JavaScript and typescript-eslint rules on the TypeScript sources
// and the Node scripts. `npm run lint` runs it; CI fails on any error or warning.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'build/', 'docs/api/', 'bench/results/', 'bench/.venv/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{js,mjs}'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.ts'],
    rules: {
      // Unused names are tsc's job (noUnusedLocals, noUnusedParameters), which also knows `_`-prefixed ones.
      '@typescript-eslint/no-unused-vars': 'off',
    },
  },
  {
    // chai's property assertions (`expect(x).to.be.NaN`) are expressions by design.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off' },
  },
);
