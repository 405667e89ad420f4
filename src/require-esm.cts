/**
 * What `require('lobbykit')` (or any of its subpaths) reaches on a Node.js that cannot require() ES modules:
 * lobbykit ships ES modules only, so this says how to load it instead of Node's generic ERR_REQUIRE_ESM. Where
 * Node can require ES modules (20.19+, 22.12+), the package's `module-sync` export condition wins and the real
 * modules load; this file is never reached.
 */
const problem = new Error(
  `lobbykit is published as ES modules, and this Node.js (${process.version}) cannot load ES modules with require(). ` +
    "Use import instead: `import { createLobbyRuntime } from 'lobbykit'` in an ES module, or " +
    "`const lobbykit = await import('lobbykit')` in CommonJS; or run Node.js 20.19+ or 22.12+, where require('lobbykit') works.",
);
Object.assign(problem, { code: 'ERR_REQUIRE_ESM' });
throw problem;
