#!/usr/bin/env bash
# Stages everything docker/Dockerfile copies into docker/build/, from the local Maven repository
# and the build output, so `docker build` needs no network for Java artifacts:
#
#   build/usrlib/byzflink-jobs.jar                  jobs/target (run `mvn -DskipTests package` first)
#   build/lib/                                      DJL api, pytorch-engine, pytorch-jni + runtime deps
#   build/natives/cpu/pytorch-native-cpu-*.jar      ai.djl.pytorch:pytorch-native-cpu:V:linux-x86_64
#   build/natives/cu128/pytorch-native-cu128-*.jar  with --gpu only (CUDA 12.8 natives, large)
#   build/plugins/external-resource-gpu/            flink-external-resource-gpu-2.0.0.jar + scripts
#   build/conf/                                     flink-conf/ (config.yaml, log4j*.properties)
#   build/examples/                                 examples/*.yaml
#
# Usage: docker/prepare.sh [--gpu] [--fetch]
#   --gpu    also stage the CUDA natives for `docker build --target gpu`
#   --fetch  fetch artifacts missing from ~/.m2 with Maven (network, once); without it a missing
#            artifact is an error that prints the command to run.
# Versions come from the parent pom.xml (djl.version, pytorch.jni.version, pytorch.native.version)
# and from jobs/target/classpath-runtime.txt (the DJL dependencies as Maven resolved them).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/docker/build"
M2="${MAVEN_REPO:-$HOME/.m2/repository}"
GPU=false
FETCH=false
GPU_FLAVOR=cu128
GPU_PLUGIN_VERSION=2.0.0

for arg in "$@"; do
  case "$arg" in
    --gpu) GPU=true ;;
    --fetch) FETCH=true ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown option: $arg (use --gpu, --fetch)" >&2; exit 2 ;;
  esac
done

# A property of the parent pom, e.g. prop djl.version -> 0.36.0
prop() {
  local v
  v="$(sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$ROOT/pom.xml" | head -n 1)"
  [[ -n "$v" ]] || { echo "property $1 not found in $ROOT/pom.xml" >&2; exit 1; }
  printf '%s' "$v"
}
DJL_VERSION="$(prop djl.version)"
PYTORCH_JNI_VERSION="$(prop pytorch.jni.version)"
PYTORCH_NATIVE_VERSION="$(prop pytorch.native.version)"

# Path of group:artifact:version[:classifier] in the local repository.
m2_path() {
  local g="$1" a="$2" v="$3" c="${4:-}"
  printf '%s/%s/%s/%s/%s-%s%s.jar' "$M2" "${g//.//}" "$a" "$v" "$a" "$v" "${c:+-$c}"
}

# Copies an artifact from ~/.m2 into a folder, fetching it first with --fetch.
copy_artifact() {
  local dest="$1" g="$2" a="$3" v="$4" c="${5:-}"
  local src
  src="$(m2_path "$g" "$a" "$v" "$c")"
  if [[ ! -s "$src" ]]; then
    # maven-dependency-plugin 2.8's copy resolves the jar even when the parent POM is not served
    # (the case of flink-external-resource-gpu).
    local cmd=(mvn -q -f "$ROOT/pom.xml" -N org.apache.maven.plugins:maven-dependency-plugin:2.8:copy
               "-Dartifact=$g:$a:$v:jar${c:+:$c}" "-DoutputDirectory=$dest")
    if $FETCH; then
      echo "fetching $g:$a:$v${c:+:$c}"
      "${cmd[@]}"
      return 0
    fi
    echo "missing $src" >&2
    echo "fetch it once (network): ${cmd[*]}" >&2
    echo "or run: docker/prepare.sh --fetch$($GPU && echo ' --gpu')" >&2
    exit 1
  fi
  cp -f "$src" "$dest/"
}

JOB_JAR="$ROOT/jobs/target/byzflink-jobs.jar"
CP_RUNTIME="$ROOT/jobs/target/classpath-runtime.txt"
[[ -s "$JOB_JAR" && -s "$CP_RUNTIME" ]] || {
  echo "missing $JOB_JAR or $CP_RUNTIME: run 'mvn -DskipTests package' in $ROOT first" >&2; exit 1; }

rm -rf "$OUT"
mkdir -p "$OUT/usrlib" "$OUT/lib" "$OUT/natives/cpu" "$OUT/plugins/external-resource-gpu" \
         "$OUT/conf" "$OUT/examples"

# Job jar (shade finalName byzflink-jobs).
cp -f "$JOB_JAR" "$OUT/usrlib/byzflink-jobs.jar"

# DJL and the jars it needs at run time in the parent class loader, exactly as Maven resolved
# them for the jobs module (gson, jna, commons-compress, commons-io).
copy_artifact "$OUT/lib" ai.djl api "$DJL_VERSION"
copy_artifact "$OUT/lib" ai.djl.pytorch pytorch-engine "$DJL_VERSION"
copy_artifact "$OUT/lib" ai.djl.pytorch pytorch-jni "$PYTORCH_JNI_VERSION"
for pattern in /com/google/code/gson/gson/ /net/java/dev/jna/jna/ \
               /org/apache/commons/commons-compress/ /commons-io/commons-io/; do
  jar="$(tr ':' '\n' < "$CP_RUNTIME" | grep -F "$pattern" | head -n 1 || true)"
  [[ -n "$jar" && -s "$jar" ]] || { echo "no ${pattern} jar in $CP_RUNTIME" >&2; exit 1; }
  cp -f "$jar" "$OUT/lib/"
done

# PyTorch natives: CPU always (the client/JobManager and CPU TaskManagers), CUDA with --gpu.
copy_artifact "$OUT/natives/cpu" ai.djl.pytorch pytorch-native-cpu "$PYTORCH_NATIVE_VERSION" linux-x86_64
if $GPU; then
  mkdir -p "$OUT/natives/$GPU_FLAVOR"
  copy_artifact "$OUT/natives/$GPU_FLAVOR" ai.djl.pytorch "pytorch-native-$GPU_FLAVOR" \
    "$PYTORCH_NATIVE_VERSION" linux-x86_64
fi

# Flink GPU driver plugin and its discovery scripts (packaged at the root of the plugin jar).
PLUGIN_DIR="$OUT/plugins/external-resource-gpu"
copy_artifact "$PLUGIN_DIR" org.apache.flink flink-external-resource-gpu "$GPU_PLUGIN_VERSION"
PLUGIN_JAR="$PLUGIN_DIR/flink-external-resource-gpu-$GPU_PLUGIN_VERSION.jar"
if command -v unzip >/dev/null 2>&1; then
  unzip -q -o -j "$PLUGIN_JAR" nvidia-gpu-discovery.sh gpu-discovery-common.sh -d "$PLUGIN_DIR"
else
  (cd "$PLUGIN_DIR" && jar xf "$PLUGIN_JAR" nvidia-gpu-discovery.sh gpu-discovery-common.sh)
fi
for script in nvidia-gpu-discovery.sh gpu-discovery-common.sh; do
  [[ -s "$PLUGIN_DIR/$script" ]] || { echo "$script not found in $PLUGIN_JAR" >&2; exit 1; }
  chmod 755 "$PLUGIN_DIR/$script"
done

# Flink configuration and experiment configs.
cp -f "$ROOT"/flink-conf/config.yaml "$ROOT"/flink-conf/log4j-console.properties \
      "$ROOT"/flink-conf/log4j.properties "$OUT/conf/"
cp -f "$ROOT"/examples/*.yaml "$OUT/examples/"

echo "staged in $OUT:"
(cd "$OUT" && find . -type f | sort | sed 's/^\.\//  /')
echo "next: docker build -t byzflink:0.1.0 $ROOT/docker$($GPU && echo "   (GPU: docker build --target gpu -t byzflink:0.1.0-$GPU_FLAVOR $ROOT/docker)")"
