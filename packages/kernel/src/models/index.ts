/**
 * The model gateway's public surface for the rest of the kernel: the contract types, the gateway factory,
 * budgets, usage accounting, config and the ai.* contracts. Tests import the scripted model from
 * `./testing/` directly, so production code never loads the AI SDK's test utilities.
 */
export * from './model-gateway.ts';
export { type AetherModelGateway, createModelGateway } from './create-model-gateway.ts';
export type { GatewayProvider, ModelGatewayOptions, ModelSpec } from './gateway-options.ts';
export { BudgetLedger, type BudgetAmount, type BudgetLimits, type BudgetSnapshot, type Reservation } from './budget-ledger.ts';
export { estimateInputTokens } from './call-cost.ts';
export { UsageMeter, type UsageQuery, type UsageRecord, type UsageRow } from './usage-meter.ts';
export type { RetryPolicy, Sleep } from './retry-policy.ts';
export { ModelsConfigSchema, type ModelsConfig, type ModelsConfigInput } from './models-config.ts';
export { gatewayOptionsFromConfig, BUILT_IN_DEFAULT_MODELS, type Environment } from './configured-providers.ts';
export { modelHandlers, aiModelsContract, aiGenerateContract, aiUsageContract, accountableUser } from './model-contracts.ts';
