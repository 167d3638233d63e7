/* clock_res_get, clock_time_get (every clock id, unknown id), random_get, sched_yield, proc_raise, and
 * a WASI name the host does not know (linked, answers NOSYS). */
#include "check.h"

/* Raw imports: proc_raise is gone from wasi-libc's headers; the other name exists in no WASI version. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise"))) int32_t raw_proc_raise(int32_t sig);
__attribute__((import_module("wasi_snapshot_preview1"), import_name("aether_unknown_call"))) int32_t raw_unknown(int32_t x);

int main(void) {
  __wasi_timestamp_t res = 0, a = 0, b = 0, now = 0;
  OK(__wasi_clock_res_get(__WASI_CLOCKID_REALTIME, &res));
  CHECK(res > 0);
  OK(__wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, &res));
  CHECK(res > 0);
  OK(__wasi_clock_res_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, &res));
  OK(__wasi_clock_res_get(__WASI_CLOCKID_THREAD_CPUTIME_ID, &res));
  ERRNO(__wasi_clock_res_get(9, &res), __WASI_ERRNO_INVAL);

  OK(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &now));
  CHECK(now > 1600000000ull * 1000000000ull); /* after Sept 2020 */
  CHECK(now < 4102444800ull * 1000000000ull); /* before 2100 */
  OK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &a));
  for (volatile int i = 0; i < 100000; i++) {
  }
  OK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &b));
  CHECK(b >= a);
  OK(__wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 1, &a));
  ERRNO(__wasi_clock_time_get(42, 1, &a), __WASI_ERRNO_INVAL);

  uint8_t buf[4096];
  memset(buf, 0, sizeof buf);
  OK(__wasi_random_get(buf, sizeof buf));
  int nonzero = 0;
  for (size_t i = 0; i < sizeof buf; i++) nonzero += buf[i] != 0;
  CHECK(nonzero > 3500);
  OK(__wasi_random_get(buf, 0));
  uint8_t *big = malloc(200000);
  CHECK(big != NULL);
  OK(__wasi_random_get(big, 200000));
  free(big);

  OK(__wasi_sched_yield());
  ERRNO(raw_proc_raise(2), __WASI_ERRNO_NOSYS);
  ERRNO(raw_unknown(0), __WASI_ERRNO_NOSYS);
  return done();
}
