#!/usr/bin/env node
/**
 * The `aether` command (bin of @aether/cli; `npx aether …` from the repository). See `aether --help`.
 */
import { runCli } from './cli.ts';

process.exitCode = await runCli(process.argv.slice(2), { out: (line) => console.log(line), err: (line) => console.error(line) });
