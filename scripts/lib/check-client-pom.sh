#!/usr/bin/env bash
# Resolves the installed statestore-client as an outside project would (a consumer POM with that
# one dependency) and fails if it brings anything a POM naming only Jedis, Jackson (databind,
# jsr310) and slf4j-api at the client's versions does not also bring. Run by scripts/test after
# `mvn install`; the lists come from Maven itself, so a new transitive of Jedis is no failure,
# but logback, Quartz, picocli or YAML leaking into the client is.
# Usage: scripts/lib/check-client-pom.sh [MAVEN OPTIONS ...]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The versions the client is built with, from the parent POM (one source of truth).
prop() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$repo/pom.xml" | head -1; }
version=$(sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' "$repo/pom.xml")
jedis=$(prop jedis.version) jackson=$(prop jackson.version) slf4j=$(prop slf4j.version)

consumer_pom() {  # NAME DEPENDENCIES-XML
    mkdir -p "$work/$1"
    cat >"$work/$1/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId><artifactId>$1</artifactId><version>1</version>
  <dependencies>$2</dependencies>
</project>
POM
}
dep() { echo "<dependency><groupId>$1</groupId><artifactId>$2</artifactId><version>$3</version></dependency>"; }

consumer_pom app "$(dep io.statestore statestore-client "$version")"
consumer_pom allowed "$(dep redis.clients jedis "$jedis")$(dep com.fasterxml.jackson.core jackson-databind "$jackson")$(dep com.fasterxml.jackson.datatype jackson-datatype-jsr310 "$jackson")$(dep org.slf4j slf4j-api "$slf4j")"

resolve() {  # NAME -> sorted group:artifact:version:scope lines of what it resolves
    (cd "$work/$1" && mvn -q -B -ntp "${@:2}" dependency:list -DoutputFile=deps.txt -DincludeScope=runtime >"$work/$1.log" 2>&1) || {
        cat "$work/$1.log" >&2
        echo "check-client-pom: Maven could not resolve the $1 consumer (is statestore-client $version installed? scripts/test runs mvn install first)" >&2
        exit 1
    }
    grep -E '^ +[^ ]+:[^ ]+:jar:' "$work/$1/deps.txt" | sed -E 's/^ +//; s/ -- .*//' | sort
}

resolve app "$@" | grep -v '^io.statestore:statestore-client:' >"$work/app.txt"
resolve allowed "$@" >"$work/allowed.txt"
extra=$(comm -23 "$work/app.txt" "$work/allowed.txt")
if [ -n "$extra" ]; then
    echo "check-client-pom: statestore-client brings dependencies beyond Jedis, Jackson and slf4j-api:" >&2
    printf '  %s\n' $extra >&2
    echo "check-client-pom: a service embedding the client would inherit these; move them to src/statestore/pom.xml" >&2
    exit 1
fi
echo "check-client-pom: statestore-client $version brings $(wc -l <"$work/app.txt") artifacts, all of them Jedis, Jackson, slf4j-api or theirs"
