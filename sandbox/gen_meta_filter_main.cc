// vg-gen-meta-filter: runs at build time and writes the Landlock runtime's metadata
// filter (meta_filter.h), compiled by libseccomp for this machine, as a C++ include.
//
//   vg-gen-meta-filter OUTPUT.inc
#include <seccomp.h>

#include <cstdio>
#include <string>

#include "sandbox/gen_include.h"
#include "sandbox/meta_filter.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: vg-gen-meta-filter OUTPUT.inc\n");
    return 2;
  }
  std::string bytes, error;
  if (!vg::sandbox::compile_meta_filter(bytes, error)) {
    std::fprintf(stderr, "vg-gen-meta-filter: %s\n", error.c_str());
    return 1;
  }
  return vg::sandbox::write_bpf_include(argv[1], "vg-gen-meta-filter", "kMetaFilterArch", seccomp_arch_native(),
                                        {{"kMetaFilter", bytes}})
             ? 0
             : 1;
}
