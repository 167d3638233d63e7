/**
 * The worker thread in which file_search runs a model-supplied regular expression, so a pattern that
 * backtracks catastrophically can be stopped: the caller terminates this thread when its time budget
 * runs out. It gets the pattern once, then texts; for each text it answers the lines (1-based) and
 * columns of the first match on each line, up to a count. Lines are matched on at most `maxLineChars`.
 */
import { parentPort, workerData } from 'node:worker_threads';

interface Setup {
  pattern: string;
  flags: string;
  maxLineChars: number;
}

interface Job {
  text: string;
  maxMatches: number;
}

const setup = workerData as Setup;
const regex = new RegExp(setup.pattern, setup.flags);

parentPort?.on('message', (job: Job) => {
  const matches: [number, number][] = [];
  const lines = job.text.split('\n');
  for (let i = 0; i < lines.length && matches.length < job.maxMatches; i++) {
    const line = (lines[i] ?? '').slice(0, setup.maxLineChars);
    const found = regex.exec(line);
    if (found !== null) matches.push([i + 1, found.index]);
  }
  parentPort?.postMessage(matches);
});
