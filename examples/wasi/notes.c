/* Appends standard input to <dir>/notes.txt and prints the whole file: a guest that uses exactly one
 * preopened directory, standard streams and its exit code. Usage: notes.wasm /notes < text */
#include <stdio.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s DIR < text\n", argv[0]);
    return 2;
  }
  char path[512];
  snprintf(path, sizeof path, "%s/notes.txt", argv[1]);
  FILE *out = fopen(path, "a");
  if (out == NULL) {
    perror(path);
    return 1;
  }
  int c;
  while ((c = getchar()) != EOF) fputc(c, out);
  fclose(out);
  FILE *in = fopen(path, "r");
  if (in == NULL) return 1;
  while ((c = fgetc(in)) != EOF) putchar(c);
  fclose(in);
  return 0;
}
