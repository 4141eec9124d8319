# Sourced by scripts/bench*: runs a benchmark from the test classpath, where the benchmark code
# (src/statestore/bench) is compiled; it is kept out of target/statestore.jar (docs/benchmarks.md,
# "Where the benchmark code lives").
# Usage: bench_java REPO [JVM OPTIONS ...] -- SUBCOMMAND [ARGUMENTS ...]
# Compiles first when the classpath file is missing or older than pom.xml or anything under src/.
bench_java() {
    local repo=$1 cpfile jvm=()
    shift
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        jvm+=("$1")
        shift
    done
    shift
    local module=$repo/src/statestore/target
    cpfile=$module/bench-classpath.txt
    if [ ! -f "$cpfile" ] || [ -n "$(find "$repo/pom.xml" "$repo/src" -newer "$cpfile" -print -quit)" ]; then
        echo "bench: compiling the benchmarks (mvn test-compile) ..." >&2
        # every module writes the file in turn; statestore's, the last, has the client's classes too
        (cd "$repo" && mvn -q -B -ntp test-compile dependency:build-classpath -Dmdep.outputFile="$cpfile" >&2)
        # the plugin leaves an unchanged file alone, so its age would keep asking for a build
        touch "$cpfile"
    fi
    java "${jvm[@]}" -cp "$module/test-classes:$module/classes:$(cat "$cpfile")" \
        io.statestore.bench.BenchMain "$@"
}
