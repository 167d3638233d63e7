/* vm.spawn test guest: prints "spinning" once, then loops forever without output (wall and idle limits). */
#include <stdio.h>

int main(void) {
  puts("spinning");
  fflush(stdout);
  volatile unsigned long n = 0;
  for (;;) n++;
}
