/* The policy snapshot's byte layout, shared by the core (which writes it) and the
 * preload shim (which mmaps it in every process). Plain C so the shim can include it
 * without pulling in C++: only fixed-size fields, offsets instead of pointers.
 *
 *   header | entries[entry_count] (exact names, sorted by bytes) |
 *            entries[prefix_count] (names that match as a prefix) | strings (NUL-ended)
 *
 * The lookup below is the one both sides use, so the core's tests check exactly what
 * the shim will do. */
#ifndef VG_POLICY_SNAPSHOT_FORMAT_H
#define VG_POLICY_SNAPSHOT_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define VG_SNAP_MAGIC "VGSNAP1"  /* 7 characters + NUL = 8 bytes */
#define VG_SNAP_VERSION 1u
#define VG_SNAP_MAX_SIZE (1u << 20)

/* What the shim does with an exec of a program, before anything else. */
enum vg_exec_class {
  VG_CLASS_PASS = 0,    /* run it untouched: its own arguments cannot do harm */
  VG_CLASS_INSPECT = 1, /* ask the evaluator every time */
  VG_CLASS_INLINE = 2   /* ask only when given inline code (-c, -e, --eval ...) */
};

struct vg_snap_header {
  char magic[8];
  uint32_t version;
  uint32_t total_size;
  uint32_t entry_count;
  uint32_t prefix_count;
  uint32_t entries_off;
  uint32_t strings_off;
  uint32_t vg_bin_off;     /* string offset: absolute path of the vectra-guard binary */
  uint32_t config_off;     /* string offset: extra config file, "" for none */
  uint8_t default_class;   /* class of programs not listed */
  uint8_t fail_closed;     /* 1: no verdict (vectra-guard missing, crashed) refuses the exec */
  uint8_t reserved[6];
  uint64_t generation;     /* changes whenever the content does */
};

struct vg_snap_entry {
  uint32_t name_off; /* string offset */
  uint32_t name_len;
  uint32_t cls;      /* enum vg_exec_class */
};

/* 1 when the bytes are a snapshot this code understands and every offset is in range. */
static inline int vg_snap_valid(const unsigned char* base, size_t size) {
  const struct vg_snap_header* h = (const struct vg_snap_header*)(const void*)base;
  if (size < sizeof(struct vg_snap_header) || size > VG_SNAP_MAX_SIZE) return 0;
  if (memcmp(h->magic, VG_SNAP_MAGIC, 8) != 0 || h->version != VG_SNAP_VERSION) return 0;
  if (h->total_size != size || h->default_class > VG_CLASS_INLINE) return 0;
  uint64_t n = (uint64_t)h->entry_count + h->prefix_count;
  if (h->entries_off < sizeof(struct vg_snap_header) || h->entries_off % 4 != 0) return 0;
  if (h->entries_off + n * sizeof(struct vg_snap_entry) > h->strings_off) return 0;
  if (h->strings_off > size) return 0;
  const char* strings = (const char*)base + h->strings_off;
  size_t strings_size = size - h->strings_off;
  if (strings_size == 0 || strings[strings_size - 1] != '\0') return 0;
  if (h->vg_bin_off >= strings_size || h->config_off >= strings_size) return 0;
  const struct vg_snap_entry* e = (const struct vg_snap_entry*)(const void*)(base + h->entries_off);
  for (uint64_t i = 0; i < n; ++i) {
    if ((uint64_t)e[i].name_off + e[i].name_len >= strings_size) return 0;
    if (e[i].cls > VG_CLASS_INLINE) return 0;
  }
  return 1;
}

static inline const char* vg_snap_string(const unsigned char* base, uint32_t off) {
  const struct vg_snap_header* h = (const struct vg_snap_header*)(const void*)base;
  return (const char*)base + h->strings_off + off;
}

/* Byte-wise order of (a, alen) against (b, blen), like std::string's compare. */
static inline int vg_snap_compare(const char* a, size_t alen, const char* b, size_t blen) {
  int c = memcmp(a, b, alen < blen ? alen : blen);
  if (c != 0) return c;
  return alen < blen ? -1 : alen > blen ? 1 : 0;
}

/* The class of a program's basename: exact entry (binary search), else the longest
 * prefix entry, else the default. `base` must have passed vg_snap_valid. */
static inline int vg_snap_lookup(const unsigned char* base, const char* name, size_t len) {
  const struct vg_snap_header* h = (const struct vg_snap_header*)(const void*)base;
  const struct vg_snap_entry* e = (const struct vg_snap_entry*)(const void*)(base + h->entries_off);
  size_t lo = 0, hi = h->entry_count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = vg_snap_compare(name, len, vg_snap_string(base, e[mid].name_off), e[mid].name_len);
    if (c == 0) return (int)e[mid].cls;
    if (c < 0) hi = mid;
    else lo = mid + 1;
  }
  int best = -1;
  size_t best_len = 0;
  for (uint32_t i = 0; i < h->prefix_count; ++i) {
    const struct vg_snap_entry* p = &e[h->entry_count + i];
    if (p->name_len <= len && p->name_len >= best_len &&
        memcmp(name, vg_snap_string(base, p->name_off), p->name_len) == 0) {
      best = (int)p->cls;
      best_len = p->name_len;
    }
  }
  return best >= 0 ? best : (int)h->default_class;
}

/* For VG_CLASS_INLINE programs (shells, interpreters): 1 when the options before the
 * first operand (option values such as `-O extglob` skipped) carry inline code: a short-option cluster with c, e, E or p (`-c`,
 * `-lc`, `-e`, `-p`), or --command/--eval/--print/--exec (also with =value). */
static inline int vg_argv_has_inline_code(char* const argv[]) {
  if (argv == NULL || argv[0] == NULL) return 0;
  for (size_t i = 1; argv[i] != NULL; ++i) {
    const char* a = argv[i];
    /* Options that take the next word as their value: bash -o/-O/+o/+O, python -W/-X. */
    if ((a[0] == '-' || a[0] == '+') && a[1] != '\0' && strchr("oOWX", a[1]) != NULL &&
        a[2] == '\0') {
      if (argv[i + 1] == NULL) return 0;
      ++i;
      continue;
    }
    if (a[0] == '+' && a[1] != '\0') continue; /* set-style +x */
    if (a[0] != '-' || a[1] == '\0') return 0; /* first operand (script file or "-") */
    if (a[1] == '-') {
      if (a[2] == '\0') return 0; /* "--": operands follow */
      const char* name = a + 2;
      size_t n = strcspn(name, "=");
      if ((n == 7 && memcmp(name, "command", 7) == 0) || (n == 4 && memcmp(name, "eval", 4) == 0) ||
          (n == 5 && memcmp(name, "print", 5) == 0) || (n == 4 && memcmp(name, "exec", 4) == 0)) {
        return 1;
      }
      continue;
    }
    if (a[0] == '-' && strpbrk(a + 1, "ceEp") != NULL) return 1;
  }
  return 0;
}

#endif /* VG_POLICY_SNAPSHOT_FORMAT_H */
