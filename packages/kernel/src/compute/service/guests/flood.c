/* vm.spawn test guest: writes to standard output forever (output limit). */
#include <string.h>
#include <unistd.h>

int main(void) {
  static char chunk[65536];
  memset(chunk, 'x', sizeof chunk);
  for (;;) {
    if (write(1, chunk, sizeof chunk) < 0) return 3;
  }
}
