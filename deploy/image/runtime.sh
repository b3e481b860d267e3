#!/usr/bin/env bash
# Builds what Jib (`mvn -Pimage package`) adds to the image besides the bundle, under OUT (default: target/image):
#   OUT/app/data   the bundle's writable folder (a volume in production)
#   OUT/runtime    with MODE jlink (the default): the image's base, made without a registry: a jlinked Java
#                  runtime from this machine's JDK plus the shared libraries it links against (glibc, zlib, ...)
#                  as a root file system for Jib's empty `scratch` base. Linux only; the image gets this
#                  machine's architecture. With MODE none it stays empty (a base image such as Temurin brings Java).
# JAVA_HOME picks the JDK (default: the one `java` on PATH belongs to).
set -euo pipefail
out="${1:-target/image}"
mode="${2:-jlink}"
# The JDK modules the bundle and its libraries use (jdeps --list-deps over target/lib and the jar), plus TLS
# (jdk.crypto.ec, cryptoki), DNS, character sets, zip file systems and XML signatures, loaded by name.
# A missing one shows as NoClassDefFoundError or NoSuchAlgorithmException at start-up.
modules="java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.management.rmi,\
java.naming,java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,\
java.transaction.xa,java.xml,java.xml.crypto,jdk.charsets,jdk.crypto.cryptoki,jdk.crypto.ec,jdk.httpserver,\
jdk.jfr,jdk.management,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs"

[[ -n "$out" && "$out" != / ]] || { echo "refusing to empty $out" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out/app/data" "$out/runtime"
if [[ "$mode" == none ]]; then
  exit 0
fi
out="$out/runtime"

java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
jlink="$java_home/bin/jlink"
[[ -x "$jlink" ]] || { echo "no jlink at $jlink: set JAVA_HOME to a JDK 17 (with jmods)" >&2; exit 1; }

mkdir -p "$out/opt/java" "$out/etc" "$out/tmp"
jre="$out/opt/java/openjdk"
"$jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 --output "$jre"

# Distributions link cacerts to the system trust store; the image needs the file itself (TLS to EnKash).
cacerts="$java_home/lib/security/cacerts"
if [[ -e "$cacerts" ]]; then
  cp -L "$cacerts" "$jre/lib/security/cacerts"
fi

# Every shared library the runtime's programs and libraries load, and the dynamic loader, at the paths
# the loader looks in; copies, not links (image layers keep no links to outside files).
# java.desktop is here for java.beans only: its window, font and sound libraries (X11, ALSA, FreeType) stay
# without theirs, as a headless server never loads them.
libs="$(find "$jre" -type f \( -name '*.so' -o -path '*/bin/*' -o -name jspawnhelper \) \
  ! -name 'libawt_xawt.so' ! -name 'libjawt.so' ! -name 'libsplashscreen.so' ! -name 'libjsound.so' \
  ! -name 'libfontmanager.so' ! -name 'liblcms.so' ! -name 'libjavajpeg.so' -print0 \
  | xargs -0 ldd 2>/dev/null \
  | awk '/=> \// { print $3 } /^\t\/[^ ]+ \(/ { print $1 }' | sort -u)"
for lib in $libs; do
  case "$lib" in "$jre"/*) continue ;; esac
  mkdir -p "$out$(dirname "$lib")"
  cp -L "$lib" "$out$lib"
done

# A name for the bundle's user (uid 10001), so tools that look the user up find one.
cat > "$out/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
app:x:10001:10001:enkash-card-routes:/app:/sbin/nologin
PASSWD
cat > "$out/etc/group" <<'GROUP'
root:x:0:
app:x:10001:
GROUP
echo "runtime image root at $out: $(du -sh "$out" | cut -f1)"
