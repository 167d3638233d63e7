/* Symlink race: opens "swap/file.txt" thousands of times while the host keeps swapping "swap" between a
 * real directory inside the preopen and a symlink to a directory outside it. Prints how many opens
 * succeeded and, for every read that returned the outside file's bytes, a line "ESCAPED". */
#include "check.h"

int main(void) {
  int root = find_preopen("/sandbox");
  if (root < 0) return 2;
  unsigned opened = 0, escaped = 0;
  for (int i = 0; i < 4000; i++) {
    __wasi_fd_t fd;
    if (__wasi_path_open((__wasi_fd_t)root, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "swap/file.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd) != 0) continue;
    opened++;
    char buf[16] = {0};
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
    __wasi_size_t n = 0;
    if (__wasi_fd_read(fd, &iov, 1, &n) == 0 && strncmp(buf, "SECRET", 6) == 0) {
      escaped++;
      puts("ESCAPED");
    }
    __wasi_fd_close(fd);
  }
  printf("opened %u, escaped %u\n", opened, escaped);
  return 0;
}
