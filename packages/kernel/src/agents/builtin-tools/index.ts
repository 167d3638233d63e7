/**
 * The built-in file, compute and web tools (issue 5 item 5): file_read, file_read_many, file_list,
 * file_write, file_edit and file_search over the VFS; run over the compute service; web_fetch. They use
 * the handles under `VFS` and `VM_RUNNER` (services.ts), which the composition root provides to the
 * agent runtime's ServiceMap; web_fetch needs no handle.
 */
import type { Tool } from '../tools/tool.ts';
import { fileEditTool } from './file-edit.ts';
import { fileListTool } from './file-list.ts';
import { fileReadManyTool } from './file-read-many.ts';
import { fileReadTool } from './file-read.ts';
import { fileSearchTool } from './file-search.ts';
import { fileWriteTool } from './file-write.ts';
import { vmRunTool } from './run.ts';
import { webFetchTool } from './web-fetch.ts';

export function fileTools(): Tool[] {
  return [fileReadTool, fileReadManyTool, fileListTool, fileWriteTool, fileEditTool, fileSearchTool];
}

/** Every tool of this module, for `new AgentRuntime({ tools: systemTools() })`. */
export function systemTools(): Tool[] {
  return [...fileTools(), vmRunTool, webFetchTool];
}

export { fileEditTool, fileListTool, fileReadManyTool, fileReadTool, fileSearchTool, fileWriteTool, vmRunTool, webFetchTool };
export { VFS, VM_RUNNER, type VfsHandle } from './services.ts';
export { ComputeVmRunner, type ComputeVmRunnerOptions, type VmRunner, type VmRunRequest, type VmRunResult } from './vm-runner.ts';
