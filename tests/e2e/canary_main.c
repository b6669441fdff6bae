/* vgcanary FILE: writes "ran" to FILE. The tests' denied program: harmless by itself. */
#include <stdio.h>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  FILE* f = fopen(argv[1], "w");
  if (f == NULL) return 1;
  fputs("ran\n", f);
  return fclose(f) == 0 ? 0 : 1;
}
