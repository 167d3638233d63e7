/* Standard streams: read all of stdin (given by the test), echo it upper-cased to stdout, a line to
 * stderr; fdstat and rights of 0-2; errors for seeking a stream and for descriptors that are not open. */
#include <ctype.h>
#include "check.h"

int main(void) {
  char buf[64];
  size_t total = 0;
  for (;;) {
    __wasi_iovec_t iov = {(uint8_t *)buf + total, sizeof buf - 1 - total};
    __wasi_size_t n = 0;
    OK(__wasi_fd_read(0, &iov, 1, &n));
    if (n == 0) break;
    total += n;
  }
  buf[total] = 0;
  CHECK(strcmp(buf, "hello wasi\n") == 0);
  for (size_t i = 0; i < total; i++) buf[i] = (char)toupper((unsigned char)buf[i]);
  CHECK(write_str(1, buf) == total);
  CHECK(write_str(2, "to stderr\n") == 10);

  __wasi_fdstat_t st;
  OK(__wasi_fd_fdstat_get(0, &st));
  CHECK((st.fs_rights_base & __WASI_RIGHTS_FD_READ) != 0);
  CHECK((st.fs_rights_base & __WASI_RIGHTS_FD_SEEK) == 0);
  OK(__wasi_fd_fdstat_get(1, &st));
  CHECK((st.fs_rights_base & __WASI_RIGHTS_FD_WRITE) != 0);

  __wasi_filesize_t pos;
  ERRNO(__wasi_fd_seek(1, 0, __WASI_WHENCE_CUR, &pos), __WASI_ERRNO_SPIPE);
  ERRNO(__wasi_fd_tell(1, &pos), __WASI_ERRNO_SPIPE);
  __wasi_ciovec_t ciov = {(const uint8_t *)"x", 1};
  __wasi_size_t n;
  ERRNO(__wasi_fd_write(0, &ciov, 1, &n), __WASI_ERRNO_BADF);
  ERRNO(__wasi_fd_write(77, &ciov, 1, &n), __WASI_ERRNO_BADF);
  ERRNO(__wasi_fd_pwrite(1, &ciov, 1, 0, &n), __WASI_ERRNO_SPIPE);
  ERRNO(__wasi_fd_fdstat_get(77, &st), __WASI_ERRNO_BADF);
  ERRNO(__wasi_fd_close(77), __WASI_ERRNO_BADF);
  __wasi_prestat_t prestat;
  ERRNO(__wasi_fd_prestat_get(1, &prestat), __WASI_ERRNO_BADF);

  /* sockets do not exist here */
  ERRNO(__wasi_sock_shutdown(77, __WASI_SDFLAGS_RD), __WASI_ERRNO_BADF);
  ERRNO(__wasi_sock_shutdown(1, __WASI_SDFLAGS_RD), __WASI_ERRNO_NOTSOCK);
  __wasi_fd_t accepted;
  ERRNO(__wasi_sock_accept(1, 0, &accepted), __WASI_ERRNO_NOTSOCK);
  __wasi_roflags_t roflags;
  ERRNO(__wasi_sock_recv(0, &(__wasi_iovec_t){(uint8_t *)buf, 1}, 1, 0, &n, &roflags), __WASI_ERRNO_NOTSOCK);
  ERRNO(__wasi_sock_send(1, &ciov, 1, 0, &n), __WASI_ERRNO_NOTSOCK);
  fflush(stdout);
  int code = done();
  return code;
}
