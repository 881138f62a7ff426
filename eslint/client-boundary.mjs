// A client component ('use client') ships to the browser: from server/ and db/ it may import types
// only (erased at build), never values, or server code (pg, env, secrets) ends up in the bundle or
// the build fails. The shared contract (lib/contract/) is the way to share values with the server.
// ESLint's no-restricted-imports cannot see the directive, so this small rule does.

const SERVER_PATH = /^(@\/|(\.\.\/)+)(server|db)(\/|$)|^server-only$/;

function isClientModule(program) {
  for (const stmt of program.body) {
    if (stmt.type !== 'ExpressionStatement' || typeof stmt.directive !== 'string') break;
    if (stmt.directive === 'use client') return true;
  }
  return false;
}

const typeOnly = (node) =>
  node.importKind === 'type' || (node.specifiers.length > 0 && node.specifiers.every((s) => s.importKind === 'type'));

/** @type {import('eslint').Rule.RuleModule} */
export const clientBoundary = {
  meta: {
    type: 'problem',
    docs: { description: 'Client components import only types from server/ and db/ (values come from lib/contract/)' },
    messages: {
      value:
        "'{{source}}' is server code: a 'use client' file may import only types from it (`import type`). Share values through lib/contract/.",
    },
    schema: [],
  },
  create(context) {
    let client = false;
    const check = (node) => {
      if (!client || !node.source || typeof node.source.value !== 'string') return;
      const source = node.source.value;
      if (!SERVER_PATH.test(source)) return;
      if (node.type === 'ImportDeclaration' && typeOnly(node)) return;
      if ((node.type === 'ExportNamedDeclaration' || node.type === 'ExportAllDeclaration') && node.exportKind === 'type') return;
      context.report({ node, messageId: 'value', data: { source } });
    };
    return {
      Program(program) {
        client = isClientModule(program);
      },
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression(node) {
        if (client && node.source.type === 'Literal' && SERVER_PATH.test(String(node.source.value))) {
          context.report({ node, messageId: 'value', data: { source: String(node.source.value) } });
        }
      },
    };
  },
};

export const localPlugin = { rules: { 'client-boundary': clientBoundary } };
