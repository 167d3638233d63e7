/* Copies stdin to stdout in odd-sized reads until end of input (exercises the stdin channel's refills). */
#include "check.h"

int main(void) {
  char buf[1000];
  for (;;) {
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
    __wasi_size_t n = 0;
    if (__wasi_fd_read(0, &iov, 1, &n) != 0) return 2;
    if (n == 0) return 0;
    __wasi_ciovec_t out = {(const uint8_t *)buf, n};
    __wasi_size_t written;
    if (__wasi_fd_write(1, &out, 1, &written) != 0 || written != n) return 3;
  }
}
