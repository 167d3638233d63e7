/* Driven through the `wasi run` CLI: echoes stdin, prints $PROBE, lists the directory named by argv[1],
 * writes argv[1]/made.txt, writes to stderr, and exits 7 (so the test sees the guest's own code). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  int c;
  while ((c = getchar()) != EOF) putchar(c);
  printf("PROBE=%s\n", getenv("PROBE") ? getenv("PROBE") : "(unset)");
  if (argc < 2) return 3;
  DIR *dir = opendir(argv[1]);
  if (dir == NULL) return 4;
  struct dirent *entry;
  while ((entry = readdir(dir)) != NULL) {
    if (entry->d_name[0] != '.') printf("entry %s\n", entry->d_name);
  }
  closedir(dir);
  char path[256];
  snprintf(path, sizeof path, "%s/made.txt", argv[1]);
  FILE *f = fopen(path, "w");
  if (f == NULL) return 5;
  fputs("made", f);
  fclose(f);
  fputs("to stderr\n", stderr);
  return 7;
}
