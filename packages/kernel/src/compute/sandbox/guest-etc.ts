/**
 * The guest's `/etc`: a handful of synthetic files (a passwd/group naming only the sandbox user, hosts,
 * hostname, nsswitch, and resolv.conf when the network is granted) plus read-only binds of host entries
 * that carry no secrets and that ordinary programs need (`alternatives` symlinks, the loader cache, the
 * time zone, CA certificates when networked). Never the host's passwd, shadow, ssh, or anything else.
 */

export const GUEST_UID = 1000;
export const GUEST_GID = 1000;
export const GUEST_HOSTNAME = 'sandbox';

export interface GuestEtc {
  /** Files whose content we feed to bubblewrap through a pipe (`--ro-bind-data`). */
  files: { path: string; content: string }[];
  /** Host paths bound read-only at the same place when they exist (`--ro-bind-try`). */
  binds: string[];
}

/**
 * slirp4netns's DNS forwarder inside the sandbox's network. The host's resolv.conf would be wrong there:
 * a host resolver on loopback (127.0.0.53) is not the sandbox's loopback.
 */
export const GUEST_DNS = '10.0.2.3';

export function guestEtc(options: { home: string; net: boolean }): GuestEtc {
  const files = [
    {
      path: '/etc/passwd',
      content:
        'root:x:0:0:root:/nonexistent:/usr/sbin/nologin\n' +
        `sandbox:x:${GUEST_UID}:${GUEST_GID}:sandbox:${options.home}:/bin/sh\n` +
        'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n',
    },
    { path: '/etc/group', content: `root:x:0:\nsandbox:x:${GUEST_GID}:\nnogroup:x:65534:\n` },
    { path: '/etc/hostname', content: `${GUEST_HOSTNAME}\n` },
    { path: '/etc/hosts', content: `127.0.0.1\tlocalhost ${GUEST_HOSTNAME}\n::1\tlocalhost ip6-localhost ip6-loopback\n` },
    { path: '/etc/nsswitch.conf', content: 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n' },
  ];
  const binds = ['/etc/alternatives', '/etc/ld.so.cache', '/etc/localtime'];
  if (options.net) {
    files.push({ path: '/etc/resolv.conf', content: `nameserver ${GUEST_DNS}\n` });
    binds.push('/etc/ssl/certs', '/etc/ca-certificates.conf');
  }
  return { files, binds };
}
