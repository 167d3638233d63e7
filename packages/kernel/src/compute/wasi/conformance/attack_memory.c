/* A memory bomb: allocates 1 MiB blocks (touching each) until malloc fails, then asks memory.grow for
 * another 4 GiB directly. Prints how many MiB it got; exits 0 once the cap has held. */
#include "check.h"

int main(void) {
  unsigned count = 0;
  void **last = NULL;
  for (;;) {
    void **block = malloc(1 << 20);
    if (block == NULL) break;
    memset(block, 1, 1 << 20);
    *block = last; /* keep every block reachable so none can be optimised away */
    last = block;
    count++;
    if (count > 8192) break;
  }
  unsigned walked = 0;
  for (void **p = last; p != NULL; p = *p) walked++;
  CHECK(walked == count);
  long grown = (long)__builtin_wasm_memory_grow(0, 65535);
  printf("allocated %u MiB\n", count);
  printf("memory.grow %s\n", grown == -1 ? "refused" : "granted");
  return 0;
}
