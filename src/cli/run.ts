/** Process entry point of the CLI (bin/hwnas.js imports the compiled form). */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
