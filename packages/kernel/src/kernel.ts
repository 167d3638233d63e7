/**
 * The composition root: builds the kernel's parts in order, wires them, and stops them in reverse.
 * Nothing here decides anything; each part owns its domain.
 */
import type { Bus } from './bus/bus.ts';
import { InProcessBus } from './bus/in-process-bus.ts';
import { NatsBus } from './bus/nats-bus.ts';
import type { Config } from './config/config.ts';
import { ConfigError } from './config/load-config.ts';
import { isKernelError } from './contracts/errors.ts';
import { ContractRegistry } from './contracts/registry.ts';
import { auditHandlers } from './audit/audit-contracts.ts';
import { AuditLog } from './audit/audit-log.ts';
import { AuditRetention } from './audit/audit-retention.ts';
import { AuditWriter } from './audit/audit-writer.ts';
import { type Identity, createIdentity } from './identity/identity.ts';
import { registerIdentityContracts } from './identity/identity-contracts.ts';
import { Ingress } from './ingress/ingress.ts';
import { registerSubscriptionContracts } from './ingress/subscription-contracts.ts';
import { ComputeService, registerComputeContracts } from './compute/index.ts';
import { ComputeVmRunner, VFS, VM_RUNNER, systemTools } from './agents/builtin-tools/index.ts';
import { AgentRuntime, type AgentRuntimeOptions, ServiceMap, registerAgentContracts } from './agents/index.ts';
import { registerApprovalContracts } from './approvals/approval-contracts.ts';
import { type AetherModelGateway, createModelGateway, gatewayOptionsFromConfig, modelHandlers } from './models/index.ts';
import { type Logger, createLogger } from './observability/logger.ts';
import { VfsService, registerVfsContracts } from './vfs/index.ts';
import { AdminToken } from './security/admin-token.ts';
import { RateLimiter } from './security/rate-limiter.ts';
import { TopicRules } from './security/topic-rules.ts';
import { type Store, openStore } from './store/store.ts';
import { StatusService } from './system/status-service.ts';
import type { KernelStatus } from './system/status-contract.ts';
import { KERNEL_VERSION } from './version.ts';

export interface Kernel {
  readonly version: string;
  readonly config: Config;
  readonly logger: Logger;
  readonly bus: Bus;
  readonly store: Store;
  readonly registry: ContractRegistry;
  readonly ingress: Ingress;
  readonly audit: AuditLog;
  readonly identity: Identity;
  readonly vfs: VfsService;
  readonly compute: ComputeService;
  readonly models: AetherModelGateway;
  readonly agents: AgentRuntime;
  /** Agents that had not ended when the kernel last stopped, resumed at start. */
  readonly resumedAgents: number;
  /** Undefined unless the operator configured one. */
  readonly adminToken: AdminToken | undefined;
  status(): Promise<KernelStatus>;
  /** Answers or cancels calls in flight, then closes the bus and the store. Idempotent. */
  stop(): Promise<void>;
}

export interface KernelOptions {
  logger?: Logger;
  /** Where provider keys (OPENAI_API_KEY, …) are read from; process.env by default. Tests pass {}. */
  env?: NodeJS.ProcessEnv;
  /**
   * Test seams for the agent runtime: a model to think with instead of the configured gateway (the scripted
   * model), tools besides the built-in ones, limits, and where owners' capabilities come from.
   */
  agents?: Partial<Pick<AgentRuntimeOptions, 'models' | 'tools' | 'limits' | 'ownerCapabilities' | 'readText'>>;
}

export async function createKernel(config: Config, options: KernelOptions = {}): Promise<Kernel> {
  const logger = options.logger ?? createLogger(config.log_level);
  const adminToken = adminTokenFrom(config.admin_token);
  const models = modelGatewayFrom(config, options.env ?? process.env);
  const limits = { queueLimit: config.limits.queue_limit, requestTimeoutMs: config.limits.request_timeout_ms };

  const store = await openStore({ dataDir: config.data_dir, databaseUrl: config.database_url });
  let bus: Bus;
  try {
    bus = config.nats_url === undefined ? new InProcessBus(limits) : await NatsBus.connect({ url: config.nats_url, limits });
  } catch (thrown) {
    await store.close();
    throw thrown;
  }

  const audit = new AuditLog(store.audit);
  const auditWriter = new AuditWriter(audit, logger);
  const identity = createIdentity({ database: store.database, audit, dataDir: config.data_dir, logger });
  const retention = new AuditRetention(audit, config.audit.retention_days, logger);
  const registry = new ContractRegistry({
    onDenial: (principal, topic, missing) =>
      auditWriter.record({ principal: principal.id, kind: 'denial', action: topic, decision: 'deny', data: { missing } }),
  });
  const ingress = new Ingress({
    bus,
    registry,
    topicRules: new TopicRules(config.permissions),
    rateLimiter: new RateLimiter(config.rate_limits),
    limits: config.limits,
    logger,
  });
  const vfs = new VfsService({ dataDir: config.data_dir, bus, quotas: config.vfs.quotas, isClientLive: (id) => ingress.connection(id) !== undefined });
  const compute = new ComputeService({
    bus,
    vfs,
    config: config.compute,
    logger,
    onSpawn: ({ principal, vmId, backend, program }) =>
      auditWriter.record({ principal, kind: 'spawn', action: 'vm.spawn', decision: 'allow', data: { vmId, backend, program } }),
  });
  const vmRunner = new ComputeVmRunner({ compute, bus });
  const agents = new AgentRuntime({
    database: store.database,
    events: store.events,
    bus,
    audit,
    models,
    logger,
    services: new ServiceMap().provide(VFS, vfs).provide(VM_RUNNER, vmRunner),
    readText: async (principal, path) => (await vfs.read(principal, path)).data.toString('utf8'),
    ownerCapabilities: async (owner) => {
      const user = owner.startsWith('user:') ? await identity.users.getUser(owner.slice('user:'.length)) : undefined;
      return user === undefined ? undefined : identity.users.capabilitiesOf(user);
    },
    ...options.agents,
    tools: [...systemTools(), ...(options.agents?.tools ?? [])],
  });
  const statusService = new StatusService({
    version: KERNEL_VERSION,
    bus,
    store: store.database,
    registry,
    ingress,
    checks: [
      { name: 'store', check: async () => ({ healthy: (await store.health()).ok }) },
      { name: 'bus', check: () => Promise.resolve({ healthy: true, detail: bus.backend }) },
      { name: 'audit', check: () => Promise.resolve(auditWriter.health()) },
      { name: 'compute', check: () => compute.health() },
    ],
  });

  statusService.register();
  registerSubscriptionContracts(registry, ingress);
  registerIdentityContracts(registry, identity, {
    bind: (clientId, principal) => ingress.connection(clientId)?.authenticate(principal),
    sourceOf: (clientId) => ingress.connection(clientId)?.source,
  });
  identity.sweeper.start();
  for (const { contract, handler } of auditHandlers(audit)) registry.register(contract, handler);
  registerVfsContracts(registry, vfs);
  registerComputeContracts(registry, compute);
  for (const { contract, handler } of modelHandlers(models)) registry.register(contract, handler);
  registerAgentContracts(registry, agents);
  registerApprovalContracts(registry, agents.approvals);
  retention.start();
  const resumedAgents = await agents.start();

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      retention.stop();
      await identity.sweeper.stop();
      await ingress.drain(config.limits.shutdown_grace_ms);
      // Agents before the compute they run on; compute before the VFS it writes sandbox workspaces back to.
      await agents.stop();
      vmRunner.close();
      await compute.close();
      vfs.close();
      await auditWriter.flush();
      await bus.close();
      await store.close();
    })());

  logger.info({ bus: bus.backend, store: store.database.dialect, data_dir: config.data_dir }, 'kernel started');
  return {
    version: KERNEL_VERSION,
    config,
    logger,
    bus,
    store,
    registry,
    ingress,
    audit,
    identity,
    vfs,
    compute,
    models,
    agents,
    resumedAgents,
    adminToken,
    status: () => statusService.status(),
    stop,
  };
}

function modelGatewayFrom(config: Config, env: NodeJS.ProcessEnv): AetherModelGateway {
  try {
    return createModelGateway(gatewayOptionsFromConfig(config.models, env));
  } catch (thrown) {
    if (isKernelError(thrown)) throw new ConfigError('models', 'file', thrown.message);
    throw thrown;
  }
}

function adminTokenFrom(value: string | undefined): AdminToken | undefined {
  try {
    return AdminToken.fromConfig(value);
  } catch (thrown) {
    if (isKernelError(thrown)) throw new ConfigError('admin_token', 'environment', thrown.message);
    throw thrown;
  }
}
