# shellcheck shell=bash disable=SC2034 # (the variables set here are read by those scripts)
# Shared by bin/softmax-job and bin/run-example, which source it after setting ROOT (the
# repository) and LAUNCHER (their name, for messages). It finds the build that `mvn package`
# left in target/scala-X.Y and the java to run it with.

# Prints "LAUNCHER: error: MESSAGE" on stderr and exits with 2, the job's code for a usage error.
fail() {
  echo "$LAUNCHER: error: $*" >&2
  exit 2
}

# The command that builds the Scala $1 line of the project.
build_command() {
  if [ "$1" = 2.13 ]; then
    echo "mvn -q -Pspark4 -DskipTests package"
  else
    echo "mvn -q -DskipTests package"
  fi
}

# Sets BUILD to the build of Scala $1 (target/scala-$1), or fails naming the command that makes it.
use_build() {
  BUILD="$ROOT/target/scala-$1"
  if [ ! -f "$BUILD/launcher/job-jar" ] || [ ! -f "$BUILD/launcher/spark.classpath" ]; then
    fail "the Scala $1 build is missing: run '$(build_command "$1")' in $ROOT first"
  fi
  JOB_JAR="$BUILD/$(<"$BUILD/launcher/job-jar")"
  [ -f "$JOB_JAR" ] || fail "$JOB_JAR is missing: run '$(build_command "$1")' in $ROOT first"
}

# The classpath of a run without spark-submit: the job's jar and Spark's, as Maven resolved them.
job_classpath() {
  echo "$JOB_JAR:$(<"$BUILD/launcher/spark.classpath")"
}

# Sets BUILD for a run without spark-submit: the Scala line in SOFTMAX_SCALA_VERSION if set, else
# the default build (2.12), else the Spark 4 build (2.13).
use_local_build() {
  if [ -n "${SOFTMAX_SCALA_VERSION:-}" ]; then
    use_build "$SOFTMAX_SCALA_VERSION"
  elif [ ! -f "$ROOT/target/scala-2.12/launcher/job-jar" ] \
      && [ -f "$ROOT/target/scala-2.13/launcher/job-jar" ]; then
    use_build 2.13
  else
    use_build 2.12
  fi
}

# Sets JAVA and JVM_FLAGS (Spark's Java 17 flags, as the build lists them), checking that the java
# is 17 or newer.
use_java() {
  JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
  command -v "$JAVA" >/dev/null || fail "no java found: install JDK 17 or set JAVA_HOME"
  local version
  version="$("$JAVA" -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n 1)"
  if [ -z "$version" ] || [ "$version" -lt 17 ]; then
    fail "$JAVA is Java ${version:-of an unknown version}; Java 17 or newer is needed (set JAVA_HOME)"
  fi
  read -r -a JVM_FLAGS <"$BUILD/launcher/jvm-flags"
}
