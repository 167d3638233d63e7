/* proc_exit: output written before exiting arrives, and the exit code is the guest's (42). */
#include "check.h"

int main(void) {
  write_str(1, "before exit\n");
  __wasi_proc_exit(42);
  write_str(1, "after exit\n");
  return 0;
}
