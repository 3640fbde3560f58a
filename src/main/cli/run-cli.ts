/** Process entry of the CLI (bin/novelty-labeler.js loads the compiled form of this file). */
import { main } from './cli.js';

await main(process.argv);
