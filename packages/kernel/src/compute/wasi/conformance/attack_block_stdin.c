/* Blocks inside a host call: reading a stdin that never delivers. */
#include "check.h"

int main(void) {
  char buf[16];
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
  __wasi_size_t n;
  write_str(1, "reading\n");
  __wasi_errno_t e = __wasi_fd_read(0, &iov, 1, &n);
  printf("read returned: %d\n", (int)e);
  return 0;
}
