/*
 * vm.spawn test guest: `files read PATH` prints the file or "ERR <errno name>"; `files write PATH TEXT`
 * writes it and prints "OK" or "ERR <errno name>". Exit 0 either way, so the test reads the outcome.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *name(int e) {
  switch (e) {
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case ENOTCAPABLE: return "ENOTCAPABLE";
    case EROFS: return "EROFS";
    default: return strerror(e);
  }
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  if (strcmp(argv[1], "read") == 0) {
    FILE *f = fopen(argv[2], "r");
    if (!f) { printf("ERR %s\n", name(errno)); return 0; }
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, stdout);
    fclose(f);
    return 0;
  }
  if (strcmp(argv[1], "write") == 0 && argc > 3) {
    FILE *f = fopen(argv[2], "w");
    if (!f) { printf("ERR %s\n", name(errno)); return 0; }
    fputs(argv[3], f);
    printf(fclose(f) == 0 ? "OK\n" : "ERR close\n");
    return 0;
  }
  return 2;
}
