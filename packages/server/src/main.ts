/**
 * aetherd: the Aether daemon. `npm start` runs this on embedded defaults; see `--help` for the flags
 * and DESIGN §12 for the environment variables.
 */
import { runDaemon } from './daemon/run-daemon.ts';

const code = await runDaemon(process.argv.slice(2), { out: (line) => console.log(line), err: (line) => console.error(line) });
process.exit(code);
