/**
 * `capability`: capability checks per second for a realistic principal (~50 grants: home and workspace
 * trees, single files, segment globs, URLs, names, topics) over a mix of requirements that are allowed
 * and denied. Baseline in the same run: bare picomatch matchers precompiled over the same grants, which
 * match without any normalisation, revocation or explanation; the ratio is what all of that costs.
 * `uncached_checks_per_s` shows the cost when no requirement repeats (every string parsed afresh).
 */
import picomatch from 'picomatch';
import { CapabilitySet } from '../../packages/kernel/src/security/capability-set.ts';
import { throughput, type Scenario } from '../scenario.ts';

const USERS = ['alice', 'bob', 'carol'];

function grants(): string[] {
  const list: string[] = [];
  for (const user of USERS) {
    list.push(`fs.read:/home/${user}/**`, `fs.write:/home/${user}/projects/**`, `fs.read:/home/${user}/.config/aether.yaml`);
  }
  for (let i = 0; i < 12; i++) list.push(`fs.write:/workspaces/a${i}/**`);
  for (const dir of ['docs', 'notes', 'reports', 'inbox']) list.push(`fs.read:/shared/${dir}/*.md`, `fs.read:/shared/${dir}/index.json`);
  for (const file of ['hosts', 'resolv.conf', 'os-release']) list.push(`fs.read:/etc/${file}`);
  list.push(
    'net.fetch:https://api.github.com/repos/**',
    'net.fetch:https://en.wikipedia.org/wiki/**',
    'net.fetch:https://pypi.org/simple/**',
    'ai.generate:anthropic/*',
    'ai.generate:openai/gpt-4o',
    'agent.spawn:researcher',
    'agent.spawn:coder',
    'vm.spawn:wasi',
    'vm.spawn:sandbox',
    'tool.use:web_fetch',
    'tool.use:shell',
    'topic.subscribe:vm.*',
    'topic.subscribe:agent.*',
    'topic.subscribe:task.*',
    'kernel.status',
  );
  return list;
}

function requirements(): string[] {
  const list: string[] = [];
  for (let i = 0; i < 200; i++) {
    const user = USERS[i % USERS.length] ?? 'alice';
    list.push(
      `fs.read:/home/${user}/projects/p${i % 17}/src/file${i}.ts`,
      `fs.write:/workspaces/a${i % 16}/out/${i}.json`,
      `fs.read:/shared/docs/page${i % 23}.md`,
      `fs.read:/shared/notes/sub/deep${i}.md`,
      `fs.write:/home/${user}/secrets${i % 5}`,
      `net.fetch:https://api.github.com/repos/o${i % 9}/r/issues`,
      `ai.generate:anthropic/claude-${i % 4}`,
      `topic.subscribe:vm.stdout`,
      `fs.read:/etc/shadow`,
      `agent.spawn:${i % 2 === 0 ? 'researcher' : 'admin'}`,
    );
  }
  return list;
}

/** The baseline: `domain.action` compared as a string, the scope handed to a precompiled picomatch. */
function picomatchChecker(grantList: readonly string[]): (required: string) => boolean {
  const compiled = grantList.map((grant) => {
    const colon = grant.indexOf(':');
    const head = colon === -1 ? grant : grant.slice(0, colon);
    const match = colon === -1 ? () => true : picomatch(grant.slice(colon + 1), { dot: true });
    return { head, match };
  });
  return (required) => {
    const colon = required.indexOf(':');
    const head = colon === -1 ? required : required.slice(0, colon);
    const scope = colon === -1 ? '' : required.slice(colon + 1);
    for (const grant of compiled) if (grant.head === head && grant.match(scope)) return true;
    return false;
  };
}

const scenario: Scenario = {
  name: 'capability',
  description: 'capability checks/s for a ~50-grant set vs precompiled bare picomatch',
  async run(report) {
    const grantList = grants();
    const set = CapabilitySet.of(grantList);
    const baseline = picomatchChecker(grantList);
    const required = requirements();
    let allowed = 0;
    for (const r of required) if (set.implies(r)) allowed++;
    report.note(`${grantList.length} grants, ${required.length} distinct requirements, ${allowed} allowed`);

    const batch = required.length;
    let sink = 0;
    const ours = (): void => {
      for (const r of required) if (set.check(r).allowed) sink++;
    };
    const bare = (): void => {
      for (const r of required) if (baseline(r)) sink++;
    };
    // Warm both paths, then alternate so neither gets the quieter half of the run.
    await throughput(200, batch, ours);
    await throughput(200, batch, bare);
    let oursOps = 0;
    let bareOps = 0;
    const rounds = 3;
    for (let round = 0; round < rounds; round++) {
      oursOps += await throughput(700, batch, ours);
      bareOps += await throughput(700, batch, bare);
    }
    oursOps /= rounds;
    bareOps /= rounds;
    report.figure('checks_per_s', Math.round(oursOps), 'ops/s');
    report.figure('picomatch_checks_per_s', Math.round(bareOps), 'ops/s');
    report.ratio('checks_vs_picomatch', oursOps / bareOps);

    // Worst case: every requirement is new, so each check parses and normalises its string.
    const fresh = Array.from({ length: 50_000 }, (_, i) => `fs.read:/home/${USERS[i % 3] ?? 'alice'}/projects//p${i}/./src/file${i}.ts`);
    const start = performance.now();
    for (const r of fresh) if (set.check(r).allowed) sink++;
    report.figure('uncached_checks_per_s', Math.round(fresh.length / ((performance.now() - start) / 1000)), 'ops/s');
    if (sink < 0) report.note('unreachable');
  },
};

export default scenario;
