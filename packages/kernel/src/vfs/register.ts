/**
 * Wires the `vfs:*` contracts to a VfsService: each handler turns wire content into bytes and back and
 * passes the caller (the principal the ingress authenticated) to the service, which checks every path.
 */
import type { ContractRegistry } from '../contracts/registry.ts';
import { decodeContent, encodeContent, utf8Boundary } from './content.ts';
import { vfsDelete, vfsList, vfsMkdir, vfsRead, vfsRename, vfsStat, vfsUnwatch, vfsWatch, vfsWrite } from './vfs-contracts.ts';
import type { VfsService } from './vfs-service.ts';

export function registerVfsContracts(registry: ContractRegistry, vfs: VfsService): void {
  registry.register(vfsRead, async ({ path, encoding, offset, length }, { principal }) => {
    const { data, size } = await vfs.read(principal, path, { offset, length });
    const eof = offset + data.length >= size;
    const chunk = encoding === 'utf8' ? data.subarray(0, utf8Boundary(data, eof)) : data;
    return { path, content: encodeContent(chunk, encoding), encoding, offset, bytes: chunk.length, size, eof: offset + chunk.length >= size };
  });
  registry.register(vfsWrite, async ({ path, content, encoding, append, offset, exclusive, createParents }, { principal }) => {
    const options = offset === undefined ? { append, exclusive, createParents } : { append, offset, exclusive, createParents };
    const written = await vfs.write(principal, path, decodeContent(content, encoding), options);
    return { path, ...written };
  });
  registry.register(vfsList, async ({ path }, { principal }) => ({ path, ...(await vfs.list(principal, path)) }));
  registry.register(vfsStat, ({ path }, { principal }) => vfs.stat(principal, path));
  registry.register(vfsMkdir, async ({ path, recursive }, { principal }) => ({ path, created: await vfs.mkdir(principal, path, { recursive }) }));
  registry.register(vfsDelete, async ({ path, recursive }, { principal }) => {
    await vfs.delete(principal, path, { recursive });
    return { path, deleted: true };
  });
  registry.register(vfsRename, async ({ from, to, overwrite }, { principal }) => {
    await vfs.rename(principal, from, to, { overwrite });
    return { from, to };
  });
  registry.register(vfsWatch, ({ path, recursive }, { principal, clientId }) => {
    const watch = vfs.watch(principal, clientId, path, { recursive });
    return Promise.resolve({ watchId: watch.id, path: watch.path, recursive: watch.recursive });
  });
  registry.register(vfsUnwatch, ({ watchId }, { clientId }) => {
    vfs.unwatch(clientId, watchId);
    return Promise.resolve({ watchId });
  });
}
