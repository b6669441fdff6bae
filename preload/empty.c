/* Deliberately empty: the baseline for the shim's load cost in tests/bench/bench_shim.sh. */
int vg_empty_marker;
