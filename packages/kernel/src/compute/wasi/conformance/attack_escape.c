/* Tries every way out of preopen "/sandbox" that the test planted or that a guest can spell: `..` in
 * every position, absolute paths, symlinks (to /etc, to .., to an absolute outside directory, to an
 * outside file, to /proc), a hard link to an outside file, a FIFO, and writes through each of them.
 * Prints one line per attempt: "<op> <path> -> OK" (an escape) or "-> errno N"; and any bytes it read. */
#include "check.h"

static __wasi_fd_t root;

static void attempt_read(const char *path) {
  __wasi_fd_t fd;
  __wasi_errno_t e = __wasi_path_open(root, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_READDIR, 0, 0, &fd);
  if (e != 0) {
    printf("read %s -> errno %d\n", path, (int)e);
    return;
  }
  char buf[64] = {0};
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
  __wasi_size_t n = 0;
  __wasi_errno_t r = __wasi_fd_read(fd, &iov, 1, &n);
  uint8_t list[256];
  __wasi_size_t used = 0;
  __wasi_errno_t d = __wasi_fd_readdir(fd, list, sizeof list, 0, &used);
  printf("read %s -> OK (read errno %d: %s; readdir errno %d, %u bytes)\n", path, (int)r, buf, (int)d, (unsigned)used);
  __wasi_fd_close(fd);
}

static void attempt_stat(const char *path) {
  __wasi_filestat_t st;
  __wasi_errno_t e = __wasi_path_filestat_get(root, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, &st);
  if (e != 0) printf("stat %s -> errno %d\n", path, (int)e);
  else printf("stat %s -> OK (size %llu)\n", path, (unsigned long long)st.size);
}

static void attempt_create(const char *path) {
  __wasi_fd_t fd;
  __wasi_errno_t e = __wasi_path_open(root, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd);
  if (e != 0) {
    printf("create %s -> errno %d\n", path, (int)e);
    return;
  }
  printf("create %s -> OK\n", path);
  write_str(fd, "PWNED");
  __wasi_fd_close(fd);
}

static void report(const char *op, const char *path, __wasi_errno_t e) {
  if (e != 0) printf("%s %s -> errno %d\n", op, path, (int)e);
  else printf("%s %s -> OK\n", op, path);
}

int main(void) {
  int fd = find_preopen("/sandbox");
  if (fd < 0) return 2;
  root = (__wasi_fd_t)fd;
  const char *reads[] = {
      "..", "../", "../outside/secret.txt", "./../outside/secret.txt", "sub/../../outside/secret.txt",
      "sub/./../../outside/secret.txt", "sub/x/../../../outside/secret.txt", "../../../../../../etc/passwd",
      "/etc/passwd", "/outside/secret.txt", "/sandbox/../outside/secret.txt", "/proc/self/root/etc/passwd",
      "link_etc", "link_etc/passwd", "link_etc/hostname", "link_up", "link_up/outside/secret.txt",
      "sub/link_up2/outside/secret.txt", "link_abs_outside/secret.txt", "link_file", "link_proc/self/root/etc/passwd",
      "link_proc/self/environ", "hard", "fifo", "link_dev_null", "link_chain", "sub/link_up2",
  };
  for (size_t i = 0; i < sizeof reads / sizeof *reads; i++) {
    attempt_read(reads[i]);
    attempt_stat(reads[i]);
  }
  const char *creates[] = {
      "../pwned", "sub/../../pwned", "link_etc/pwned", "link_up/outside/pwned", "link_up/pwned",
      "sub/link_up2/pwned", "link_abs_outside/pwned", "link_file", "hard", "/pwned",
  };
  for (size_t i = 0; i < sizeof creates / sizeof *creates; i++) attempt_create(creates[i]);

  report("mkdir", "link_up/outside/newdir", __wasi_path_create_directory(root, "link_up/outside/newdir"));
  report("mkdir", "../newdir", __wasi_path_create_directory(root, "../newdir"));
  report("rename", "victim -> ../outside/moved", __wasi_path_rename(root, "victim", root, "../outside/moved"));
  report("rename", "victim -> link_up/outside/moved", __wasi_path_rename(root, "victim", root, "link_up/outside/moved"));
  report("rename", "link_abs_outside/secret.txt -> stolen", __wasi_path_rename(root, "link_abs_outside/secret.txt", root, "stolen"));
  report("unlink", "link_up/outside/secret.txt", __wasi_path_unlink_file(root, "link_up/outside/secret.txt"));
  report("rmdir", "link_up/outside", __wasi_path_remove_directory(root, "link_up/outside"));
  report("symlink", "made_abs -> /etc", __wasi_path_symlink("/etc", root, "made_abs"));
  report("symlink", "made_up -> ..", __wasi_path_symlink("..", root, "made_up"));
  report("symlink", "sub/made_up2 -> ../..", __wasi_path_symlink("../..", root, "sub/made_up2"));
  report("link", "hard2 -> link_file", __wasi_path_link(root, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "link_file", root, "hard2"));
  report("link", "hard3 -> ../outside/secret.txt", __wasi_path_link(root, 0, "../outside/secret.txt", root, "hard3"));
  report("set_times", "link_file", __wasi_path_filestat_set_times(root, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "link_file", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
  char buf[64];
  __wasi_size_t used = 0;
  __wasi_errno_t e = __wasi_path_readlink(root, "link_file", (uint8_t *)buf, sizeof buf, &used);
  printf("readlink link_file -> errno %d (reading a link's text is allowed)\n", (int)e);

  FILE *f = fopen("/etc/passwd", "r");
  printf("fopen /etc/passwd -> %s\n", f == NULL ? "errno refused" : "OK");
  f = fopen("/sandbox/../outside/secret.txt", "r");
  printf("fopen /sandbox/../outside/secret.txt -> %s\n", f == NULL ? "errno refused" : "OK");
  f = fopen("/sandbox/link_etc/passwd", "r");
  printf("fopen /sandbox/link_etc/passwd -> %s\n", f == NULL ? "errno refused" : "OK");
  puts("done");
  return 0;
}
