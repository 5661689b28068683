# Sourced by the project's scripts: exports JAVA_HOME pointing at a JDK 25 or newer, or fails
# with one sentence saying what to install. Smile 6.3 is compiled for Java 25, so nothing older works.
# Search order: $JAVA_HOME, `java` on PATH, /usr/lib/jvm/*, /opt/java/*, ~/.sdkman/candidates/java/*.

smileflow_java_major() { # prints the major version of the java binary given as $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

smileflow_find_jdk() {
  local candidate major
  for candidate in ${JAVA_HOME:+"$JAVA_HOME"} \
      "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")" \
      /usr/lib/jvm/* /opt/java/* "$HOME"/.sdkman/candidates/java/*; do
    [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(smileflow_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}

if ! SMILEFLOW_JDK=$(smileflow_find_jdk); then
  echo "error: no JDK 25 found (looked at \$JAVA_HOME, java on PATH, /usr/lib/jvm, /opt/java, ~/.sdkman); install Temurin 25 (e.g. apt-get install temurin-25-jdk) or set JAVA_HOME to one." >&2
  return 1 2>/dev/null || exit 1
fi
export JAVA_HOME="$SMILEFLOW_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
