/* path_*: create/remove directories, unlink, rename, filestat get/set_times, symlink/readlink (confined),
 * link (refused), lookup flags, trailing slashes, and paths that try to leave the directory. */
#include "check.h"

/* The raw import, to pass a path whose length covers a NUL byte (the libc wrapper stops at it). */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_open"))) int32_t raw_path_open(
    int32_t fd, int32_t dirflags, const char *path, int32_t path_len, int32_t oflags, int64_t base,
    int64_t inheriting, int32_t fdflags, __wasi_fd_t *out);

static void test_dirs(__wasi_fd_t dir) {
  OK(__wasi_path_create_directory(dir, "d"));
  ERRNO(__wasi_path_create_directory(dir, "d"), __WASI_ERRNO_EXIST);
  OK(__wasi_path_create_directory(dir, "d/e"));
  ERRNO(__wasi_path_create_directory(dir, "nope/e"), __WASI_ERRNO_NOENT);
  ERRNO(__wasi_path_remove_directory(dir, "d"), __WASI_ERRNO_NOTEMPTY);
  __wasi_fd_close(open_file(dir, "d/file", __WASI_OFLAGS_CREAT));
  ERRNO(__wasi_path_remove_directory(dir, "d/file"), __WASI_ERRNO_NOTDIR);
  ERRNO(__wasi_path_unlink_file(dir, "d/e"), __WASI_ERRNO_ISDIR);
  ERRNO(__wasi_path_unlink_file(dir, "d/e/"), __WASI_ERRNO_ISDIR);
  ERRNO(__wasi_path_unlink_file(dir, "d/file/"), __WASI_ERRNO_NOTDIR);
  ERRNO(__wasi_path_unlink_file(dir, "d/missing"), __WASI_ERRNO_NOENT);
  OK(__wasi_path_unlink_file(dir, "d/file"));
  OK(__wasi_path_remove_directory(dir, "d/e/"));
  OK(__wasi_path_remove_directory(dir, "d"));
  __wasi_filestat_t st;
  ERRNO(__wasi_path_filestat_get(dir, 0, "d", &st), __WASI_ERRNO_NOENT);
}

static void test_rename(__wasi_fd_t dir) {
  __wasi_fd_t fd = open_file(dir, "src", __WASI_OFLAGS_CREAT);
  write_str(fd, "content");
  __wasi_fd_close(fd);
  OK(__wasi_path_rename(dir, "src", dir, "dst"));
  __wasi_filestat_t st;
  ERRNO(__wasi_path_filestat_get(dir, 0, "src", &st), __WASI_ERRNO_NOENT);
  OK(__wasi_path_filestat_get(dir, 0, "dst", &st));
  CHECK(st.size == 7);
  __wasi_fd_close(open_file(dir, "other", __WASI_OFLAGS_CREAT));
  OK(__wasi_path_rename(dir, "dst", dir, "other")); /* replaces a file */
  OK(__wasi_path_create_directory(dir, "dir1"));
  OK(__wasi_path_create_directory(dir, "dir2"));
  __wasi_fd_close(open_file(dir, "dir2/x", __WASI_OFLAGS_CREAT));
  ERRNO(__wasi_path_rename(dir, "dir1", dir, "dir2"), __WASI_ERRNO_NOTEMPTY);
  ERRNO(__wasi_path_rename(dir, "other", dir, "dir1"), __WASI_ERRNO_ISDIR);
  ERRNO(__wasi_path_rename(dir, "dir1", dir, "other"), __WASI_ERRNO_NOTDIR);
  ERRNO(__wasi_path_rename(dir, "other/", dir, "moved"), __WASI_ERRNO_NOTDIR);
  ERRNO(__wasi_path_rename(dir, "missing", dir, "moved"), __WASI_ERRNO_NOENT);
  OK(__wasi_path_rename(dir, "dir1", dir, "dir2/dir1"));
  OK(__wasi_path_filestat_get(dir, 0, "dir2/dir1", &st));
  CHECK(st.filetype == __WASI_FILETYPE_DIRECTORY);
}

static void test_times(__wasi_fd_t dir) {
  __wasi_filestat_t st;
  OK(__wasi_path_filestat_set_times(dir, 0, "other", 3000000000ull, 4000000000ull, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  OK(__wasi_path_filestat_get(dir, 0, "other", &st));
  CHECK(st.atim == 3000000000ull);
  CHECK(st.mtim == 4000000000ull);
  ERRNO(__wasi_path_filestat_set_times(dir, 0, "other", 0, 0, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_INVAL);
  ERRNO(__wasi_path_filestat_set_times(dir, 0, "nothing", 0, 0, __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_NOENT);
}

static void test_symlinks(__wasi_fd_t dir) {
  OK(__wasi_path_symlink("other", dir, "link"));
  char buf[16] = {0};
  __wasi_size_t used = 0;
  OK(__wasi_path_readlink(dir, "link", (uint8_t *)buf, sizeof buf, &used));
  CHECK(used == 5 && memcmp(buf, "other", 5) == 0);
  memset(buf, 0, sizeof buf);
  OK(__wasi_path_readlink(dir, "link", (uint8_t *)buf, 3, &used));
  CHECK(used == 3 && memcmp(buf, "oth", 3) == 0 && buf[3] == 0);
  ERRNO(__wasi_path_readlink(dir, "other", (uint8_t *)buf, sizeof buf, &used), __WASI_ERRNO_INVAL);
  __wasi_filestat_t st;
  OK(__wasi_path_filestat_get(dir, 0, "link", &st));
  CHECK(st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK);
  OK(__wasi_path_filestat_get(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "link", &st));
  CHECK(st.filetype == __WASI_FILETYPE_REGULAR_FILE && st.size == 7);
  __wasi_fd_t fd;
  ERRNO(__wasi_path_open(dir, 0, "link", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd), __WASI_ERRNO_LOOP);
  OK(__wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "link", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
  __wasi_fd_close(fd);
  ERRNO(__wasi_path_symlink("other", dir, "link"), __WASI_ERRNO_EXIST);
  ERRNO(__wasi_path_symlink("x", dir, "dir2/"), __WASI_ERRNO_EXIST);
  ERRNO(__wasi_path_symlink("x", dir, "other/"), __WASI_ERRNO_NOTDIR);
  ERRNO(__wasi_path_symlink("x", dir, "fresh/"), __WASI_ERRNO_NOENT);
  /* dangling links may exist; following one finds nothing */
  OK(__wasi_path_symlink("nowhere", dir, "dangling"));
  ERRNO(__wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "dangling", 0, 0, 0, 0, &fd), __WASI_ERRNO_NOENT);
  OK(__wasi_path_unlink_file(dir, "dangling"));
  /* a link through a directory symlink resolves inside */
  OK(__wasi_path_symlink("dir2", dir, "dlink"));
  OK(__wasi_path_filestat_get(dir, 0, "dlink/x", &st));
  /* links that would lead out are refused at creation */
  ERRNO(__wasi_path_symlink("/etc", dir, "abs"), __WASI_ERRNO_PERM);
  ERRNO(__wasi_path_symlink("../..", dir, "up"), __WASI_ERRNO_PERM);
  ERRNO(__wasi_path_symlink("../../etc", dir, "dir2/up"), __WASI_ERRNO_PERM);
  OK(__wasi_path_symlink("../other", dir, "dir2/back"));
  OK(__wasi_path_unlink_file(dir, "dir2/back"));
  OK(__wasi_path_unlink_file(dir, "link"));
  OK(__wasi_path_unlink_file(dir, "dlink"));
  /* hard links are refused */
  ERRNO(__wasi_path_link(dir, 0, "other", dir, "hard"), __WASI_ERRNO_NOTSUP);
  ERRNO(__wasi_path_filestat_get(dir, 0, "hard", &st), __WASI_ERRNO_NOENT);
}

static void test_escapes(__wasi_fd_t dir) {
  __wasi_fd_t fd;
  __wasi_filestat_t st;
  ERRNO(__wasi_path_open(dir, 0, "/etc/passwd", 0, 0, 0, 0, &fd), __WASI_ERRNO_PERM);
  ERRNO(__wasi_path_open(dir, 0, "..", 0, 0, 0, 0, &fd), __WASI_ERRNO_PERM);
  ERRNO(__wasi_path_open(dir, 0, "dir2/../../x", 0, 0, 0, 0, &fd), __WASI_ERRNO_PERM);
  ERRNO(__wasi_path_filestat_get(dir, 0, "../", &st), __WASI_ERRNO_PERM);
  ERRNO(__wasi_path_create_directory(dir, "../made"), __WASI_ERRNO_PERM);
  OK(__wasi_path_open(dir, 0, "dir2/../other", 0, 0, 0, 0, &fd));
  __wasi_fd_close(fd);
  ERRNO(__wasi_path_open(dir, 0, "", 0, 0, 0, 0, &fd), __WASI_ERRNO_NOENT);
  ERRNO(raw_path_open(dir, 0, "other\0", 6, 0, 0, 0, 0, &fd), __WASI_ERRNO_ILSEQ);
  ERRNO(raw_path_open(dir, 0, "\xff\xfe", 2, 0, 0, 0, 0, &fd), __WASI_ERRNO_ILSEQ);
  ERRNO(raw_path_open(dir, 0, "other", 0x7fffffff, 0, 0, 0, 0, &fd), __WASI_ERRNO_FAULT);
  ERRNO(__wasi_path_open(dir, 0, "other/", 0, 0, 0, 0, &fd), __WASI_ERRNO_NOTDIR);
  ERRNO(__wasi_path_open(dir, 0, "other", 0xff, 0, 0, 0, &fd), __WASI_ERRNO_INVAL);
  /* a sub-directory descriptor is a sandbox of its own */
  __wasi_fd_t sub;
  OK(__wasi_path_open(dir, 0, "dir2", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_FILESTAT_GET, ALL_FILE_RIGHTS, 0, &sub));
  OK(__wasi_path_filestat_get(sub, 0, "x", &st));
  ERRNO(__wasi_path_filestat_get(sub, 0, "../other", &st), __WASI_ERRNO_PERM);
  __wasi_fd_close(sub);
}

int main(void) {
  int dir = find_preopen("/sandbox");
  CHECK(dir >= 3);
  if (dir < 0) return done();
  test_dirs((__wasi_fd_t)dir);
  test_rename((__wasi_fd_t)dir);
  test_times((__wasi_fd_t)dir);
  test_symlinks((__wasi_fd_t)dir);
  test_escapes((__wasi_fd_t)dir);
  return done();
}
