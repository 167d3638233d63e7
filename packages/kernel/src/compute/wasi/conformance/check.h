/*
 * Shared by the conformance programs: checks that report the file and line of every failure on stderr
 * and keep going, so one run lists every deviation; the program exits 1 if any check failed and prints
 * "ok" otherwise. ERRNO compares a raw WASI call's result with the errno the specification requires.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

static int failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);          \
      failures++;                                                              \
    }                                                                          \
  } while (0)

#define ERRNO(call, expected)                                                  \
  do {                                                                         \
    __wasi_errno_t e_ = (call);                                                \
    if (e_ != (expected)) {                                                    \
      fprintf(stderr, "FAIL %s:%d: %s = %d, expected %d\n", __FILE__,          \
              __LINE__, #call, (int)e_, (int)(expected));                      \
      failures++;                                                              \
    }                                                                          \
  } while (0)

#define OK(call) ERRNO(call, __WASI_ERRNO_SUCCESS)

static int done(void) {
  if (failures > 0) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  puts("ok");
  return 0;
}

/* The descriptor of the preopen named `name`, or -1. */
static int find_preopen(const char *name) {
  for (__wasi_fd_t fd = 3; fd < 64; fd++) {
    __wasi_prestat_t prestat;
    if (__wasi_fd_prestat_get(fd, &prestat) != __WASI_ERRNO_SUCCESS) continue;
    char buf[256];
    size_t len = prestat.u.dir.pr_name_len;
    if (len >= sizeof buf) continue;
    if (__wasi_fd_prestat_dir_name(fd, (uint8_t *)buf, len) != __WASI_ERRNO_SUCCESS) continue;
    buf[len] = 0;
    if (strcmp(buf, name) == 0) return (int)fd;
  }
  return -1;
}

#define ALL_FILE_RIGHTS                                                        \
  (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK |    \
   __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FILESTAT_GET |                     \
   __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES |  \
   __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_ADVISE |                       \
   __WASI_RIGHTS_FD_SYNC | __WASI_RIGHTS_FD_DATASYNC |                         \
   __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS)

/* Opens (creating) `path` under `dir` with every file right. */
static __wasi_fd_t open_file(__wasi_fd_t dir, const char *path, __wasi_oflags_t oflags) {
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  __wasi_errno_t e = __wasi_path_open(dir, 0, path, oflags, ALL_FILE_RIGHTS, 0, 0, &fd);
  if (e != __WASI_ERRNO_SUCCESS) {
    fprintf(stderr, "FAIL open %s: errno %d\n", path, (int)e);
    failures++;
  }
  return fd;
}

static size_t write_str(__wasi_fd_t fd, const char *text) {
  __wasi_ciovec_t iov = {(const uint8_t *)text, strlen(text)};
  __wasi_size_t n = 0;
  if (__wasi_fd_write(fd, &iov, 1, &n) != __WASI_ERRNO_SUCCESS) return (size_t)-1;
  return n;
}
