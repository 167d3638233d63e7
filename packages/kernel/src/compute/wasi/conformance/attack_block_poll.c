/* Blocks inside a host call: poll_oneoff on a one-hour clock. */
#include "check.h"

int main(void) {
  __wasi_subscription_t sub;
  __wasi_event_t event;
  __wasi_size_t n;
  memset(&sub, 0, sizeof sub);
  sub.u.tag = __WASI_EVENTTYPE_CLOCK;
  sub.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  sub.u.u.clock.timeout = 3600ull * 1000000000ull;
  write_str(1, "sleeping\n");
  __wasi_errno_t e = __wasi_poll_oneoff(&sub, &event, 1, &n);
  printf("woke: %d\n", (int)e);
  return 0;
}
