/* fd_* on a regular file: write/read/pread/pwrite, seek/tell, append, allocate, set_size, set_times,
 * sync/datasync, advise, fdstat flags and rights, renumber, close. Preopen "/sandbox" (empty). */
#include "check.h"

static void test_read_write(__wasi_fd_t dir) {
  __wasi_fd_t fd = open_file(dir, "data.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL);
  CHECK(write_str(fd, "hello world") == 11);
  __wasi_filesize_t pos = 99;
  OK(__wasi_fd_tell(fd, &pos));
  CHECK(pos == 11);
  OK(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
  CHECK(pos == 0);
  char buf[32] = {0};
  __wasi_iovec_t iovs[2] = {{(uint8_t *)buf, 5}, {(uint8_t *)buf + 5, 20}};
  __wasi_size_t n = 0;
  OK(__wasi_fd_read(fd, iovs, 2, &n));
  CHECK(n == 11 && memcmp(buf, "hello world", 11) == 0);
  OK(__wasi_fd_read(fd, iovs, 1, &n));
  CHECK(n == 0); /* end of file */

  OK(__wasi_fd_seek(fd, -5, __WASI_WHENCE_END, &pos));
  CHECK(pos == 6);
  OK(__wasi_fd_seek(fd, 2, __WASI_WHENCE_CUR, &pos));
  CHECK(pos == 8);
  ERRNO(__wasi_fd_seek(fd, -100, __WASI_WHENCE_CUR, &pos), __WASI_ERRNO_INVAL);
  ERRNO(__wasi_fd_seek(fd, 0, 7, &pos), __WASI_ERRNO_INVAL);

  /* positional I/O leaves the offset alone */
  __wasi_ciovec_t c = {(const uint8_t *)"HELLO", 5};
  OK(__wasi_fd_pwrite(fd, &c, 1, 0, &n));
  CHECK(n == 5);
  memset(buf, 0, sizeof buf);
  __wasi_iovec_t one = {(uint8_t *)buf, 11};
  OK(__wasi_fd_pread(fd, &one, 1, 0, &n));
  CHECK(n == 11 && memcmp(buf, "HELLO world", 11) == 0);
  OK(__wasi_fd_tell(fd, &pos));
  CHECK(pos == 8);
  /* writing past the end leaves a hole of zeros */
  OK(__wasi_fd_pwrite(fd, &c, 1, 20, &n));
  __wasi_filestat_t st;
  OK(__wasi_fd_filestat_get(fd, &st));
  CHECK(st.size == 25);
  CHECK(st.filetype == __WASI_FILETYPE_REGULAR_FILE);
  CHECK(st.nlink == 1);

  OK(__wasi_fd_filestat_set_size(fd, 4));
  OK(__wasi_fd_filestat_get(fd, &st));
  CHECK(st.size == 4);
  OK(__wasi_fd_allocate(fd, 0, 100));
  OK(__wasi_fd_filestat_get(fd, &st));
  CHECK(st.size == 100);
  OK(__wasi_fd_allocate(fd, 10, 10));
  OK(__wasi_fd_filestat_get(fd, &st));
  CHECK(st.size == 100);

  OK(__wasi_fd_filestat_set_times(fd, 0, 5000000000ull, __WASI_FSTFLAGS_MTIM));
  OK(__wasi_fd_filestat_get(fd, &st));
  CHECK(st.mtim == 5000000000ull);
  OK(__wasi_fd_filestat_set_times(fd, 7000000000ull, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM_NOW));
  OK(__wasi_fd_filestat_get(fd, &st));
  CHECK(st.atim == 7000000000ull);
  CHECK(st.mtim > 1600000000ull * 1000000000ull);
  ERRNO(__wasi_fd_filestat_set_times(fd, 1, 1, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_INVAL);
  ERRNO(__wasi_fd_filestat_set_times(fd, 1, 1, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW), __WASI_ERRNO_INVAL);

  OK(__wasi_fd_sync(fd));
  OK(__wasi_fd_datasync(fd));
  OK(__wasi_fd_advise(fd, 0, 10, __WASI_ADVICE_SEQUENTIAL));
  ERRNO(__wasi_fd_advise(fd, 0, 10, 99), __WASI_ERRNO_INVAL);
  OK(__wasi_fd_close(fd));
  ERRNO(__wasi_fd_close(fd), __WASI_ERRNO_BADF);
}

static void test_append(__wasi_fd_t dir) {
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  OK(__wasi_path_open(dir, 0, "log.txt", __WASI_OFLAGS_CREAT, ALL_FILE_RIGHTS, 0, __WASI_FDFLAGS_APPEND, &fd));
  __wasi_fdstat_t st;
  OK(__wasi_fd_fdstat_get(fd, &st));
  CHECK(st.fs_flags == __WASI_FDFLAGS_APPEND);
  CHECK(st.fs_filetype == __WASI_FILETYPE_REGULAR_FILE);
  write_str(fd, "ab");
  __wasi_filesize_t pos;
  OK(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
  write_str(fd, "cd"); /* appends regardless of the offset */
  OK(__wasi_fd_tell(fd, &pos));
  CHECK(pos == 4);
  OK(__wasi_fd_fdstat_set_flags(fd, 0));
  OK(__wasi_fd_fdstat_get(fd, &st));
  CHECK(st.fs_flags == 0);
  OK(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
  write_str(fd, "X"); /* no longer appending */
  char buf[8] = {0};
  __wasi_iovec_t iov = {(uint8_t *)buf, 8};
  __wasi_size_t n;
  OK(__wasi_fd_pread(fd, &iov, 1, 0, &n));
  CHECK(n == 4 && memcmp(buf, "Xbcd", 4) == 0);
  OK(__wasi_fd_close(fd));
}

static void test_rights(__wasi_fd_t dir) {
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  OK(__wasi_path_open(dir, 0, "data.txt", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK, 0, 0, &fd));
  __wasi_fdstat_t st;
  OK(__wasi_fd_fdstat_get(fd, &st));
  CHECK(st.fs_rights_base == (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK));
  __wasi_ciovec_t c = {(const uint8_t *)"x", 1};
  __wasi_size_t n;
  ERRNO(__wasi_fd_write(fd, &c, 1, &n), __WASI_ERRNO_BADF);
  __wasi_filesize_t pos;
  ERRNO(__wasi_fd_tell(fd, &pos), __WASI_ERRNO_BADF); /* FD_TELL was not asked for */
  ERRNO(__wasi_fd_filestat_set_size(fd, 0), __WASI_ERRNO_BADF);
  /* rights can be narrowed, never widened */
  OK(__wasi_fd_fdstat_set_rights(fd, __WASI_RIGHTS_FD_READ, 0));
  ERRNO(__wasi_fd_fdstat_set_rights(fd, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0), __WASI_ERRNO_NOTCAPABLE);
  ERRNO(__wasi_fd_seek(fd, 1, __WASI_WHENCE_SET, &pos), __WASI_ERRNO_BADF);
  OK(__wasi_fd_fdstat_set_rights(fd, 0, 0));
  char buf[4];
  __wasi_iovec_t iov = {(uint8_t *)buf, 4};
  ERRNO(__wasi_fd_read(fd, &iov, 1, &n), __WASI_ERRNO_BADF);

  /* renumber moves the descriptor; the source number is closed */
  __wasi_fd_t other = open_file(dir, "other.txt", __WASI_OFLAGS_CREAT);
  OK(__wasi_fd_renumber(fd, other));
  ERRNO(__wasi_fd_fdstat_get(fd, &st), __WASI_ERRNO_BADF);
  OK(__wasi_fd_fdstat_get(other, &st));
  CHECK(st.fs_rights_base == 0);
  ERRNO(__wasi_fd_renumber(other, 99), __WASI_ERRNO_BADF);
  ERRNO(__wasi_fd_renumber(99, other), __WASI_ERRNO_BADF);
  OK(__wasi_fd_close(other));
}

int main(void) {
  int dir = find_preopen("/sandbox");
  CHECK(dir >= 3);
  if (dir < 0) return done();
  test_read_write((__wasi_fd_t)dir);
  test_append((__wasi_fd_t)dir);
  test_rights((__wasi_fd_t)dir);
  return done();
}
