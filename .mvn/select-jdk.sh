# Sourced by ./mvnw before anything else (POSIX sh). Cairn needs JDK 25+ (virtual threads without
# pinning on monitors, ScopedValue); many machines default to an older `java`. If JAVA_HOME (or the
# `java` on PATH) is older, pick the newest JDK >= 25 from the usual install roots and export it.
# Maven toolchains cannot do this: quarkus:build runs inside Maven's own JVM.
cairn_required_jdk=25
set +f # mvnw runs with globbing off; the JDK search below needs it

cairn_java_major() { # $1 = java home; prints the feature version read from its `release` file
  [ -r "$1/release" ] || return 1
  sed -n 's/^JAVA_VERSION="\{0,1\}\([0-9][0-9]*\).*/\1/p' "$1/release" | head -n 1
}

cairn_current_home="${JAVA_HOME-}"
if [ -z "$cairn_current_home" ] && command -v java >/dev/null 2>&1; then
  cairn_current_home="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
fi
cairn_current_major="$(cairn_java_major "$cairn_current_home" 2>/dev/null || true)"

if [ -z "$cairn_current_major" ] || [ "$cairn_current_major" -lt "$cairn_required_jdk" ]; then
  cairn_best_home=""; cairn_best_major=0
  for cairn_candidate in ${CAIRN_JDK_ROOTS:-/usr/lib/jvm /usr/java /opt/java /opt} "$HOME/.sdkman/candidates/java" "$HOME/.jdks"; do
    for cairn_home in "$cairn_candidate"/*; do
      [ -x "$cairn_home/bin/javac" ] || continue
      cairn_major="$(cairn_java_major "$cairn_home" 2>/dev/null || true)"
      [ -n "$cairn_major" ] || continue
      if [ "$cairn_major" -ge "$cairn_required_jdk" ] && [ "$cairn_major" -gt "$cairn_best_major" ]; then
        cairn_best_home="$cairn_home"; cairn_best_major="$cairn_major"
      fi
    done
  done
  if [ -z "$cairn_best_home" ]; then
    echo "Cairn needs a JDK $cairn_required_jdk or newer, but JAVA_HOME/java is ${cairn_current_major:-missing} ('${cairn_current_home:-none}')" >&2
    echo "and none was found under ${CAIRN_JDK_ROOTS:-/usr/lib/jvm /usr/java /opt/java /opt}, ~/.sdkman, ~/.jdks." >&2
    echo "Install one (e.g. apt-get install temurin-25-jdk) or set JAVA_HOME to it." >&2
    exit 1
  fi
  JAVA_HOME="$cairn_best_home"; export JAVA_HOME
  [ "${MVNW_VERBOSE-}" != true ] || echo "mvnw: using JDK $cairn_best_major at $JAVA_HOME" >&2
fi
unset cairn_required_jdk cairn_current_home cairn_current_major cairn_best_home cairn_best_major cairn_candidate cairn_home cairn_major
set -f
