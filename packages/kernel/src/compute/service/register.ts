/**
 * Wires the `vm.*` contracts to a ComputeService: each handler passes the caller the ingress
 * authenticated (the registry already checked the contract's capability) to the service.
 */
import type { ContractRegistry } from '../../contracts/registry.ts';
import type { ComputeService } from './compute-service.ts';
import { killContract, listContract, resizeContract, spawnContract, stdinContract } from './vm-contracts.ts';

export function registerComputeContracts(registry: ContractRegistry, compute: ComputeService): void {
  registry.register(spawnContract, (request, { principal }) => compute.spawn(principal, request));
  registry.register(stdinContract, (request, { principal }) => Promise.resolve(compute.stdin(principal, request)));
  registry.register(killContract, ({ vmId }, { principal }) => Promise.resolve(compute.kill(principal, vmId)));
  registry.register(resizeContract, ({ vmId, rows, cols }, { principal }) => Promise.resolve(compute.resize(principal, vmId, rows, cols)));
  registry.register(listContract, (_request, { principal }) => Promise.resolve({ vms: compute.list(principal) }));
}
