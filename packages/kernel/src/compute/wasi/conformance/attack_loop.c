/* Spins forever without a single host call: only the kernel's wall-time kill can stop it. */
int main(void) {
  volatile unsigned long spins = 0;
  for (;;) spins++;
}
