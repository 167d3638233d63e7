/* args_*, environ_*: run with args "first" "sec ond" and env GREETING=hello, EMPTY= (see the test). */
#include "check.h"

int main(int argc, char **argv) {
  __wasi_size_t count = 0, size = 0;
  OK(__wasi_args_sizes_get(&count, &size));
  CHECK(count == 3);
  CHECK(size == strlen(argv[0]) + 1 + strlen("first") + 1 + strlen("sec ond") + 1);
  CHECK(argc == 3);
  CHECK(strcmp(argv[1], "first") == 0);
  CHECK(strcmp(argv[2], "sec ond") == 0);

  uint8_t *ptrs[3];
  uint8_t buf[256];
  OK(__wasi_args_get(ptrs, buf));
  CHECK(ptrs[0] == buf);
  CHECK(strcmp((char *)ptrs[2], "sec ond") == 0);

  OK(__wasi_environ_sizes_get(&count, &size));
  CHECK(count == 2);
  CHECK(size == strlen("GREETING=hello") + 1 + strlen("EMPTY=") + 1);
  uint8_t *env[2];
  uint8_t envbuf[64];
  OK(__wasi_environ_get(env, envbuf));
  CHECK(strcmp((char *)env[0], "GREETING=hello") == 0);
  CHECK(strcmp((char *)env[1], "EMPTY=") == 0);
  CHECK(getenv("GREETING") != NULL && strcmp(getenv("GREETING"), "hello") == 0);
  CHECK(getenv("PATH") == NULL);
  return done();
}
