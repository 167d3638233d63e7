/**
 * `aether call <topic> [json]` (any contract; the reply as JSON) and `aether sub <pattern>` (events as
 * they come, one per line, until Ctrl+C).
 */
import { AetherClient } from '@aether/sdk';
import type { CliContext } from '../context.ts';
import { CliError, usage } from '../errors.ts';

export async function call(ctx: CliContext, topic: string, json: string | undefined): Promise<void> {
  let payload: Record<string, unknown> = {};
  if (json !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      throw usage(`the payload is not valid JSON: ${json}`, `quote it for the shell, e.g. aether call ${topic} '{"key":"value"}'`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw usage('the payload must be a JSON object');
    payload = parsed as Record<string, unknown>;
  }
  const reply = await ctx.withCaller((caller) => caller.call(topic, payload));
  ctx.io.out(JSON.stringify(reply, null, ctx.options.json ? undefined : 2));
}

export async function sub(ctx: CliContext, pattern: string): Promise<void> {
  const url = await ctx.url();
  const token = await ctx.token(url);
  if (token === undefined) throw new CliError(1, 'subscribing needs a login', 'run `aether login` or set AETHER_TOKEN');
  const client = await AetherClient.connect({ url, token, onStateChange: (state) => ctx.io.err(`# ${state}`) });
  await client.subscribe(pattern, (envelope) => {
    ctx.io.out(ctx.options.json ? JSON.stringify(envelope) : `${envelope.time} ${envelope.topic} ${JSON.stringify(envelope.payload ?? {})}`);
  }, { onGap: (stream) => ctx.io.err(`# missed events of ${stream} that are no longer kept`) });
  ctx.io.err(`# subscribed to ${pattern}; Ctrl+C to stop`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      client.close();
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
