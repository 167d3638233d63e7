/* Directory descriptors: prestat_get/dir_name, readdir with cookies, what a directory refuses, opening
 * directories, and a read-only preopen "/ro" (holding "readme.txt") that grants no writes. */
#include "check.h"

static int seen(const uint8_t *buf, size_t used, const char *name, uint8_t type) {
  size_t at = 0;
  while (at + sizeof(__wasi_dirent_t) <= used) {
    __wasi_dirent_t d;
    memcpy(&d, buf + at, sizeof d);
    const char *entry = (const char *)buf + at + sizeof d;
    if (d.d_namlen == strlen(name) && memcmp(entry, name, d.d_namlen) == 0) return d.d_type == type;
    at += sizeof d + d.d_namlen;
  }
  return 0;
}

static void test_prestat(__wasi_fd_t dir) {
  __wasi_prestat_t p;
  OK(__wasi_fd_prestat_get(dir, &p));
  CHECK(p.tag == __WASI_PREOPENTYPE_DIR);
  CHECK(p.u.dir.pr_name_len == 8);
  char name[16] = {0};
  ERRNO(__wasi_fd_prestat_dir_name(dir, (uint8_t *)name, 3), __WASI_ERRNO_NAMETOOLONG);
  OK(__wasi_fd_prestat_dir_name(dir, (uint8_t *)name, sizeof name));
  CHECK(memcmp(name, "/sandbox", 8) == 0);
  __wasi_fdstat_t st;
  OK(__wasi_fd_fdstat_get(dir, &st));
  CHECK(st.fs_filetype == __WASI_FILETYPE_DIRECTORY);
  CHECK((st.fs_rights_base & __WASI_RIGHTS_PATH_OPEN) != 0);
  CHECK((st.fs_rights_base & __WASI_RIGHTS_FD_SEEK) == 0);
  CHECK((st.fs_rights_inheriting & __WASI_RIGHTS_FD_WRITE) != 0);
}

static void test_readdir(__wasi_fd_t dir) {
  OK(__wasi_path_create_directory(dir, "list"));
  __wasi_fd_t d = (__wasi_fd_t)-1;
  OK(__wasi_path_open(dir, 0, "list", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_CREATE_FILE | __WASI_RIGHTS_FD_FILESTAT_GET, ALL_FILE_RIGHTS, 0, &d));
  __wasi_fd_close(open_file(d, "a.txt", __WASI_OFLAGS_CREAT));
  OK(__wasi_path_create_directory(dir, "list/sub"));
  uint8_t buf[1024];
  __wasi_size_t used = 0;
  OK(__wasi_fd_readdir(d, buf, sizeof buf, 0, &used));
  CHECK(used < sizeof buf);
  CHECK(seen(buf, used, ".", __WASI_FILETYPE_DIRECTORY));
  CHECK(seen(buf, used, "..", __WASI_FILETYPE_DIRECTORY));
  CHECK(seen(buf, used, "a.txt", __WASI_FILETYPE_REGULAR_FILE));
  CHECK(seen(buf, used, "sub", __WASI_FILETYPE_DIRECTORY));
  /* the first entry's d_next resumes after it */
  __wasi_dirent_t first;
  memcpy(&first, buf, sizeof first);
  __wasi_size_t rest = 0;
  OK(__wasi_fd_readdir(d, buf, sizeof buf, first.d_next, &rest));
  CHECK(rest == used - sizeof first - first.d_namlen);
  /* a small buffer is filled completely (the caller then retries with a larger one) */
  OK(__wasi_fd_readdir(d, buf, 30, 0, &rest));
  CHECK(rest == 30);
  /* a cookie past the end yields nothing */
  OK(__wasi_fd_readdir(d, buf, sizeof buf, 1000, &rest));
  CHECK(rest == 0);
  __wasi_filestat_t st;
  OK(__wasi_fd_filestat_get(d, &st));
  CHECK(st.filetype == __WASI_FILETYPE_DIRECTORY);

  /* what a directory descriptor refuses */
  char b[4];
  __wasi_iovec_t iov = {(uint8_t *)b, 4};
  __wasi_ciovec_t c = {(const uint8_t *)b, 4};
  __wasi_size_t n;
  __wasi_filesize_t pos;
  ERRNO(__wasi_fd_read(d, &iov, 1, &n), __WASI_ERRNO_ISDIR);
  ERRNO(__wasi_fd_write(d, &c, 1, &n), __WASI_ERRNO_ISDIR);
  ERRNO(__wasi_fd_seek(d, 0, __WASI_WHENCE_SET, &pos), __WASI_ERRNO_BADF);
  ERRNO(__wasi_fd_filestat_set_size(d, 0), __WASI_ERRNO_ISDIR);
  __wasi_fd_t file = open_file(dir, "list/a.txt", 0);
  ERRNO(__wasi_fd_readdir(file, buf, sizeof buf, 0, &used), __WASI_ERRNO_NOTDIR);
  ERRNO(__wasi_path_create_directory(file, "x"), __WASI_ERRNO_NOTDIR);
  __wasi_fd_close(file);
  /* path operations relative to the opened directory */
  __wasi_fd_t inner = open_file(d, "b.txt", __WASI_OFLAGS_CREAT);
  __wasi_fd_close(inner);
  OK(__wasi_path_filestat_get(dir, 0, "list/b.txt", &st));
  ERRNO(__wasi_path_create_directory(d, "nested"), __WASI_ERRNO_NOTCAPABLE); /* right not granted */
  OK(__wasi_fd_close(d));
}

static void test_open_dirs(__wasi_fd_t dir) {
  __wasi_fd_t fd;
  ERRNO(__wasi_path_open(dir, 0, "list/a.txt", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd), __WASI_ERRNO_NOTDIR);
  ERRNO(__wasi_path_open(dir, 0, ".", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &fd), __WASI_ERRNO_ISDIR);
  OK(__wasi_path_open(dir, 0, ".", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd));
  OK(__wasi_fd_close(fd));
  OK(__wasi_path_open(dir, 0, "list/", 0, 0, 0, 0, &fd));
  OK(__wasi_fd_close(fd));
  ERRNO(__wasi_path_open(dir, 0, "missing", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd), __WASI_ERRNO_NOENT);
  ERRNO(__wasi_path_open(dir, 0, "list/a.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, 0, 0, 0, &fd), __WASI_ERRNO_EXIST);
}

static void test_read_only(void) {
  int ro = find_preopen("/ro");
  CHECK(ro >= 3);
  if (ro < 0) return;
  __wasi_fdstat_t st;
  OK(__wasi_fd_fdstat_get((__wasi_fd_t)ro, &st));
  CHECK((st.fs_rights_base & __WASI_RIGHTS_PATH_CREATE_FILE) == 0);
  CHECK((st.fs_rights_inheriting & __WASI_RIGHTS_FD_WRITE) == 0);
  __wasi_fd_t fd;
  OK(__wasi_path_open((__wasi_fd_t)ro, 0, "readme.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
  char buf[16] = {0};
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
  __wasi_size_t n;
  OK(__wasi_fd_read(fd, &iov, 1, &n));
  CHECK(n == 9 && memcmp(buf, "read only", 9) == 0);
  __wasi_fd_close(fd);
  ERRNO(__wasi_path_open((__wasi_fd_t)ro, 0, "readme.txt", 0, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd), __WASI_ERRNO_NOTCAPABLE);
  ERRNO(__wasi_path_open((__wasi_fd_t)ro, 0, "new.txt", __WASI_OFLAGS_CREAT, 0, 0, 0, &fd), __WASI_ERRNO_NOTCAPABLE);
  ERRNO(__wasi_path_open((__wasi_fd_t)ro, 0, "readme.txt", __WASI_OFLAGS_TRUNC, 0, 0, 0, &fd), __WASI_ERRNO_ROFS);
  ERRNO(__wasi_path_unlink_file((__wasi_fd_t)ro, "readme.txt"), __WASI_ERRNO_NOTCAPABLE);
  ERRNO(__wasi_path_create_directory((__wasi_fd_t)ro, "d"), __WASI_ERRNO_NOTCAPABLE);
  FILE *f = fopen("/ro/readme.txt", "w");
  CHECK(f == NULL);
}

int main(void) {
  int dir = find_preopen("/sandbox");
  CHECK(dir >= 3);
  if (dir < 0) return done();
  test_prestat((__wasi_fd_t)dir);
  test_readdir((__wasi_fd_t)dir);
  test_open_dirs((__wasi_fd_t)dir);
  test_read_only();
  return done();
}
