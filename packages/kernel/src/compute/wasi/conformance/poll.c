/* poll_oneoff: relative and absolute clock subscriptions, stdin readiness (the test writes "ping" after
 * the guest says "waiting"), stdout always writable, no subscriptions = INVAL; nanosleep over it. */
#include <time.h>
#include "check.h"

static __wasi_timestamp_t now(void) {
  __wasi_timestamp_t t = 0;
  __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
  return t;
}

int main(void) {
  __wasi_subscription_t subs[3];
  __wasi_event_t events[3];
  __wasi_size_t n = 0;
  memset(subs, 0, sizeof subs);
  ERRNO(__wasi_poll_oneoff(subs, events, 0, &n), __WASI_ERRNO_INVAL);

  subs[0].userdata = 7;
  subs[0].u.tag = __WASI_EVENTTYPE_CLOCK;
  subs[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  subs[0].u.u.clock.timeout = 20000000; /* 20 ms */
  __wasi_timestamp_t start = now();
  OK(__wasi_poll_oneoff(subs, events, 1, &n));
  CHECK(n == 1 && events[0].userdata == 7 && events[0].type == __WASI_EVENTTYPE_CLOCK && events[0].error == 0);
  CHECK(now() - start >= 20000000);

  subs[0].u.u.clock.timeout = now() + 10000000;
  subs[0].u.u.clock.flags = __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME;
  start = now();
  OK(__wasi_poll_oneoff(subs, events, 1, &n));
  CHECK(n == 1 && now() >= start);

  struct timespec ts = {0, 5000000};
  CHECK(nanosleep(&ts, NULL) == 0);

  subs[1].userdata = 1;
  subs[1].u.tag = __WASI_EVENTTYPE_FD_WRITE;
  subs[1].u.u.fd_write.file_descriptor = 1;
  subs[0].u.u.clock.flags = 0;
  subs[0].u.u.clock.timeout = 5000000000ull;
  OK(__wasi_poll_oneoff(subs, events, 2, &n));
  CHECK(n == 1 && events[0].userdata == 1 && events[0].type == __WASI_EVENTTYPE_FD_WRITE);

  /* stdin: not ready until the test sends data */
  subs[1].u.tag = __WASI_EVENTTYPE_FD_READ;
  subs[1].u.u.fd_read.file_descriptor = 0;
  subs[0].u.u.clock.timeout = 1000000; /* 1 ms */
  OK(__wasi_poll_oneoff(subs, events, 2, &n));
  CHECK(n == 1 && events[0].userdata == 7);
  write_str(1, "waiting\n");
  OK(__wasi_poll_oneoff(&subs[1], events, 1, &n));
  CHECK(n == 1 && events[0].userdata == 1 && events[0].type == __WASI_EVENTTYPE_FD_READ && events[0].error == 0);
  char buf[8] = {0};
  __wasi_iovec_t iov = {(uint8_t *)buf, 4};
  OK(__wasi_fd_read(0, &iov, 1, &n));
  CHECK(n == 4 && memcmp(buf, "ping", 4) == 0);

  subs[2].userdata = 9;
  subs[2].u.tag = __WASI_EVENTTYPE_FD_READ;
  subs[2].u.u.fd_read.file_descriptor = 99;
  OK(__wasi_poll_oneoff(&subs[2], events, 1, &n));
  CHECK(n == 1 && events[0].error == __WASI_ERRNO_BADF);
  return done();
}
