/* Floods stdout forever. */
#include "check.h"

int main(void) {
  static char chunk[65536];
  memset(chunk, 'x', sizeof chunk);
  __wasi_ciovec_t iov = {(const uint8_t *)chunk, sizeof chunk};
  for (;;) {
    __wasi_size_t n;
    if (__wasi_fd_write(1, &iov, 1, &n) != 0) return 3;
  }
}
