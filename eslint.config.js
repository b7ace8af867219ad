import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// JSDoc sits directly on the declaration it documents (issue 18 item 4): a `/** … */` block
// above a private helper while the exported function after it has none (the block drifted
// when the helper was inserted), or a block cut off from its declaration by a blank line or
// another comment, reads as documentation of the wrong thing. Exported functions and classes
// in package sources carry one.
const isJsdoc = (comment) => comment.type === 'Block' && comment.value.startsWith('*');
const isDirective = (comment) =>
  /^\s*(eslint|@ts-|prettier-ignore|istanbul|c8)/.test(comment.value);

function declarationOf(statement) {
  if (statement.type === 'ExportNamedDeclaration' || statement.type === 'ExportDefaultDeclaration')
    return statement.declaration ?? undefined;
  return statement;
}

const DOCUMENTED = new Set([
  'FunctionDeclaration',
  'TSDeclareFunction',
  'ClassDeclaration',
  'VariableDeclaration',
  'TSInterfaceDeclaration',
  'TSTypeAliasDeclaration',
]);

// The implementation after `export function f(…);` overloads: the overloads carry the JSDoc.
function isOverloadImplementation(body, index, name) {
  const previous = index > 0 ? declarationOf(body[index - 1]) : undefined;
  return previous?.type === 'TSDeclareFunction' && previous.id?.name === name;
}

/** @type {import('eslint').Rule.RuleModule} */
const jsdocPlacement = {
  meta: {
    type: 'problem',
    docs: {
      description:
        'JSDoc directly on the declaration it documents; on exported functions and classes',
    },
    schema: [
      {
        type: 'object',
        properties: { requireOnExports: { type: 'boolean' } },
        additionalProperties: false,
      },
    ],
    messages: {
      detached:
        'This JSDoc block is separated from the declaration below it ({{why}}); put it directly on the declaration it documents.',
      drifted:
        'This JSDoc block sits on non-exported `{{helper}}`, but exported `{{exported}}` right after it has none: move it onto the declaration it documents.',
      stacked:
        'A comment right above a JSDoc block: one of the two documents another declaration; move it there (or merge the two).',
      missing:
        'Exported `{{name}}` has no JSDoc: one sentence saying what it does (and its defaults).',
    },
  },
  create(context) {
    const source = context.sourceCode;
    const requireOnExports = context.options[0]?.requireOnExports ?? false;
    const attachedJsdoc = (statement) => {
      const comments = source.getCommentsBefore(statement).filter((c) => !isDirective(c));
      const last = comments.at(-1);
      return last !== undefined &&
        isJsdoc(last) &&
        last.loc.end.line >= statement.loc.start.line - 1
        ? last
        : undefined;
    };
    return {
      Program(program) {
        const body = program.body;
        body.forEach((statement, index) => {
          const declaration = declarationOf(statement);
          if (declaration === undefined || !DOCUMENTED.has(declaration.type)) return;
          const comments = source.getCommentsBefore(statement);
          const jsdocAt = comments.findLastIndex(isJsdoc);
          if (jsdocAt !== -1) {
            const jsdoc = comments[jsdocAt];
            const after = [...comments.slice(jsdocAt + 1), statement];
            const before = comments[jsdocAt - 1];
            if (after.slice(0, -1).some((c) => !isDirective(c))) {
              context.report({
                loc: jsdoc.loc,
                messageId: 'detached',
                data: { why: 'another comment in between' },
              });
            } else if (
              after.some(
                (item, i) =>
                  item.loc.start.line > (i === 0 ? jsdoc : after[i - 1]).loc.end.line + 1,
              )
            ) {
              context.report({
                loc: jsdoc.loc,
                messageId: 'detached',
                data: { why: 'a blank line in between' },
              });
            } else if (
              before !== undefined &&
              !isDirective(before) &&
              before.loc.end.line === jsdoc.loc.start.line - 1
            ) {
              // A `//` note right above a JSDoc block: one of the two belongs to another declaration.
              context.report({ loc: before.loc, messageId: 'stacked' });
            }
          }
          const exported = statement.type !== declaration.type;
          const name = declaration.id?.name;
          if (!exported && attachedJsdoc(statement) !== undefined && index + 1 < body.length) {
            const following = body[index + 1];
            const followingDeclaration = declarationOf(following);
            if (
              following.type !== followingDeclaration?.type &&
              (followingDeclaration?.type === 'FunctionDeclaration' ||
                followingDeclaration?.type === 'ClassDeclaration') &&
              attachedJsdoc(following) === undefined
            ) {
              context.report({
                loc: attachedJsdoc(statement).loc,
                messageId: 'drifted',
                data: {
                  helper: name ?? 'this declaration',
                  exported: followingDeclaration.id?.name ?? 'default',
                },
              });
            }
          }
          if (
            requireOnExports &&
            exported &&
            !isOverloadImplementation(body, index, name) &&
            (declaration.type === 'FunctionDeclaration' ||
              declaration.type === 'ClassDeclaration') &&
            attachedJsdoc(statement) === undefined
          ) {
            context.report({
              node: declaration.id ?? declaration,
              messageId: 'missing',
              data: { name: name ?? 'default' },
            });
          }
        });
      },
    };
  },
};

const threadline = { rules: { 'jsdoc-placement': jsdocPlacement } };

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.collector/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    plugins: { threadline },
    rules: { 'threadline/jsdoc-placement': 'error' },
  },
  {
    // Package sources: every exported function and class carries its JSDoc.
    files: ['packages/*/src/**/*.ts'],
    rules: { 'threadline/jsdoc-placement': ['error', { requireOnExports: true }] },
  },
);
