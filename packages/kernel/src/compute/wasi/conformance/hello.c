/* The smallest useful guest: greets its first argument (the bench and the "still alive" checks). */
#include <stdio.h>

int main(int argc, char **argv) {
  printf("hello %s\n", argc > 1 ? argv[1] : "world");
  return 0;
}
