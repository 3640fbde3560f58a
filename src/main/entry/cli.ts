/**
 * Process entry of the CLI (bin/novelty-labeler.js loads the compiled form of
 * this file): the CLI host, with the HTTP host wired in for `serve`, so
 * neither host imports the other.
 */
import { main } from '../cli/cli.js';

// A reader that stops early (`novelty-labeler next --json | head`) closes stdout:
// stop quietly, as Unix tools do, instead of crashing with EPIPE. Whatever the
// command committed (a label is committed before it is printed) stays.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

await main(process.argv, {
  serve: async (o) => (await import('../http/serve-app.js')).serveApp(o),
});
