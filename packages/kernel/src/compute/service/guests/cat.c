/* vm.spawn test guest: copies standard input to standard output until end of input, then exits 0. */
#include <stdio.h>
#include <unistd.h>

int main(void) {
  char buf[4096];
  for (;;) {
    ssize_t n = read(0, buf, sizeof buf);
    if (n < 0) return 2;
    if (n == 0) return 0;
    if (write(1, buf, (size_t)n) != n) return 3;
  }
}
